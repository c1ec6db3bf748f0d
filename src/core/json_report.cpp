#include "neurhom/core/json_report.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>

#include "neurhom/core/atomic_file.hpp"
#include "neurhom/core/error.hpp"
#include "neurhom/core/mpi_util.hpp"

namespace neurhom {

void Json::push_back(Json value) {
  if (kind_ == Kind::Null) kind_ = Kind::Array;
  if (kind_ != Kind::Array) throw LocalError("Json::push_back on a non-array value");
  items_.push_back(std::move(value));
}

Json& Json::operator[](const std::string& key) {
  if (kind_ == Kind::Null) kind_ = Kind::Object;
  if (kind_ != Kind::Object) throw LocalError("Json::operator[] on a non-object value");
  for (auto& member : members_)
    if (member.first == key) return member.second;
  members_.emplace_back(key, Json());
  return members_.back().second;
}

const Json* Json::find(const std::string& key) const {
  for (const auto& member : members_)
    if (member.first == key) return &member.second;
  return nullptr;
}

static void append_escaped(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void Json::dump_to(std::string& out, int indent, int depth) const {
  const std::string pad_inner(static_cast<size_t>(indent * (depth + 1)), ' ');
  const std::string pad_outer(static_cast<size_t>(indent * depth), ' ');
  const char* newline = indent > 0 ? "\n" : "";
  switch (kind_) {
    case Kind::Null: out += "null"; break;
    case Kind::Bool: out += bool_ ? "true" : "false"; break;
    case Kind::Integer: out += std::to_string(int_); break;
    case Kind::Number: {
      if (!std::isfinite(number_)) {  // JSON has no inf/nan: write null, the honest choice
        out += "null";
      } else {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.10g", number_);
        out += buf;
      }
      break;
    }
    case Kind::String: append_escaped(out, string_); break;
    case Kind::Array: {
      if (items_.empty()) { out += "[]"; break; }
      out += "[";
      out += newline;
      for (size_t k = 0; k < items_.size(); ++k) {
        out += pad_inner;
        items_[k].dump_to(out, indent, depth + 1);
        if (k + 1 < items_.size()) out += ",";
        out += newline;
      }
      out += pad_outer + "]";
      break;
    }
    case Kind::Object: {
      if (members_.empty()) { out += "{}"; break; }
      out += "{";
      out += newline;
      for (size_t k = 0; k < members_.size(); ++k) {
        out += pad_inner;
        append_escaped(out, members_[k].first);
        out += indent > 0 ? ": " : ":";
        members_[k].second.dump_to(out, indent, depth + 1);
        if (k + 1 < members_.size()) out += ",";
        out += newline;
      }
      out += pad_outer + "}";
      break;
    }
  }
}

std::string Json::dump(int indent) const {
  std::string out;
  dump_to(out, indent, 0);
  if (indent > 0) out += "\n";
  return out;
}

void write_json_file(const std::string& path, const Json& json, MPI_Comm comm) {
  if (path.empty()) return;
  AtomicOutput output(path, comm);
  bool ok = true;
  if (is_root(comm)) {
    std::ofstream file(output.temp_path());
    file << json.dump(2);
    file.close();
    ok = static_cast<bool>(file);
  }
  MPI_Bcast(&ok, 1, MPI_CXX_BOOL, 0, comm);
  require(ok, "cannot write report file '" + path + "'");
  output.commit();
}

}  // namespace neurhom
