#pragma once
// Command-line options for the subcommands that do not use PETSc (train): the same
// `-name value` style as PETSc's options, read without PETSc so that the neural layer runs
// on machines without it. Unknown options are errors (naming the option), `-help` lists the
// options a command read with their defaults.
#include <map>
#include <string>
#include <vector>

namespace neurhom::app {

class ArgOptions {
 public:
  ArgOptions(int argc, char** argv, std::string command);  // argv after the subcommand

  std::string get(const std::string& name, const std::string& fallback, const std::string& help);
  long long get_int(const std::string& name, long long fallback, const std::string& help);
  double get_real(const std::string& name, double fallback, const std::string& help);
  bool flag(const std::string& name, const std::string& help);

  bool help_requested() const { return help_; }
  bool given(const std::string& name) const { return values_.count(name) > 0; }
  // Prints the help text (on rank 0) if requested; otherwise throws Error for any option
  // that no get() read.
  void finish(bool root) const;

 private:
  std::string command_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> order_;
  mutable std::map<std::string, bool> used_;
  std::vector<std::string> help_lines_;
  bool help_ = false;
};

}  // namespace neurhom::app
