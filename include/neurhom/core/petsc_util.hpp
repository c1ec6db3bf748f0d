#pragma once
// PETSc glue for C++ code: NH_PETSC(call) turns a PETSc error code into a LocalError (PETSc
// has already printed its traceback), and Owned<T> destroys PETSc objects on scope exit.
#include <petscdm.h>
#include <petscksp.h>
#include <petscsnes.h>

#include <string>
#include <utility>
#include <vector>

namespace neurhom {

[[noreturn]] void throw_petsc_error(PetscErrorCode code, const char* call, const char* file, int line);

#define NH_PETSC(call)                                                         \
  do {                                                                         \
    const PetscErrorCode nh_petsc_code_ = (call);                              \
    if (nh_petsc_code_) ::neurhom::throw_petsc_error(nh_petsc_code_, #call, __FILE__, __LINE__); \
  } while (0)

// Move-only owner of a PETSc object handle (Vec, Mat, KSP, SNES, DM, IS, VecScatter, MatNullSpace).
template <class T, PetscErrorCode (*Destroy)(T*)>
class Owned {
 public:
  Owned() = default;
  explicit Owned(T handle) : handle_(handle) {}
  ~Owned() { reset(); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  Owned(Owned&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
  Owned& operator=(Owned&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
  }
  void reset() {
    if (handle_) Destroy(&handle_);
    handle_ = nullptr;
  }
  T get() const { return handle_; }
  operator T() const { return handle_; }
  T* out() { reset(); return &handle_; }  // for PETSc "create" calls
  T* inout() { return &handle_; }         // for PETSc "reuse" calls (MAT_REUSE_MATRIX)
  explicit operator bool() const { return handle_ != nullptr; }

 private:
  T handle_ = nullptr;
};

using OwnedVec = Owned<Vec, VecDestroy>;
using OwnedMat = Owned<Mat, MatDestroy>;
using OwnedKSP = Owned<KSP, KSPDestroy>;
using OwnedSNES = Owned<SNES, SNESDestroy>;
using OwnedDM = Owned<DM, DMDestroy>;
using OwnedIS = Owned<IS, ISDestroy>;
using OwnedScatter = Owned<VecScatter, VecScatterDestroy>;
using OwnedNullSpace = Owned<MatNullSpace, MatNullSpaceDestroy>;

// Copies a parallel Vec into a std::vector on every rank, in the Vec's own (PETSc) order.
std::vector<double> gather_to_all(Vec v);
// This rank's entries of v, and the reverse (values.size() must be the local size).
std::vector<double> local_values(Vec v);
void set_local_values(const std::vector<double>& values, Vec v);

}  // namespace neurhom
