// Pieces the hand-written CPU kernels share: the run-time ISA clones and an exp() that the
// compiler vectorises (no library call inside the loop).
#pragma once
#include <cstdint>
#include <cstring>

// AVX-512, AVX2+FMA and generic builds of a function, picked at run time (GCC on x86-64).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LATENTLAB_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LATENTLAB_CLONES
#endif

namespace latentlab {

// exp(x): Cephes' expf reduction x = n ln2 + r, |r| <= ln2 / 2 (about), a degree-6
// polynomial for e^r, 2^n from the exponent bits. About 2 ulp; the clamp keeps 2^n a normal float.
inline float expVec(float x) {
  x = x < -87.0f ? -87.0f : x;  // (not fmin/fmax: their NaN rules stop vectorisation)
  x = x > 88.0f ? 88.0f : x;
  // Round to nearest with the 1.5 * 2^23 trick (floor() would be a library call here).
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = (int32_t(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace latentlab
