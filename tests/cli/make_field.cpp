// Test helper: writes an m x m coefficient field to FILE:/a with value V everywhere except
// cell (0,0), which gets W.   usage: neurhom_make_field FILE m V W
#include <mpi.h>

#include <cstdlib>
#include <vector>

#include "neurhom/core/hdf5_file.hpp"

int main(int argc, char** argv) {
  if (argc != 5) return 2;
  MPI_Init(&argc, &argv);
  const int m = std::atoi(argv[2]);
  std::vector<double> values(static_cast<size_t>(m * m), std::atof(argv[3]));
  values[0] = std::atof(argv[4]);
  {
    neurhom::Hdf5File f(argv[1], neurhom::Hdf5File::Mode::Create, MPI_COMM_WORLD);
    f.write_replicated("/a", {static_cast<hsize_t>(m), static_cast<hsize_t>(m)}, values.data());
  }
  MPI_Finalize();
  return 0;
}
