// core/: JSON output, atomic outputs, parallel HDF5 round trip, counter-based randomness.
#define BOOST_TEST_MODULE core
#include <mpi.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/hdf5_file.hpp"
#include "neurhom/core/json_report.hpp"
#include "neurhom/core/mpi_util.hpp"

struct MpiFixture {
  MpiFixture() {
    auto& suite = boost::unit_test::framework::master_test_suite();
    MPI_Init(&suite.argc, &suite.argv);
  }
  ~MpiFixture() { MPI_Finalize(); }
};
BOOST_TEST_GLOBAL_FIXTURE(MpiFixture);

using namespace neurhom;

BOOST_AUTO_TEST_CASE(json_dump_keeps_order_and_escapes) {
  Json j = Json::object();
  j["b"] = 1;
  j["a"] = 0.5;
  j["s"] = "x\"y";
  j["list"] = Json::array_of(std::vector<int>{1, 2});
  j["nan"] = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(j.dump(0) == R"({"b":1,"a":0.5,"s":"x\"y","list":[1,2],"nan":null})");
  j["b"] = 2;  // replaces, keeps position
  BOOST_TEST(j.dump(0).rfind(R"({"b":2,)", 0) == 0);
}

BOOST_AUTO_TEST_CASE(atomic_output_leaves_nothing_without_commit) {
  const std::string path = "core_atomic.txt";
  std::remove(path.c_str());
  {
    AtomicOutput out(path, MPI_COMM_WORLD);
    std::ofstream(out.temp_path()) << "half";
    BOOST_TEST(std::filesystem::exists(out.temp_path()));
  }  // destroyed without commit: as after an error
  BOOST_TEST(!std::filesystem::exists(path));
  BOOST_TEST(!std::filesystem::exists(path + ".partial"));
  {
    AtomicOutput out(path, MPI_COMM_WORLD);
    std::ofstream(out.temp_path()) << "whole";
    out.commit();
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  BOOST_TEST(text.str() == "whole");
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(json_report_file_is_complete) {
  Json j = Json::object();
  j["dofs"] = 42;
  write_json_file("core_report.json", j, MPI_COMM_WORLD);
  std::ifstream in("core_report.json");
  std::stringstream text;
  text << in.rdbuf();
  BOOST_TEST(text.str() == "{\n  \"dofs\": 42\n}\n");
  std::remove("core_report.json");
}

BOOST_AUTO_TEST_CASE(hdf5_round_trip_and_clear_errors) {
  const std::string path = "core_roundtrip.h5";
  {
    Hdf5File f(path, Hdf5File::Mode::Create, MPI_COMM_WORLD);
    const std::vector<double> data = {1, 2, 3, 4, 5, 6};
    f.write_replicated("group/data", {2, 3}, data.data());
    f.set_attribute("/", "title", std::string("neurhom test"));
    f.set_attribute("/group/data", "scale", 0.25);
  }
  Hdf5File f(path, Hdf5File::Mode::Read, MPI_COMM_WORLD);
  BOOST_TEST(f.has_dataset("group/data"));
  BOOST_TEST(!f.has_dataset("group"));           // a group, not a dataset
  BOOST_TEST(!f.has_dataset("missing/data"));    // no error for missing groups
  BOOST_TEST((f.dataset_dims("group/data") == std::vector<hsize_t>{2, 3}));
  const auto values = f.read_all("group/data");
  BOOST_TEST(values == std::vector<double>({1, 2, 3, 4, 5, 6}), boost::test_tools::per_element());
  BOOST_TEST(f.read_attribute_string("/", "title") == "neurhom test");
  BOOST_TEST(f.read_attribute_double("/group/data", "scale") == 0.25);
  BOOST_CHECK_THROW(f.read_all("nothing"), Error);
  BOOST_CHECK_THROW(Hdf5File("does-not-exist.h5", Hdf5File::Mode::Read, MPI_COMM_WORLD), Error);
  std::ofstream("core_not_hdf5.h5") << "plain text";
  BOOST_CHECK_THROW(Hdf5File("core_not_hdf5.h5", Hdf5File::Mode::Read, MPI_COMM_WORLD), Error);
  std::remove("core_not_hdf5.h5");
}

BOOST_AUTO_TEST_CASE(mpi_helpers) {
  BOOST_TEST(first_rank_with(MPI_COMM_WORLD, false) == -1);
  BOOST_TEST(first_rank_with(MPI_COMM_WORLD, true) == 0);
  BOOST_TEST(broadcast_string(MPI_COMM_WORLD, 0, is_root(MPI_COMM_WORLD) ? "root" : "other") == "root");
}
