// How a feature (steering, maps, tokens, GAN views) runs its own engine work without a new
// case in EngineClient: it hands a work function and a completion callback to run(). The
// work runs on the named worker (a newer request for the same slot replaces and cancels the
// older one); `done` runs later on the main thread, inside EngineClient::poll(), unless the
// model changed meanwhile (then the result is dropped, like every other result). Panels
// reach this through PanelContext::jobs; they still never touch torch: work functions call
// the engine's torch-free facades (ExploreModel, DiffusionSampler, ...).
#pragma once
#include <any>
#include <functional>
#include <memory>
#include <string>

#include "engine/jobs/job_runner.h"

namespace latentlab {

class ExploreModel;
class DiffusionSampler;
class TokenModel;
struct Dataset;
struct LatentSet;

enum class Worker {
  Interactive,  // short, latency-bound work: a decode under a slider (latest wins)
  Background,   // longer work with progress and Cancel: directions, layouts, batches
  Sampler,      // diffusion runs (may sit held by the Step button)
};

struct FeatureOutcome {
  std::any value;     // what the work function returned; empty on error or cancel
  std::string error;  // first line of the exception's message, when it threw
  bool cancelled = false;
};

class FeatureJobs {
 public:
  using Work = std::function<std::any(JobContext&)>;
  using Done = std::function<void(FeatureOutcome&)>;
  virtual ~FeatureJobs() = default;
  // `slot` must be unique to the feature, e.g. "steer/strip" (never a built-in slot name).
  virtual void run(Worker worker, const std::string& slot, Work work, Done done) = 0;
  virtual void cancel(Worker worker, const std::string& slot) = 0;
  // The worker's status (progress bars: fraction and message of the running job).
  virtual RunnerStatus status(Worker worker) const = 0;
  // The loaded model's facades, shared so a job keeps them alive; null when none is loaded.
  virtual std::shared_ptr<ExploreModel> exploreModel() const = 0;
  virtual std::shared_ptr<DiffusionSampler> diffusionSampler() const = 0;
  // A vq-autoregressive bundle's face (engine/tokens/token_model.h); null for other kinds.
  virtual std::shared_ptr<TokenModel> tokenModel() const { return nullptr; }
  virtual std::shared_ptr<const Dataset> dataShared() const = 0;
  virtual std::shared_ptr<const LatentSet> latentsShared() const = 0;
};

}  // namespace latentlab
