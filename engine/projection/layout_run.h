// An iterative 2-D layout (t-SNE, UMAP) as a resumable object: prepare() does the expensive
// set-up once (neighbours, affinities), epoch() does one optimisation step. A run keeps its
// whole optimiser state, so stopping after any epoch and continuing later (pause/resume in
// the GUI, on a fresh job) gives exactly the layout an uninterrupted run gives. Torch-free;
// never touches the GUI, never reads the clock except to pace publish().
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/jobs/progress.h"

namespace latentlab {

class LayoutRun {
 public:
  virtual ~LayoutRun() = default;
  // Neighbours and input affinities. Checks `cancel` between rows (throws Cancelled).
  virtual void prepare(const CancelToken& cancel, const std::function<void(double, const std::string&)>& progress) = 0;
  virtual bool prepared() const = 0;
  virtual void epoch() = 0;  // one optimisation epoch; prepare() first
  virtual int epochsDone() const = 0;
  virtual int epochs() const = 0;
  bool finished() const { return prepared() && epochsDone() >= epochs(); }
  // N x 2, row-major, in data order (before prepare(): the initial layout).
  virtual const std::vector<float>& layout() const = 0;
  virtual std::string phase() const = 0;  // what the current epochs do, for the progress line
};

struct LayoutHooks {
  CancelToken cancel;                  // Cancel: throws Cancelled between epochs
  std::function<bool()> stop;          // Pause: true ends runLayout after this epoch, state kept
  // Called with the run about every publishSeconds while it converges, and once at the end.
  std::function<void(const LayoutRun&)> publish;
  double publishSeconds = 0.1;
  std::function<void(double, const std::string&)> progress;  // 0..1 over set-up and epochs
};

// Runs `run` until it is finished (true) or stop() asks for a pause (false).
bool runLayout(LayoutRun& run, const LayoutHooks& hooks);

}  // namespace latentlab
