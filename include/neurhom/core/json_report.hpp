#pragma once
// A minimal ordered JSON value and the `-report FILE.json` writer.
//
// Every subcommand collects its key figures in a Report and writes it on rank 0 through an
// AtomicOutput, so an interrupted run never leaves a half-written report.
#include <mpi.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace neurhom {

class Json {
 public:
  enum class Kind { Null, Bool, Integer, Number, String, Array, Object };

  Json() = default;
  Json(bool v) : kind_(Kind::Bool), bool_(v) {}
  Json(int v) : kind_(Kind::Integer), int_(v) {}
  Json(long v) : kind_(Kind::Integer), int_(v) {}
  Json(long long v) : kind_(Kind::Integer), int_(v) {}
  Json(unsigned long v) : kind_(Kind::Integer), int_(static_cast<long long>(v)) {}
  Json(unsigned long long v) : kind_(Kind::Integer), int_(static_cast<long long>(v)) {}
  Json(double v) : kind_(Kind::Number), number_(v) {}
  Json(const char* v) : kind_(Kind::String), string_(v) {}
  Json(std::string v) : kind_(Kind::String), string_(std::move(v)) {}

  static Json array() { Json j; j.kind_ = Kind::Array; return j; }
  static Json object() { Json j; j.kind_ = Kind::Object; return j; }
  template <class T>
  static Json array_of(const std::vector<T>& values) {
    Json j = array();
    for (const auto& v : values) j.push_back(Json(v));
    return j;
  }

  Kind kind() const { return kind_; }
  void push_back(Json value);                           // Array
  Json& operator[](const std::string& key);             // Object: insert or access, keeps order
  const Json* find(const std::string& key) const;       // Object: nullptr when absent

  std::string dump(int indent = 2) const;

 private:
  void dump_to(std::string& out, int indent, int depth) const;

  Kind kind_ = Kind::Null;
  bool bool_ = false;
  long long int_ = 0;
  double number_ = 0;
  std::string string_;
  std::vector<Json> items_;
  std::vector<std::pair<std::string, Json>> members_;
};

// Writes `json` to `path` from rank 0 of `comm` (temporary name, then rename). Collective.
// An empty path does nothing.
void write_json_file(const std::string& path, const Json& json, MPI_Comm comm);

}  // namespace neurhom
