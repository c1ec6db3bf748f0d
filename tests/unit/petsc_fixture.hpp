#pragma once
// Global Boost.Test fixture: initializes PETSc (and MPI) once per test executable.
#include <petscsys.h>

#include <boost/test/unit_test.hpp>

struct PetscFixture {
  PetscFixture() {
    auto& suite = boost::unit_test::framework::master_test_suite();
    PetscInitialize(&suite.argc, &suite.argv, nullptr, nullptr);
  }
  ~PetscFixture() { PetscFinalize(); }
};
BOOST_TEST_GLOBAL_FIXTURE(PetscFixture);
