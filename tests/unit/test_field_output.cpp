// fem/field_output on 2 ranks: the parallel HDF5 blocks land at the right place ([y][x],
// natural order), the XDMF sidecar names them, and an unfinished writer leaves no files.
#define BOOST_TEST_MODULE field_output
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "neurhom/coef/coefficient.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/fem/assembly.hpp"
#include "neurhom/fem/field_output.hpp"
#include "petsc_fixture.hpp"

using namespace neurhom;

BOOST_AUTO_TEST_CASE(fields_round_trip) {
  const int n = 10;
  const StructuredGrid grid(PETSC_COMM_WORLD, n);
  OwnedVec u = grid.create_vector();
  interpolate(grid, [](double x, double y) { return x + 10 * y; }, u);
  const auto field = make_function_field([](double x, double y) { return 1 + x + 100 * y; }, "f");
  const auto cells = sample_cells(grid, *field, "coefficient");
  const std::string path = "field_output.h5";
  {
    FieldWriter writer(path, grid);
    writer.write_cells("coefficient", cells);
    writer.write_nodes("u", u);
    writer.write_nodes("u", u, 0, 0.0);
    writer.write_nodes("u", u, 1, 0.5);
    writer.close();
  }
  BOOST_TEST(std::filesystem::exists(path));
  BOOST_TEST(!std::filesystem::exists(path + ".partial"));
  Hdf5File f(path, Hdf5File::Mode::Read, PETSC_COMM_WORLD);
  const auto nodes = f.read_all("/fields/u");
  BOOST_REQUIRE(nodes.size() == static_cast<size_t>((n + 1) * (n + 1)));
  const auto natural = grid.to_natural(u);
  for (int j = 0; j <= n; ++j)
    for (int i = 0; i <= n; ++i) {
      const size_t k = static_cast<size_t>(j * (n + 1) + i);
      BOOST_TEST(nodes[k] == natural[k]);
      BOOST_TEST(nodes[k] == double(i) / n + 10.0 * j / n, boost::test_tools::tolerance(1e-12));
    }
  const auto coef = f.read_all("/fields/coefficient");
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i)
      BOOST_TEST(coef[static_cast<size_t>(j * n + i)] == field->value(i, j, n));
  BOOST_TEST(f.has_dataset("/series/u/1"));

  std::ifstream xmf("field_output.xmf");
  std::stringstream text;
  text << xmf.rdbuf();
  BOOST_TEST(text.str().find("field_output.h5:/fields/coefficient") != std::string::npos);
  BOOST_TEST(text.str().find("CollectionType=\"Temporal\"") != std::string::npos);
  BOOST_TEST(text.str().find("<Time Value=\"0.5\"/>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unfinished_writer_leaves_nothing) {
  const StructuredGrid grid(PETSC_COMM_WORLD, 6);
  OwnedVec u = grid.create_vector();
  const std::string path = "field_unfinished.h5";
  {
    FieldWriter writer(path, grid);
    writer.write_nodes("u", u);
  }  // no close(): as when an exception unwinds
  MPI_Barrier(PETSC_COMM_WORLD);
  BOOST_TEST(!std::filesystem::exists(path));
  BOOST_TEST(!std::filesystem::exists(path + ".partial"));
  BOOST_TEST(!std::filesystem::exists("field_unfinished.xmf"));
}
