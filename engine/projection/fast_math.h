// Fast float log2 / exp2 / pow for the layouts' inner loops (UMAP's SGD calls pow once per
// sampled pair, std::pow was a third of that loop), scalar and four at a time. Range-reduced
// polynomials, relative error below 1e-5 over the float range, a few ulps near 1
// (tests/engine/test_layout_math.cpp checks them against std::pow), portable C++: GCC/Clang vector extensions (SSE on x86, NEON on ARM),
// no intrinsics, no -ffast-math, so every machine gives the same layout.
#pragma once
#include <cstdint>
#include <cstring>

namespace latentlab {
typedef float Float4 __attribute__((vector_size(16)));
typedef int32_t Int4 __attribute__((vector_size(16)));
}  // namespace latentlab

namespace latentlab::fastmath {

// log2(x) for finite x > 0 (denormals treated as tiny normals are fine for our use).
inline float log2f(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  int e = int((bits >> 23) & 0xff) - 127;
  bits = (bits & 0x007fffffu) | 0x3f800000u;  // mantissa m in [1, 2)
  float m;
  std::memcpy(&m, &bits, 4);
  if (m > 1.41421356f) {  // m in [sqrt(1/2), sqrt(2)) keeps t = (m - 1) / (m + 1) below 0.172
    m *= 0.5f;
    ++e;
  }
  float t = (m - 1.f) / (m + 1.f), t2 = t * t;
  // ln m = 2 atanh t = 2 (t + t^3/3 + t^5/5 + t^7/7 + ...); the next term is below 2e-8.
  float ln = 2.f * t * (1.f + t2 * (1.f / 3 + t2 * (1.f / 5 + t2 * (1.f / 7))));
  return float(e) + ln * 1.44269504f;
}

// 2^y, clamped to the normal float range.
inline float exp2f(float y) {
  if (y < -126.f) y = -126.f;
  if (y > 127.f) y = 127.f;
  float r = float(int(y + (y >= 0 ? 0.5f : -0.5f)));  // nearest integer: f in [-0.5, 0.5]
  float f = (y - r) * 0.693147181f;                    // e^f with |f| <= 0.347
  float p = 1.f + f * (1.f + f * (0.5f + f * (1.f / 6 + f * (1.f / 24 + f * (1.f / 120 + f * (1.f / 720))))));
  uint32_t bits = uint32_t(int(r) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, 4);
  return p * scale;
}

// x^b for x > 0.
inline float powf(float x, float b) { return exp2f(b * log2f(x)); }

inline Float4 bitsToFloat(Int4 v) {
  Float4 f;
  std::memcpy(&f, &v, 16);
  return f;
}
inline Int4 floatToBits(Float4 v) {
  Int4 i;
  std::memcpy(&i, &v, 16);
  return i;
}

// The same steps as log2f / exp2f lane by lane (same polynomials, same rounding).
inline Float4 log2f(Float4 x) {
  Int4 bits = floatToBits(x);
  Int4 e = ((bits >> 23) & 0xff) - 127;
  Float4 m = bitsToFloat((bits & 0x007fffff) | 0x3f800000);
  Int4 big = m > 1.41421356f;  // -1 where true
  m = big ? m * 0.5f : m;
  e -= big;
  Float4 t = (m - 1.f) / (m + 1.f), t2 = t * t;
  Float4 ln = 2.f * t * (1.f + t2 * (1.f / 3 + t2 * (1.f / 5 + t2 * (1.f / 7))));
  return __builtin_convertvector(e, Float4) + ln * 1.44269504f;
}

inline Float4 exp2f(Float4 y) {
  y = y < -126.f ? Float4{} - 126.f : y;
  y = y > 127.f ? Float4{} + 127.f : y;
  Int4 ri = __builtin_convertvector(y + (y >= 0.f ? Float4{} + 0.5f : Float4{} - 0.5f), Int4);
  Float4 f = (y - __builtin_convertvector(ri, Float4)) * 0.693147181f;
  Float4 p = 1.f + f * (1.f + f * (0.5f + f * (1.f / 6 + f * (1.f / 24 + f * (1.f / 120 + f * (1.f / 720))))));
  return p * bitsToFloat((ri + 127) << 23);
}

inline Float4 powf(Float4 x, float b) { return exp2f(b * log2f(x)); }

}  // namespace latentlab::fastmath
