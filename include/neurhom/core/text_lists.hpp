#pragma once
// The one parser of the list-valued options and strings: "a,b,c" (-inputs, -reduction, -tol,
// -hidden, families), "1600-800-144" (layer widths), "16,16/32" (architectures). Errors name the
// option or the text, so the callers only say what the entries mean.
#include <sstream>
#include <string>
#include <vector>

#include "neurhom/core/error.hpp"

namespace neurhom {

// The entries of `text` between `separator`s, empty ones included ("" -> {}).
std::vector<std::string> split_list(const std::string& text, char separator = ',');

// The numbers of a separated list: Error "<what> must be a comma-separated list of numbers
// (got '<text>')" ('-'-separated, ... for another separator) for an entry that is not one, or
// for an empty list.
template <class T>
std::vector<T> parse_list(const std::string& text, const std::string& what, char separator = ',') {
  std::vector<T> out;
  for (const auto& item : split_list(text, separator)) {
    std::istringstream is(item);
    T v{};
    if (item.empty() || !(is >> v) || !is.eof())
      throw Error(what + " must be a " + (separator == ',' ? std::string("comma") : "'" + std::string(1, separator) + "'") +
                  "-separated list of numbers (got '" + text + "')");
    out.push_back(v);
  }
  require(!out.empty(), what + " must not be empty");
  return out;
}

// "a<separator>b<separator>c".
template <class T>
std::string join_list(const std::vector<T>& values, char separator = ',') {
  std::ostringstream os;
  for (size_t k = 0; k < values.size(); ++k) os << (k ? std::string(1, separator) : std::string()) << values[k];
  return os.str();
}

}  // namespace neurhom
