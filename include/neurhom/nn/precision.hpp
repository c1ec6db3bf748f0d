#pragma once
// The arithmetic precision a network runs in, named as on the command line (-precision):
// fp32, or bf16 (bfloat16 GEMMs with float32 accumulation). Used by the native online
// forward pass (nn/scripted_model.hpp) and by mixed-precision training (nn/mixed_precision.hpp).
#include <string>

namespace neurhom {

enum class Precision { Float32, BFloat16 };
// "fp32" | "bf16"; else Error "unknown <what> '<name>' (-precision); known: fp32, bf16".
Precision precision_from_string(const std::string& name, const std::string& what = "precision");
const char* precision_name(Precision p);

}  // namespace neurhom
