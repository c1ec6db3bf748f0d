#pragma once
// Thin RAII wrapper over parallel HDF5 (MPI-IO driver) for neurhom's datasets and fields.
//
// Datasets are row-major; a 2D field on an (n+1) x (n+1) node grid is stored as [y][x], so
// ParaView (through the XDMF sidecar) and h5py see it with x varying fastest. Writes are
// collective: every rank passes its own block (offset, count) of the global dataset, and a
// rank with nothing to write passes a zero count. HDF5's own error stack is silenced; every
// failure becomes a neurhom::Error naming the file and dataset.
#include <hdf5.h>
#include <mpi.h>

#include <string>
#include <vector>

namespace neurhom {

// Element type of a dataset in the file (the memory side is always double, float or int64).
enum class Hdf5Type { Float32, Float64, Int64 };

class Hdf5File {
 public:
  enum class Mode { Create, Read };

  // Collective over comm. Create truncates an existing file.
  Hdf5File(const std::string& path, Mode mode, MPI_Comm comm);
  ~Hdf5File();
  Hdf5File(const Hdf5File&) = delete;
  Hdf5File& operator=(const Hdf5File&) = delete;

  const std::string& path() const { return path_; }

  // Collective write of this rank's block of a float64 dataset with the given global shape.
  // Intermediate groups in `name` ("fields/u") are created as needed.
  void write_block(const std::string& name, const std::vector<hsize_t>& global_dims,
                   const std::vector<hsize_t>& offset, const std::vector<hsize_t>& count,
                   const double* data);
  // Collective write of a small dataset held identically by every rank (rank 0 writes).
  void write_replicated(const std::string& name, const std::vector<hsize_t>& dims,
                        const double* data);

  // Row-oriented datasets (first dimension = rows, e.g. samples) for large, chunked data:
  // create_dataset is collective; write_rows is collective (each rank its own contiguous rows,
  // possibly none); read_rows is independent (any rank, any rows). Memory values are converted
  // to and from the file type by HDF5.
  void create_dataset(const std::string& name, const std::vector<hsize_t>& dims,
                      const std::vector<hsize_t>& chunk, Hdf5Type type);
  void write_rows(const std::string& name, hsize_t first_row, hsize_t rows, const double* data);
  void write_rows(const std::string& name, hsize_t first_row, hsize_t rows, const long long* data);
  void read_rows(const std::string& name, hsize_t first_row, hsize_t rows, float* out) const;
  void read_rows(const std::string& name, hsize_t first_row, hsize_t rows, double* out) const;
  void read_rows(const std::string& name, hsize_t first_row, hsize_t rows, long long* out) const;
  Hdf5Type dataset_type(const std::string& name) const;

  // Attributes on an object ("/" for the file, or a dataset/group path). Collective.
  void set_attribute(const std::string& object, const std::string& key, double value);
  void set_attribute(const std::string& object, const std::string& key, long long value);
  void set_attribute(const std::string& object, const std::string& key, const std::string& value);

  bool has_dataset(const std::string& name) const;
  std::vector<hsize_t> dataset_dims(const std::string& name) const;
  // Reads a whole dataset as float64 on every rank (independent I/O; for small fields).
  std::vector<double> read_all(const std::string& name) const;
  double read_attribute_double(const std::string& object, const std::string& key) const;
  std::string read_attribute_string(const std::string& object, const std::string& key) const;
  long long read_attribute_int(const std::string& object, const std::string& key) const;
  bool has_attribute(const std::string& object, const std::string& key) const;
  // Throws Error unless the root attributes say `format` (what: e.g. "LOD dataset") at
  // `version`, naming the file.
  void require_format(const std::string& format, long long version, const std::string& what) const;

 private:
  hid_t open_object(const std::string& object) const;
  [[noreturn]] void fail(const std::string& what) const;
  void write_rows_typed(const std::string& name, hsize_t first_row, hsize_t rows, hid_t mem_type, const void* data);
  void read_rows_typed(const std::string& name, hsize_t first_row, hsize_t rows, hid_t mem_type, void* out) const;

  std::string path_;
  MPI_Comm comm_;
  hid_t file_ = -1;
};

}  // namespace neurhom
