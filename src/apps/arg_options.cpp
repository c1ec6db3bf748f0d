#include "arg_options.hpp"

#include <cctype>
#include <cstdio>

#include "neurhom/core/error.hpp"

namespace neurhom::app {

namespace {
bool is_option_name(const std::string& token) {
  return token.size() >= 2 && token[0] == '-' && !std::isdigit(static_cast<unsigned char>(token[1])) && token[1] != '.';
}
}  // namespace

ArgOptions::ArgOptions(int argc, char** argv, std::string command) : command_(std::move(command)) {
  for (int k = 0; k < argc; ++k) {
    const std::string token = argv[k];
    if (token == "-help" || token == "--help" || token == "-h") {
      help_ = true;
      continue;
    }
    require(is_option_name(token), "unexpected argument '" + token + "' (options are -name value)");
    std::string value;
    if (k + 1 < argc && !is_option_name(argv[k + 1])) value = argv[++k];
    values_[token] = value;
    order_.push_back(token);
  }
}

std::string ArgOptions::get(const std::string& name, const std::string& fallback, const std::string& help) {
  help_lines_.push_back("  " + name + " <" + (fallback.empty() ? std::string("...") : fallback) + ">: " + help);
  const auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  used_[name] = true;
  require(!it->second.empty(), "option " + name + " needs a value");
  return it->second;
}

long long ArgOptions::get_int(const std::string& name, long long fallback, const std::string& help) {
  const std::string text = get(name, std::to_string(fallback), help);
  try {
    size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used == text.size()) return v;
  } catch (...) {
  }
  throw Error("option " + name + " expects an integer, got '" + text + "'");
}

double ArgOptions::get_real(const std::string& name, double fallback, const std::string& help) {
  const std::string text = get(name, format_number(fallback), help);
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (...) {
  }
  throw Error("option " + name + " expects a number, got '" + text + "'");
}

bool ArgOptions::flag(const std::string& name, const std::string& help) {
  help_lines_.push_back("  " + name + ": " + help);
  const auto it = values_.find(name);
  if (it == values_.end()) return false;
  used_[name] = true;
  if (it->second.empty() || it->second == "1" || it->second == "true") return true;
  if (it->second == "0" || it->second == "false") return false;
  throw Error("option " + name + " is a flag (no value, or true/false), got '" + it->second + "'");
}

void ArgOptions::finish(bool root) const {
  if (help_) {
    if (root) {
      std::printf("neurhom %s options:\n", command_.c_str());
      for (const auto& line : help_lines_) std::printf("%s\n", line.c_str());
    }
    return;
  }
  for (const auto& name : order_)
    if (!used_.count(name)) throw Error("unknown option " + name + " for neurhom " + command_ + " (see -help)");
}

}  // namespace neurhom::app
