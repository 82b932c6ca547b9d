#include "engine/projection/layout_run.h"

#include <chrono>

namespace latentlab {

bool runLayout(LayoutRun& run, const LayoutHooks& hooks) {
  using Clock = std::chrono::steady_clock;
  // Set-up is about a tenth of a typical run; the progress bar gives it that share.
  const double setupShare = 0.1;
  if (!run.prepared()) {
    run.prepare(hooks.cancel, [&](double f, const std::string& m) {
      if (hooks.progress) hooks.progress(setupShare * f, m);
    });
    if (hooks.publish) hooks.publish(run);
  }
  auto last = Clock::now();
  while (run.epochsDone() < run.epochs()) {
    hooks.cancel.throwIfCancelled();
    if (hooks.stop && hooks.stop()) {
      if (hooks.publish) hooks.publish(run);
      return false;
    }
    run.epoch();
    auto now = Clock::now();
    if (std::chrono::duration<double>(now - last).count() >= hooks.publishSeconds || run.epochsDone() == run.epochs()) {
      last = now;
      if (hooks.publish) hooks.publish(run);
      if (hooks.progress)
        hooks.progress(setupShare + (1 - setupShare) * double(run.epochsDone()) / run.epochs(),
                       run.phase() + ": epoch " + std::to_string(run.epochsDone()) + " of " +
                           std::to_string(run.epochs()));
    }
  }
  return true;
}

}  // namespace latentlab
