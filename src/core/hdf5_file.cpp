#include "neurhom/core/hdf5_file.hpp"

#include <algorithm>
#include <filesystem>

#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"

namespace neurhom {

namespace {

// Closes an HDF5 identifier with the matching H5?close on scope exit.
class Id {
 public:
  using Closer = herr_t (*)(hid_t);
  Id(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Id() { if (id_ >= 0) closer_(id_); }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  operator hid_t() const { return id_; }
  bool valid() const { return id_ >= 0; }
 private:
  hid_t id_;
  Closer closer_;
};

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

}  // namespace

Hdf5File::Hdf5File(const std::string& path, Mode mode, MPI_Comm comm) : path_(path), comm_(comm) {
  silence_hdf5_errors();
  if (mode == Mode::Read) {
    std::error_code ec;
    require(std::filesystem::is_regular_file(path, ec), "HDF5 file '" + path + "' does not exist");
  }
  Id fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  if (mode == Mode::Create) {
    file_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    require(file_ >= 0, "cannot create HDF5 file '" + path + "'");
  } else {
    file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl);
    require(file_ >= 0, "cannot open '" + path + "' as an HDF5 file (missing, unreadable or not HDF5)");
  }
}

Hdf5File::~Hdf5File() {
  if (file_ >= 0) H5Fclose(file_);
}

void Hdf5File::fail(const std::string& what) const {
  throw Error("HDF5 file '" + path_ + "': " + what);
}

void Hdf5File::write_block(const std::string& name, const std::vector<hsize_t>& global_dims,
                           const std::vector<hsize_t>& offset, const std::vector<hsize_t>& count,
                           const double* data) {
  const int rank = static_cast<int>(global_dims.size());
  Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl, 1);
  Id filespace(H5Screate_simple(rank, global_dims.data(), nullptr), H5Sclose);
  Id dset(H5Dcreate2(file_, name.c_str(), H5T_NATIVE_DOUBLE, filespace, lcpl, H5P_DEFAULT, H5P_DEFAULT),
          H5Dclose);
  if (!dset.valid()) fail("cannot create dataset '" + name + "'");

  hsize_t local_elems = 1;
  for (hsize_t c : count) local_elems *= c;
  Id memspace(H5Screate_simple(rank, count.data(), nullptr), H5Sclose);
  Id selection(H5Dget_space(dset), H5Sclose);
  if (local_elems > 0) {
    H5Sselect_hyperslab(selection, H5S_SELECT_SET, offset.data(), nullptr, count.data(), nullptr);
  } else {
    H5Sselect_none(selection);
    H5Sselect_none(memspace);
  }
  Id dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  const herr_t status = H5Dwrite(dset, H5T_NATIVE_DOUBLE, memspace, selection, dxpl, data);
  if (!all_ranks(comm_, status >= 0)) fail("cannot write dataset '" + name + "'");
}

void Hdf5File::write_replicated(const std::string& name, const std::vector<hsize_t>& dims,
                                const double* data) {
  const std::vector<hsize_t> zero(dims.size(), 0);
  if (is_root(comm_)) {
    write_block(name, dims, zero, dims, data);
  } else {
    write_block(name, dims, zero, zero, data);
  }
}

hid_t Hdf5File::open_object(const std::string& object) const {
  const hid_t id = H5Oopen(file_, object.c_str(), H5P_DEFAULT);
  if (id < 0) fail("no object '" + object + "'");
  return id;
}

void Hdf5File::set_attribute(const std::string& object, const std::string& key, double value) {
  Id obj(open_object(object), H5Oclose);
  Id space(H5Screate(H5S_SCALAR), H5Sclose);
  Id attr(H5Acreate2(obj, key.c_str(), H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.valid() || H5Awrite(attr, H5T_NATIVE_DOUBLE, &value) < 0) fail("cannot write attribute '" + key + "'");
}

void Hdf5File::set_attribute(const std::string& object, const std::string& key, long long value) {
  Id obj(open_object(object), H5Oclose);
  Id space(H5Screate(H5S_SCALAR), H5Sclose);
  Id attr(H5Acreate2(obj, key.c_str(), H5T_NATIVE_LLONG, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.valid() || H5Awrite(attr, H5T_NATIVE_LLONG, &value) < 0) fail("cannot write attribute '" + key + "'");
}

void Hdf5File::set_attribute(const std::string& object, const std::string& key, const std::string& value) {
  Id obj(open_object(object), H5Oclose);
  Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, value.empty() ? 1 : value.size());
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  Id space(H5Screate(H5S_SCALAR), H5Sclose);
  Id attr(H5Acreate2(obj, key.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  const std::string stored = value.empty() ? std::string(1, '\0') : value;
  if (!attr.valid() || H5Awrite(attr, type, stored.data()) < 0) fail("cannot write attribute '" + key + "'");
}

bool Hdf5File::has_dataset(const std::string& name) const {
  if (name.empty()) return false;
  // Check every link along the path so that a missing group is not an HDF5 error.
  std::string partial;
  size_t start = name[0] == '/' ? 1 : 0;
  if (start == 1) partial = "";
  while (start <= name.size()) {
    const size_t slash = name.find('/', start);
    const std::string piece = name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    partial += "/" + piece;
    if (piece.empty() || H5Lexists(file_, partial.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  const hid_t dset = H5Dopen2(file_, name.c_str(), H5P_DEFAULT);  // fails for groups
  if (dset < 0) return false;
  H5Dclose(dset);
  return true;
}

std::vector<hsize_t> Hdf5File::dataset_dims(const std::string& name) const {
  if (!has_dataset(name)) fail("no dataset '" + name + "'");
  Id dset(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
  Id space(H5Dget_space(dset), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<size_t>(rank > 0 ? rank : 0));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

std::vector<double> Hdf5File::read_all(const std::string& name) const {
  const std::vector<hsize_t> dims = dataset_dims(name);
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  std::vector<double> values(total);
  Id dset(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
  Id type(H5Dget_type(dset), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type);
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) fail("dataset '" + name + "' is not numeric");
  if (total > 0 && H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    fail("cannot read dataset '" + name + "'");
  return values;
}

void Hdf5File::create_dataset(const std::string& name, const std::vector<hsize_t>& dims,
                              const std::vector<hsize_t>& chunk, Hdf5Type type) {
  require(!dims.empty() && chunk.size() == dims.size(), "HDF5 dataset '" + name + "': chunk rank differs from data rank");
  Id lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl, 1);
  Id dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  bool empty = false;
  for (hsize_t d : dims) empty = empty || d == 0;
  if (!empty) {
    std::vector<hsize_t> c(chunk);
    for (size_t k = 0; k < c.size(); ++k) c[k] = std::max<hsize_t>(1, std::min(c[k], dims[k]));
    H5Pset_chunk(dcpl, static_cast<int>(c.size()), c.data());
  }
  // Parallel HDF5 needs early allocation; no fill values for data that is written in full.
  H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
  H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
  const hid_t file_type = type == Hdf5Type::Float32   ? H5T_IEEE_F32LE
                          : type == Hdf5Type::Float64 ? H5T_IEEE_F64LE
                                                      : H5T_STD_I64LE;
  Id space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Id dset(H5Dcreate2(file_, name.c_str(), file_type, space, lcpl, dcpl, H5P_DEFAULT), H5Dclose);
  if (!all_ranks(comm_, dset.valid())) fail("cannot create dataset '" + name + "'");
}

namespace {

// Selects rows [first, first + rows) of a dataset (all columns); returns the memory space.
hid_t select_rows(hid_t space, hsize_t first, hsize_t rows) {
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  std::vector<hsize_t> offset(dims.size(), 0), count(dims);
  offset[0] = first;
  count[0] = rows;
  if (rows == 0) {
    H5Sselect_none(space);
    const hid_t mem = H5Screate_simple(rank, count.data(), nullptr);
    H5Sselect_none(mem);
    return mem;
  }
  H5Sselect_hyperslab(space, H5S_SELECT_SET, offset.data(), nullptr, count.data(), nullptr);
  return H5Screate_simple(rank, count.data(), nullptr);
}

}  // namespace

void Hdf5File::write_rows_typed(const std::string& name, hsize_t first_row, hsize_t rows, hid_t mem_type,
                                const void* data) {
  Id dset(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!all_ranks(comm_, dset.valid())) fail("no dataset '" + name + "' to write");
  Id space(H5Dget_space(dset), H5Sclose);
  std::vector<hsize_t> dims(static_cast<size_t>(H5Sget_simple_extent_ndims(space)));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  const bool in_range = first_row + rows <= dims[0];
  if (!all_ranks(comm_, in_range)) fail("rows out of range writing dataset '" + name + "'");
  Id mem(select_rows(space, first_row, rows), H5Sclose);
  Id dxpl(H5Pcreate(H5P_DATASET_XFER), H5Pclose);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  const herr_t status = H5Dwrite(dset, mem_type, mem, space, dxpl, data);
  if (!all_ranks(comm_, status >= 0)) fail("cannot write dataset '" + name + "'");
}

void Hdf5File::write_rows(const std::string& name, hsize_t first_row, hsize_t rows, const double* data) {
  write_rows_typed(name, first_row, rows, H5T_NATIVE_DOUBLE, data);
}
void Hdf5File::write_rows(const std::string& name, hsize_t first_row, hsize_t rows, const long long* data) {
  write_rows_typed(name, first_row, rows, H5T_NATIVE_LLONG, data);
}

void Hdf5File::read_rows_typed(const std::string& name, hsize_t first_row, hsize_t rows, hid_t mem_type,
                               void* out) const {
  const std::vector<hsize_t> dims = dataset_dims(name);
  if (dims.empty() || first_row + rows > dims[0])
    fail("rows [" + std::to_string(first_row) + ", " + std::to_string(first_row + rows) + ") out of range of dataset '" +
         name + "'");
  if (rows == 0) return;
  Id dset(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
  Id space(H5Dget_space(dset), H5Sclose);
  Id mem(select_rows(space, first_row, rows), H5Sclose);
  if (H5Dread(dset, mem_type, mem, space, H5P_DEFAULT, out) < 0) fail("cannot read dataset '" + name + "'");
}

void Hdf5File::read_rows(const std::string& name, hsize_t first_row, hsize_t rows, float* out) const {
  read_rows_typed(name, first_row, rows, H5T_NATIVE_FLOAT, out);
}
void Hdf5File::read_rows(const std::string& name, hsize_t first_row, hsize_t rows, double* out) const {
  read_rows_typed(name, first_row, rows, H5T_NATIVE_DOUBLE, out);
}
void Hdf5File::read_rows(const std::string& name, hsize_t first_row, hsize_t rows, long long* out) const {
  read_rows_typed(name, first_row, rows, H5T_NATIVE_LLONG, out);
}

Hdf5Type Hdf5File::dataset_type(const std::string& name) const {
  if (!has_dataset(name)) fail("no dataset '" + name + "'");
  Id dset(H5Dopen2(file_, name.c_str(), H5P_DEFAULT), H5Dclose);
  Id type(H5Dget_type(dset), H5Tclose);
  if (H5Tget_class(type) == H5T_INTEGER) return Hdf5Type::Int64;
  if (H5Tget_class(type) != H5T_FLOAT) fail("dataset '" + name + "' is not numeric");
  return H5Tget_size(type) == 4 ? Hdf5Type::Float32 : Hdf5Type::Float64;
}

bool Hdf5File::has_attribute(const std::string& object, const std::string& key) const {
  if (object != "/" && H5Lexists(file_, object.c_str(), H5P_DEFAULT) <= 0) return false;
  Id obj(open_object(object), H5Oclose);
  return H5Aexists(obj, key.c_str()) > 0;
}

long long Hdf5File::read_attribute_int(const std::string& object, const std::string& key) const {
  Id obj(open_object(object), H5Oclose);
  if (H5Aexists(obj, key.c_str()) <= 0) fail("object '" + object + "' has no attribute '" + key + "'");
  Id attr(H5Aopen(obj, key.c_str(), H5P_DEFAULT), H5Aclose);
  long long value = 0;
  if (H5Aread(attr, H5T_NATIVE_LLONG, &value) < 0) fail("cannot read attribute '" + key + "'");
  return value;
}

double Hdf5File::read_attribute_double(const std::string& object, const std::string& key) const {
  Id obj(open_object(object), H5Oclose);
  if (H5Aexists(obj, key.c_str()) <= 0) fail("object '" + object + "' has no attribute '" + key + "'");
  Id attr(H5Aopen(obj, key.c_str(), H5P_DEFAULT), H5Aclose);
  double value = 0;
  if (H5Aread(attr, H5T_NATIVE_DOUBLE, &value) < 0) fail("cannot read attribute '" + key + "'");
  return value;
}

std::string Hdf5File::read_attribute_string(const std::string& object, const std::string& key) const {
  Id obj(open_object(object), H5Oclose);
  if (H5Aexists(obj, key.c_str()) <= 0) fail("object '" + object + "' has no attribute '" + key + "'");
  Id attr(H5Aopen(obj, key.c_str(), H5P_DEFAULT), H5Aclose);
  Id type(H5Aget_type(attr), H5Tclose);
  if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0)
    fail("attribute '" + key + "' is not a fixed-length string");
  std::string value(H5Tget_size(type), '\0');
  if (H5Aread(attr, type, value.data()) < 0) fail("cannot read attribute '" + key + "'");
  const size_t end = value.find('\0');
  if (end != std::string::npos) value.resize(end);
  return value;
}

void Hdf5File::require_format(const std::string& format, long long version, const std::string& what) const {
  const std::string where = "'" + path() + "'";
  require(has_attribute("/", "format") && read_attribute_string("/", "format") == format,
          where + " is not a neurhom " + what + " (no format attribute '" + format + "')");
  const long long found = read_attribute_int("/", "version");
  require(found == version, where + " has dataset version " + std::to_string(found) + ", this neurhom reads " +
                                std::to_string(version));
}

}  // namespace neurhom
