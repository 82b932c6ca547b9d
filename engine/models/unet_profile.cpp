#include "engine/models/unet_profile.h"

#include <atomic>
#include <ctime>

namespace latentlab {

namespace {

std::atomic<bool> g_on{false};
thread_local UNetProfile t_sums;

}  // namespace

double threadCpuMilliseconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) * 1e-6;
}

void setUNetProfiling(bool on) { g_on.store(on); }
bool unetProfiling() { return g_on.load(std::memory_order_relaxed); }

UNetProfile takeUNetProfile() {
  UNetProfile p = t_sums;
  t_sums = {};
  return p;
}

UNetProfileScope::UNetProfileScope(Part part) : m_part(part) {
  if (unetProfiling()) m_startMs = threadCpuMilliseconds();
}

UNetProfileScope::~UNetProfileScope() {
  if (m_startMs < 0) return;
  const double ms = threadCpuMilliseconds() - m_startMs;
  (m_part == Conv ? t_sums.convMs : m_part == Norm ? t_sums.normMs : t_sums.attentionMs) += ms;
}

void UNetProfileScope::addMultiplyAdds(double n) {
  if (m_startMs >= 0) t_sums.convMultiplyAdds += n;
}

}  // namespace latentlab
