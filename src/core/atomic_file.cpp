#include "neurhom/core/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"

namespace neurhom {

AtomicOutput::AtomicOutput(std::string final_path, MPI_Comm comm)
    : final_path_(std::move(final_path)), temp_path_(final_path_ + ".partial"), comm_(comm) {}

AtomicOutput::~AtomicOutput() {
  if (!committed_ && is_root(comm_)) std::remove(temp_path_.c_str());
}

void AtomicOutput::commit() {
  MPI_Barrier(comm_);
  int status = 0;
  if (is_root(comm_)) status = std::rename(temp_path_.c_str(), final_path_.c_str()) == 0 ? 0 : errno;
  MPI_Bcast(&status, 1, MPI_INT, 0, comm_);
  if (status != 0)
    throw Error("cannot rename '" + temp_path_ + "' to '" + final_path_ + "': " + std::strerror(status));
  committed_ = true;
}

void require_writable_location(const std::string& path, const std::string& what) {
  namespace fs = std::filesystem;
  const fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  require(fs::is_directory(parent, ec),
          what + " '" + path + "': directory '" + parent.string() + "' does not exist");
}

}  // namespace neurhom
