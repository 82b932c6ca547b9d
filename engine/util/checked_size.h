// Overflow-checked size arithmetic for sizes that come from a file (dimensions, offsets,
// lengths). Every multiply and add is checked on its own, so a product can never wrap to a
// small number and pass a later size check. Must never be bypassed with a plain `*` on a
// size read from input. Torch-free, header-only.
#pragma once
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "engine/util/errors.h"

namespace latentlab {

// a * b, or false when it does not fit in 64 bits.
[[nodiscard]] inline bool checkedMul(uint64_t a, uint64_t b, uint64_t& out) {
  return !__builtin_mul_overflow(a, b, &out);
}
// a + b, or false when it does not fit in 64 bits.
[[nodiscard]] inline bool checkedAdd(uint64_t a, uint64_t b, uint64_t& out) {
  return !__builtin_add_overflow(a, b, &out);
}

// a * b; throws BadInput("<where>: <what> overflows") when it does not fit.
[[nodiscard]] inline uint64_t mulOrThrow(uint64_t a, uint64_t b, const std::string& where, const char* what) {
  uint64_t out;
  if (!checkedMul(a, b, out))
    throw BadInput(where + ": " + what + " overflows (" + std::to_string(a) + " x " + std::to_string(b) + ")");
  return out;
}
// a + b; throws BadInput("<where>: <what> overflows") when it does not fit.
[[nodiscard]] inline uint64_t addOrThrow(uint64_t a, uint64_t b, const std::string& where, const char* what) {
  uint64_t out;
  if (!checkedAdd(a, b, out))
    throw BadInput(where + ": " + what + " overflows (" + std::to_string(a) + " + " + std::to_string(b) + ")");
  return out;
}

// Number of elements of an array with these dimensions. Each dimension and every partial
// product must stay <= maxCount (checked at each multiply, before anything can wrap), else
// BadInput names `where` and the dimensions. A zero dimension gives 0 but the others are
// still checked: a file declaring (0, 2^62) is as broken as one declaring (1, 2^62).
template <typename Dim>
[[nodiscard]] uint64_t checkedElementCount(const std::vector<Dim>& dims, uint64_t maxCount, const std::string& where,
                                           const char* what) {
  auto describe = [&] {
    std::string s;
    for (size_t i = 0; i < dims.size(); ++i) s += (i ? " x " : "") + std::to_string(dims[i]);
    return s;
  };
  uint64_t count = 1;
  bool zero = false;
  for (Dim d : dims) {
    if constexpr (std::is_signed_v<Dim>)
      if (d < 0) throw BadInput(where + ": " + what + " has a negative dimension (" + describe() + ")");
    uint64_t u = uint64_t(d);
    if (u > maxCount)
      throw BadInput(where + ": " + what + " " + describe() + " is too large (a dimension above " +
                     std::to_string(maxCount) + ")");
    if (u == 0) zero = true;
    if (zero) continue;
    if (!checkedMul(count, u, count) || count > maxCount)
      throw BadInput(where + ": " + what + " " + describe() + " is too large (more than " + std::to_string(maxCount) +
                     " elements)");
  }
  return zero ? 0 : count;
}

}  // namespace latentlab
