// Where a UNet inference step's time goes, for `latentlab bench` (bench/README.md,
// "Session 6"): this thread's CPU time inside the convolutions, the fused group norms and
// the attention, and the multiply-adds the convolutions did. It answers "how close is a
// batched step to the machine's float32 limit, and what would batching have to remove to
// pay more" by measuring instead of guessing. Off by default: then it costs one relaxed
// atomic load per layer. CPU time only (a CUDA step's kernels run on the device).
#pragma once
#include <cstdint>

namespace latentlab {

struct UNetProfile {
  double convMs = 0, normMs = 0, attentionMs = 0;  // thread CPU time
  double convMultiplyAdds = 0;                      // over every convolution called
};

void setUNetProfiling(bool on);  // process-wide switch; the sums are per thread
bool unetProfiling();
UNetProfile takeUNetProfile();   // this thread's sums since the last take, then zeroed

// Adds the thread CPU time of its lifetime to one of the sums while profiling is on.
class UNetProfileScope {
 public:
  enum Part { Conv, Norm, Attention };
  explicit UNetProfileScope(Part part);
  ~UNetProfileScope();
  void addMultiplyAdds(double n);  // a convolution's count, kept only while profiling
  UNetProfileScope(const UNetProfileScope&) = delete;
  UNetProfileScope& operator=(const UNetProfileScope&) = delete;

 private:
  Part m_part;
  double m_startMs = -1;  // < 0: not profiling
};

double threadCpuMilliseconds();

}  // namespace latentlab
