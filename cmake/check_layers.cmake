# The `layering` test: cmake -DGRAPH=<build>/neurhom_layers.cmake -DROOT=<tree> -P check_layers.cmake
# Scans ROOT/src/<layer>/ and ROOT/include/neurhom/<layer>/ (not their subdirectories, which
# are layers of their own: methods/x/net) of every layer in the graph and
# fails (exit status 1) if a file includes a neurhom header of a layer that is not below it.
if(NOT GRAPH OR NOT ROOT)
  message(FATAL_ERROR "usage: cmake -DGRAPH=neurhom_layers.cmake -DROOT=<source tree> -P check_layers.cmake")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/check_layers_impl.cmake)
include(${GRAPH})
set(_all_bad "")
set(_checked 0)
foreach(_layer IN LISTS NEURHOM_LAYERS)
  file(GLOB _files ${ROOT}/src/${_layer}/*.cpp ${ROOT}/src/${_layer}/*.hpp ${ROOT}/include/neurhom/${_layer}/*.hpp)
  list(LENGTH _files _n)
  math(EXPR _checked "${_checked} + ${_n}")
  neurhom_layer_violations("${_layer}" "${NEURHOM_LAYER_ALLOWED_${_layer}}" "${_files}" _bad)
  string(APPEND _all_bad "${_bad}")
endforeach()
if(_all_bad)
  message(FATAL_ERROR "layering violations:\n${_all_bad}")
endif()
message(STATUS "layering: ${_checked} files in ${ROOT}, every include goes to the same layer or one below")
