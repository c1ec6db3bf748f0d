#include "neurhom/core/blas_threads.hpp"

#include <dlfcn.h>

#include <cstdlib>

namespace neurhom {

void set_blas_threads(int threads) {
  using SetThreads = void (*)(int);
  for (const char* symbol : {"omp_set_num_threads", "openblas_set_num_threads"})
    if (void* f = dlsym(RTLD_DEFAULT, symbol)) reinterpret_cast<SetThreads>(f)(threads);
}

void default_blas_threads() {
  if (std::getenv("OMP_NUM_THREADS") || std::getenv("OPENBLAS_NUM_THREADS")) return;
  set_blas_threads(1);
}

}  // namespace neurhom
