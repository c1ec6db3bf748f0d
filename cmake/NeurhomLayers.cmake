# The layer graph and one library target per layer.
#
# A layer is a header directory: include/neurhom/<layer>/*.hpp with its sources in
# src/<layer>/ (e.g. `nn`, `lod`, `methods/compression/net`, `methods/compression`). The graph
# is declared once, bottom-up, independent of the build options (neurhom_declare_layer), so the
# include rule is the same in every configuration: a file may include neurhom headers of its
# own layer and of the layers below it only. neurhom_add_layer() creates a layer's library,
# links the layers' targets below it and checks the rule at configure time over its sources and
# headers, so a wrong include fails the build instead of relying on convention; the graph is
# written to ${CMAKE_BINARY_DIR}/neurhom_layers.cmake for the `layering` test
# (cmake/check_layers.cmake), which checks the whole tree.

include(${CMAKE_CURRENT_LIST_DIR}/check_layers_impl.cmake)

set_property(GLOBAL PROPERTY NEURHOM_LAYERS "")

# neurhom_declare_layer(<layer> [BELOW <layer...>]): <layer> may include itself and everything
# the layers in BELOW may include. Declare the lower layers first.
function(neurhom_declare_layer layer)
  cmake_parse_arguments(L "" "" "BELOW" ${ARGN})
  set(_allowed ${layer})
  foreach(_d IN LISTS L_BELOW)
    get_property(_known GLOBAL PROPERTY NEURHOM_LAYER_DECLARED_${_d} SET)
    if(NOT _known)
      message(FATAL_ERROR "layer ${layer}: the layer below it, '${_d}', is not declared (yet)")
    endif()
    get_property(_below GLOBAL PROPERTY NEURHOM_LAYER_ALLOWED_${_d})
    list(APPEND _allowed ${_below})
  endforeach()
  list(REMOVE_DUPLICATES _allowed)
  set_property(GLOBAL PROPERTY NEURHOM_LAYER_DECLARED_${layer} TRUE)
  set_property(GLOBAL PROPERTY NEURHOM_LAYER_ALLOWED_${layer} "${_allowed}")
  set_property(GLOBAL APPEND PROPERTY NEURHOM_LAYERS ${layer})
endfunction()

# Unity build for a target (NEURHOM_UNITY_BUILD): its sources in batches of 6.
function(neurhom_build_speed target)
  if(NEURHOM_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 6)
  endif()
endfunction()

# The precompiled LibTorch headers (NEURHOM_PRECOMPILED_HEADERS): made by neurhom_nn, reused by
# `target` (a PETSc-free target whose sources include LibTorch: the same compile flags, so GCC
# accepts the PCH; PETSc's flags define _FORTIFY_SOURCE, with which GCC would ignore it).
function(neurhom_use_torch_pch target)
  if(NEURHOM_PRECOMPILED_HEADERS AND TARGET neurhom_nn AND NOT target STREQUAL "neurhom_nn")
    target_precompile_headers(${target} REUSE_FROM neurhom_nn)
  endif()
endfunction()

# The target of a layer: neurhom_<layer> with "methods/" dropped and "/" -> "_"
# (methods/compression/net -> neurhom_compression_net).
function(neurhom_layer_target layer out)
  string(REGEX REPLACE "^methods/" "" _t "${layer}")
  string(REPLACE "/" "_" _t "${_t}")
  set(${out} neurhom_${_t} PARENT_SCOPE)
endfunction()

# neurhom_add_layer(<layer> [TARGET <name>] SOURCES <src...> [DEPENDS <target...>] [LIBS <targets...>])
#   Creates the library (default name from neurhom_layer_target) from src/<layer>/<sources>.
#   DEPENDS: the targets directly below, without the neurhom_ prefix (linked PUBLIC; each must
#   belong to a layer below); LIBS: external libraries (linked PUBLIC).
function(neurhom_add_layer layer)
  cmake_parse_arguments(L "" "TARGET" "SOURCES;DEPENDS;LIBS" ${ARGN})
  get_property(_allowed GLOBAL PROPERTY NEURHOM_LAYER_ALLOWED_${layer})
  if(NOT _allowed)
    message(FATAL_ERROR "neurhom_add_layer(${layer}): the layer is not declared (neurhom_declare_layer)")
  endif()
  if(NOT L_TARGET)
    neurhom_layer_target(${layer} L_TARGET)
  endif()
  set(_srcs "")
  foreach(_s IN LISTS L_SOURCES)
    list(APPEND _srcs ${PROJECT_SOURCE_DIR}/src/${layer}/${_s})
  endforeach()
  add_library(${L_TARGET} ${_srcs})
  neurhom_build_speed(${L_TARGET})
  target_include_directories(${L_TARGET} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_compile_options(${L_TARGET} PRIVATE -Wall -Wextra)
  target_compile_definitions(${L_TARGET} PRIVATE NEURHOM_VERSION="${PROJECT_VERSION}")
  foreach(_d IN LISTS L_DEPENDS)
    if(NOT TARGET neurhom_${_d})
      message(FATAL_ERROR "layer ${layer}: the target below it, 'neurhom_${_d}', is not defined (yet)")
    endif()
    target_link_libraries(${L_TARGET} PUBLIC neurhom_${_d})
  endforeach()
  if(L_LIBS)
    target_link_libraries(${L_TARGET} PUBLIC ${L_LIBS})
  endif()

  # The include check over this target's sources and the layer's headers.
  set(_files ${_srcs})
  file(GLOB _headers ${PROJECT_SOURCE_DIR}/include/neurhom/${layer}/*.hpp)
  list(APPEND _files ${_headers})
  neurhom_layer_violations("${layer}" "${_allowed}" "${_files}" _bad)
  if(_bad)
    message(FATAL_ERROR "layer '${layer}' may include only ${_allowed}:\n${_bad}")
  endif()
endfunction()

# Writes the layer graph (layer -> allowed layers) for the `layering` test.
function(neurhom_write_layer_graph path)
  get_property(_layers GLOBAL PROPERTY NEURHOM_LAYERS)
  set(_text "# generated by cmake/NeurhomLayers.cmake: each layer and the layers it may include\n")
  string(APPEND _text "set(NEURHOM_LAYERS \"${_layers}\")\n")
  foreach(_l IN LISTS _layers)
    get_property(_a GLOBAL PROPERTY NEURHOM_LAYER_ALLOWED_${_l})
    string(APPEND _text "set(NEURHOM_LAYER_ALLOWED_${_l} \"${_a}\")\n")
  endforeach()
  file(WRITE ${path} "${_text}")
endfunction()
