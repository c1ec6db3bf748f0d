#include "neurhom/nn/precision.hpp"

#include "neurhom/core/error.hpp"

namespace neurhom {

Precision precision_from_string(const std::string& name, const std::string& what) {
  if (name == "fp32") return Precision::Float32;
  if (name == "bf16") return Precision::BFloat16;
  throw Error("unknown " + what + " '" + name + "' (-precision); known: fp32, bf16");
}

const char* precision_name(Precision p) { return p == Precision::BFloat16 ? "bf16" : "fp32"; }

}  // namespace neurhom
