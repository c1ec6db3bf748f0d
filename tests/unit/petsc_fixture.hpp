#pragma once
// Global Boost.Test fixture: initializes SLEPc, PETSc and MPI once per test executable.
#include <slepcsys.h>

#include <boost/test/unit_test.hpp>

struct PetscFixture {
  PetscFixture() {
    auto& suite = boost::unit_test::framework::master_test_suite();
    SlepcInitialize(&suite.argc, &suite.argv, nullptr, nullptr);
  }
  ~PetscFixture() { SlepcFinalize(); }
};
BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);
