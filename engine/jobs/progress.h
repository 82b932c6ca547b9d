// Progress reporting and cancellation for long jobs (training, encoding, sampling).
#pragma once
#include <atomic>
#include <functional>
#include <string>

namespace latentlab {

struct Progress {
  int epoch = 0, epochs = 0;
  int64_t step = 0, steps = 0;  // within the current epoch (or the whole job)
  double loss = 0, mse = 0, kl = 0;
  double etaSeconds = 0;
  std::string message;
};

using ProgressFn = std::function<void(const Progress&)>;

// Cheap to copy; the job owner keeps the flag, loops call throwIfCancelled() between steps.
struct CancelToken {
  const std::atomic<bool>* flag = nullptr;
  bool cancelled() const { return flag && flag->load(std::memory_order_relaxed); }
  void throwIfCancelled() const;
};

}  // namespace latentlab
