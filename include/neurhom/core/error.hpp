#pragma once
// Error types of neurhom.
//
// Error      : a user-facing error that every rank detects identically (a bad option, a
//              missing or malformed file, a non-positive coefficient, incompatible sizes).
//              main() prints its message once, on rank 0, and exits with status 1.
// LocalError : an error that only some ranks may see (a PETSc failure, an I/O failure on
//              one rank). main() prints it with the rank and calls MPI_Abort, because the
//              other ranks may be waiting in a collective call.
#include <stdexcept>
#include <string>

namespace neurhom {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class LocalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws Error(message) unless condition holds. Use only for conditions all ranks agree on.
inline void require(bool condition, const std::string& message) {
  if (!condition) throw Error(message);
}

// Formats a double compactly ("0.125", "1e-10") for error messages and logs.
std::string format_number(double value);

}  // namespace neurhom
