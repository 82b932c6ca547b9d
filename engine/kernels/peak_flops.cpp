#include "engine/kernels/peak_flops.h"

#include <chrono>

namespace latentlab {

namespace {

// a = 1, b = 1: every multiply-add is exact, so each lane ends at the iteration count (the
// test's closed form); the hardware takes the same time whatever the values.
constexpr float kA = 1.0f, kB = 1.0f;

typedef float Vec16 __attribute__((vector_size(64)));

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define LATENTLAB_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LATENTLAB_CLONES
#endif

// Eight independent chains: enough to cover the FMA latency (4 cycles) on two ports, and
// few enough registers that the AVX2 clone (two ymm halves each) does not spill.
LATENTLAB_CLONES double fmaChains(int64_t iterations, float a, float b) {
  // Named accumulators, not an array: GCC kept an array in memory (a load and a store
  // around every FMA, a third of the peak).
  Vec16 c0 = {}, c1 = {}, c2 = {}, c3 = {}, c4 = {}, c5 = {}, c6 = {}, c7 = {};
  const Vec16 va = Vec16{} + a, vb = Vec16{} + b;
  for (int64_t i = 0; i < iterations; ++i) {
    c0 = c0 * va + vb, c1 = c1 * va + vb, c2 = c2 * va + vb, c3 = c3 * va + vb;
    c4 = c4 * va + vb, c5 = c5 * va + vb, c6 = c6 * va + vb, c7 = c7 * va + vb;
  }
  const Vec16 all = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7));
  double sum = 0;
  for (int l = 0; l < 16; ++l) sum += double(all[l]);
  return sum;
}

}  // namespace

PeakFlops measurePeakFlops(int64_t iterations) {
  volatile float a = kA, b = kB;  // opaque to the compiler: the loop must run
  const auto t0 = std::chrono::steady_clock::now();
  const double checksum = fmaChains(iterations, a, b);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {double(iterations) * 8 * 16 * 2 / s / 1e9, checksum};
}

double peakFlopsChecksum(int64_t iterations) { return 128.0 * double(iterations); }

}  // namespace latentlab
