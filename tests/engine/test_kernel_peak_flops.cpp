// The core's float32 peak as `bench` measures it (engine/kernels/peak_flops.*): the loop must
// really run every multiply-add it is credited with. Each of its 128 lanes counts acc*1 + 1,
// exact in float, so after n rounds the checksum is 128 n; a loop the compiler shortened,
// unrolled wrongly or a clone with fewer lanes would give another sum. The rate must be a
// plausible one for a CPU core (no speed is asserted: between 1 and 10,000 GFLOP/s).
#include <doctest/doctest.h>

#include "engine/kernels/peak_flops.h"

using namespace latentlab;

TEST_CASE("the peak-flops loop does every multiply-add it counts") {
  for (int64_t n : {int64_t(1), int64_t(7), int64_t(1000), int64_t(1) << 20}) {
    CAPTURE(n);
    const auto p = measurePeakFlops(n);
    CHECK(p.checksum == peakFlopsChecksum(n));
    CHECK(peakFlopsChecksum(n) == 128.0 * double(n));
  }
  const auto p = measurePeakFlops(int64_t(1) << 22);
  CHECK(p.gflops > 1.0);
  CHECK(p.gflops < 10000.0);
}
