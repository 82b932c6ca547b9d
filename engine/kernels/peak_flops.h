// The machine's float32 limit for one core, measured: a loop of independent fused
// multiply-adds in registers (no memory traffic), compiled for AVX-512, AVX2+FMA and plain
// x86-64 and picked at run time like the other kernels. It is to compute what the
// STREAM-like read in `bench` is to memory: the bound a kernel is judged against
// ("convolutions at N % of the core's peak"; bench/README.md, "Session 6").
#pragma once
#include <cstdint>

namespace latentlab {

struct PeakFlops {
  double gflops = 0;     // floating-point operations (a multiply-add is 2) per second, / 1e9
  double checksum = 0;   // the accumulators' sum, so the loop cannot be optimised away
};

// Runs `iterations` rounds of 8 x 16 multiply-adds acc = acc * 1 + 1 on this thread
// (exact in float up to 2^24 iterations, about 4 GFLOP: tens of milliseconds).
PeakFlops measurePeakFlops(int64_t iterations);

// The checksum that many rounds must give: 128 lanes, each counted up to `iterations`.
double peakFlopsChecksum(int64_t iterations);

}  // namespace latentlab
