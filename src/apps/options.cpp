#include "options.hpp"

#include "neurhom/core/text_lists.hpp"

#include <cstdio>

#include "neurhom/coef/coefficient_paths.hpp"
#include "neurhom/coef/source.hpp"
#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"
#include "neurhom/core/petsc_util.hpp"

namespace neurhom::app {

PetscErrorCode read_string(PetscOptionItems* PetscOptionsObject, const char* name, const char* help,
                           std::string* value) {
  char buffer[PETSC_MAX_PATH_LEN];
  PetscBool set = PETSC_FALSE;
  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(buffer, value->c_str(), sizeof buffer));
  PetscCall(PetscOptionsString(name, help, nullptr, value->c_str(), buffer, sizeof buffer, &set));
  if (set) *value = buffer;
  PetscFunctionReturn(0);
}

PetscErrorCode read_homogenization_case_options(PetscOptionItems* PetscOptionsObject, HomogenizationCaseOptions* o) {
  PetscInt k = o->initial_wavenumber;
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsReal("-eps", "Period eps (0: the paper's, 1/8, 1/8, 1/10)", nullptr, o->eps, &o->eps, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-reaction_cell",
                        "reaction1d: the reading of r: 2pi (r = cos y on (0, 2 pi), eq. (21)) or 1 (cos 2 pi y on (0, 1), the Appendix)",
                        &o->reaction_cell));
  PetscCall(PetscOptionsReal("-final_time", "reaction1d: final time T (not in the paper)", nullptr, o->final_time, &o->final_time, nullptr));
  PetscCall(PetscOptionsReal("-initial_amplitude", "reaction1d: u_0 = A sin(k x), A (not in the paper)", nullptr,
                             o->initial_amplitude, &o->initial_amplitude, nullptr));
  PetscCall(PetscOptionsInt("-initial_wavenumber", "reaction1d: u_0 = A sin(k x), k", nullptr, k, &k, nullptr));
  o->initial_wavenumber = static_cast<int>(k);
  PetscFunctionReturn(0);
}

PetscErrorCode read_box_options(PetscOptionItems* PetscOptionsObject, BoxOptions* o) {
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsInt("-dim", "Space dimension of the box (2 or 3)", nullptr, o->dim, &o->dim, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-coarse_cells", "Coarse cells per direction of the box, N1,N2[,N3] (default 4 each)", &o->coarse_cells));
  PetscCall(read_string(PetscOptionsObject, "-cells", "Fine cells per direction, the same multiple r of -coarse_cells (default r = 8)", &o->cells));
  PetscCall(read_string(PetscOptionsObject, "-box", "Side lengths of the box, L1,L2[,L3] (default 1 each)", &o->box));
  PetscCall(read_string(PetscOptionsObject, "-bc", "Per face x-,x+,y-,y+[,z-,z+]: D (Dirichlet) or N (Neumann)", &o->bc));
  PetscCall(read_string(PetscOptionsObject, "-bc_values", "Per face: the value u of a D face, the flux a grad u . n of an N face (default 0)", &o->bc_values));
  PetscFunctionReturn(0);
}

std::string repeated(const std::string& value, int dim) {
  std::string s = value;
  for (int d = 1; d < dim; ++d) s += "," + value;
  return s;
}

Json shape_json(const BoxShape& s, bool lengths) {
  Json a = Json::array();
  for (int d = 0; d < s.dim; ++d) {
    if (lengths) a.push_back(s.lengths[static_cast<size_t>(d)]);
    else a.push_back(s.cells[static_cast<size_t>(d)]);
  }
  return a;
}

BoxLayout box_layout(const BoxOptions& o) {
  const int dim = static_cast<int>(o.dim);
  const std::string box = o.box.empty() ? repeated("1", dim) : o.box;
  BoxLayout l;
  l.coarse = BoxShape::parse(dim, o.coarse_cells.empty() ? repeated("4", dim) : o.coarse_cells, box);
  l.fine = BoxShape::parse(dim, o.cells.empty() ? repeated(std::to_string(8 * l.coarse.cells[0]), dim) : o.cells, box);
  l.ratio = l.fine.cells[0] / l.coarse.cells[0];
  for (int d = 0; d < dim; ++d)
    require(l.ratio >= 1 && l.fine.cells[static_cast<size_t>(d)] == l.ratio * l.coarse.cells[static_cast<size_t>(d)],
            "-cells must be the same multiple of -coarse_cells in every direction (got fine " + l.fine.describe() + ", coarse " +
                l.coarse.describe() + ")");
  l.bc = o.bc.empty() ? BoxBoundary::all_dirichlet(dim) : BoxBoundary::parse(dim, o.bc);
  l.face_values = parse_face_values(o.bc_values, dim);
  return l;
}

std::vector<double> parse_face_values(const std::string& text, int dim) {
  if (text.empty()) return std::vector<double>(static_cast<size_t>(2 * dim), 0.0);
  const auto values = parse_list<double>(text, "-bc_values");
  require(static_cast<int>(values.size()) == 2 * dim,
          "-bc_values needs " + std::to_string(2 * dim) + " numbers, one per face (got '" + text + "')");
  return values;
}

void default_box_coefficient(CoefficientOptions* options, int dim) {
  PetscBool given = PETSC_FALSE;
  NH_PETSC(PetscOptionsHasName(nullptr, nullptr, "-coef", &given));
  if (!given && dim == 3) options->family = "layered";
}

PetscErrorCode read_patch_solver(PetscOptionItems* PetscOptionsObject, const char* alias, std::string* value) {
  PetscFunctionBeginUser;
  PetscCall(read_string(PetscOptionsObject, alias, "Alias of -patch_solver", value));
  PetscCall(read_string(PetscOptionsObject, "-patch_solver", "Patch solver: petsc, cholmod or mumps (sparse Cholesky), kkt (box PG-LOD: MUMPS on [A C'; C 0], lod default in 3D; petsc in 2D)",
                        value));
  PetscFunctionReturn(0);
}

PetscErrorCode read_fields(PetscOptionItems* PetscOptionsObject, const char* help, std::string* value) {
  PetscFunctionBeginUser;
  PetscCall(read_string(PetscOptionsObject, "-o", "Alias of -fields", value));
  PetscCall(read_string(PetscOptionsObject, "-fields", help, value));
  PetscFunctionReturn(0);
}

PetscErrorCode read_common_options(PetscOptionItems* PetscOptionsObject, CommonOptions* o) {
  CoefficientOptions& c = o->coefficient;
  PetscInt seed = static_cast<PetscInt>(c.seed), level = c.level, cracks = c.cracks;
  PetscInt end_seed = static_cast<PetscInt>(o->end_seed);
  PetscFunctionBeginUser;
  const std::string coef_help = "Coefficient family: " + coefficient_family_names();
  const std::string rhs_help = "Source term f: " + source_names();
  PetscCall(read_string(PetscOptionsObject, "-coef", coef_help.c_str(), &c.family));
  PetscCall(PetscOptionsInt("-seed", "Seed of random coefficients and sources", nullptr, seed, &seed, nullptr));
  PetscCall(PetscOptionsInt("-coef_level", "Mesh level k of -coef levels (2^k cells per side)", nullptr, level, &level,
                            nullptr));
  PetscCall(PetscOptionsReal("-coef_alpha", "Lower bound of U[alpha,beta] (levels, ms)", nullptr, c.alpha, &c.alpha,
                             nullptr));
  PetscCall(PetscOptionsReal("-coef_beta", "Upper bound of U[alpha,beta] (levels, ms)", nullptr, c.beta, &c.beta,
                             nullptr));
  PetscCall(PetscOptionsReal("-coef_value", "Value of -coef constant", nullptr, c.value, &c.value, nullptr));
  PetscCall(PetscOptionsReal("-coef_eps", "Period eps of -coef periodic", nullptr, c.eps, &c.eps, nullptr));
  PetscCall(PetscOptionsReal("-coef_contrast", "Contrast of -coef channels", nullptr, c.contrast, &c.contrast,
                             nullptr));
  PetscCall(PetscOptionsInt("-coef_cracks", "Number of cracks of -coef cracks", nullptr, cracks, &cracks, nullptr));
  PetscCall(PetscOptionsInt("-coef_end_seed",
                            "Parabolic: the coefficient moves linearly in time from the -seed sample to this one",
                            nullptr, end_seed, &end_seed, nullptr));
  const std::string path_help = "Parabolic: a named time-dependent coefficient (" + coefficient_path_names() + ")";
  PetscCall(read_string(PetscOptionsObject, "-coef_path", path_help.c_str(), &o->path));
  PetscCall(PetscOptionsReal("-coef_p_start", "Parameter of -coef_path cont|battery at t = 0 (default: the family's minimum)",
                             nullptr, o->p_start, &o->p_start, nullptr));
  PetscCall(PetscOptionsReal("-coef_p_end", "Parameter of -coef_path cont|battery at t = T (default: the family's maximum)",
                             nullptr, o->p_end, &o->p_end, nullptr));
  PetscCall(read_string(PetscOptionsObject, "-rhs", rhs_help.c_str(), &o->rhs));
  PetscCall(read_string(PetscOptionsObject, "-o", "Output HDF5 file (an XDMF sidecar is written next to it)",
                        &o->output));
  PetscCall(read_string(PetscOptionsObject, "-report", "JSON file with the key figures of the run", &o->report));
  if (seed < 0) o->error = "-seed must be non-negative (got " + std::to_string(seed) + ")";
  c.seed = static_cast<std::uint64_t>(seed);
  o->end_seed = end_seed;
  c.level = static_cast<int>(level);
  c.cracks = static_cast<int>(cracks);
  PetscFunctionReturn(0);
}

namespace {

// Options read later by PETSc/SLEPc objects (KSPSetFromOptions, ...) or by PETSc itself, also
// under the options prefixes of neurhom's solvers (-lod_ksp_type, -cell_pc_type, ...).
bool is_library_option(std::string name) {
  // longest first where one is the start of another (box_nl_ before box_)
  static const char* const solver_prefixes[] = {"box_direct_", "box_nl_", "box_", "cell_", "cem_", "deepritz_", "homog_",
                                                "lod_", "nl_", "norm_", "steady_"};
  for (const char* p : solver_prefixes)
    if (name.rfind(p, 0) == 0) {
      name = name.substr(std::string(p).size());
      break;
    }
  static const char* const prefixes[] = {"ksp_", "pc_", "snes_", "eps_", "st_", "bv_", "ds_", "rg_", "fn_", "svd_",
                                         "mat_", "vec_", "dm_", "da_", "ts_", "sub_", "mg_", "log", "malloc",
                                         "options_", "info", "viewer", "history", "memory", "objects", "on_error",
                                         "fp_trap", "no_signal_handler", "debugger", "start_in_debugger", "mpi_",
                                         "device_", "cuda", "hip", "citations", "petsc", "check_pointer_intensity",
                                         "use_gpu_aware_mpi", "skip_petscrc", "saws", "display", "help", "version"};
  for (const char* p : prefixes)
    if (name.rfind(p, 0) == 0) return true;
  return false;
}

}  // namespace

bool finish_options(MPI_Comm comm) {
  PetscBool help = PETSC_FALSE;
  NH_PETSC(PetscOptionsHasHelp(nullptr, &help));
  if (help) return true;
  PetscInt count = 0;
  char** names = nullptr;
  char** values = nullptr;
  NH_PETSC(PetscOptionsLeftGet(nullptr, &count, &names, &values));
  std::string unknown;
  for (PetscInt k = 0; k < count && unknown.empty(); ++k)
    if (!is_library_option(names[k])) unknown = names[k];
  NH_PETSC(PetscOptionsLeftRestore(nullptr, &count, &names, &values));
  (void)comm;
  require(unknown.empty(), "unknown option -" + unknown + " (see -help)");
  return false;
}

void warn_unused_options(MPI_Comm comm) {
  PetscInt count = 0;
  char** names = nullptr;
  char** values = nullptr;
  if (PetscOptionsLeftGet(nullptr, &count, &names, &values)) return;
  if (is_root(comm)) {
    for (PetscInt k = 0; k < count; ++k)
      std::fprintf(stderr, "neurhom: warning: option -%s was not used (misspelled or not relevant here)\n", names[k]);
  }
  PetscOptionsLeftRestore(nullptr, &count, &names, &values);
}

void CommonOptions::validate() const {
  require(error.empty(), error);
  check_output_path(output, "-o");
  check_output_path(report, "-report");
}

std::unique_ptr<CoefficientPath> make_coefficient_path(const CommonOptions& o, double final_time, MPI_Comm comm) {
  require(o.end_seed < 0 || o.path.empty(), "-coef_end_seed and -coef_path both set: give one time-dependent coefficient");
  if (!o.path.empty())
    return std::make_unique<CoefficientPath>(named_coefficient_path(o.path, final_time, o.p_start, o.p_end));
  if (o.end_seed < 0) return nullptr;
  CoefficientOptions end = o.coefficient;
  end.seed = static_cast<std::uint64_t>(o.end_seed);
  return std::make_unique<CoefficientPath>(make_coefficient(o.coefficient, comm), make_coefficient(end, comm), final_time);
}

void check_output_path(const std::string& path, const char* option) {
  if (path.empty()) return;
  require_writable_location(path, std::string(option) + " file");
}

}  // namespace neurhom::app
