#pragma once
// Output files are written under a temporary name ("<path>.partial") and renamed to their
// final name only when complete, so an interrupted or failed run never leaves a file that
// looks finished. If the AtomicOutput is destroyed without commit() (an exception, an
// error), rank 0 removes the temporary file.
#include <mpi.h>

#include <string>

namespace neurhom {

class AtomicOutput {
 public:
  AtomicOutput(std::string final_path, MPI_Comm comm);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::string& temp_path() const { return temp_path_; }
  const std::string& final_path() const { return final_path_; }

  // Collective: all ranks must have closed the temporary file. Renames it on rank 0.
  void commit();

 private:
  std::string final_path_;
  std::string temp_path_;
  MPI_Comm comm_;
  bool committed_ = false;
};

// Throws Error unless the directory that would hold `path` exists (checked on every rank).
void require_writable_location(const std::string& path, const std::string& what);

}  // namespace neurhom
