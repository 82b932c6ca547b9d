// The GUI's torch-free view of a diffusion or latent-diffusion bundle: what it can be asked
// (classes, samplers, step limit) and one sampling run that hands every step to a callback
// as CPU images (x_t and the predicted x0), so the Diffusion panel can show the run live.
// LibTorch stays in the .cpp; every call may block, so the app calls it only from a worker.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/data/image.h"
#include "engine/train/progress.h"

namespace latentlab {

struct DiffusionInfo {
  std::string dir, name, kind, device;
  bool latent = false;               // latent-diffusion: frames are decoded through the VAE
  int numClasses = 0;                // 0 = unconditional model
  std::vector<std::string> classes;  // names, when the manifest has them
  std::vector<std::string> samplers; // the engine's sampler registry
  int maxSteps = 1000;               // the schedule's training timesteps
};

struct SampleRequest {
  uint64_t seed = 0;
  int classIndex = -1;   // -1 = unconditional (the null class)
  double guidance = 3.0; // classifier-free guidance scale; 1 = none
  std::string sampler = "ddim";
  int steps = 50;
  double eta = 0.0;
};

// One step of a run: the state after the step and the clean sample predicted at it.
struct SampleFrame {
  int index = 0;          // 0-based step index
  int steps = 0;          // steps in the run
  int64_t timestep = 0;   // the timestep the step started from
  Image xt, x0;
};

class DiffusionSampler {
 public:
  // Throws BadInput (missing folder, bad manifest or weights, not a diffusion model).
  static std::shared_ptr<DiffusionSampler> load(const std::string& dir, const std::string& device = "auto");
  ~DiffusionSampler();

  const DiffusionInfo& info() const { return m_info; }
  // Runs one sample; onFrame is called after every step, on the calling thread. Throws
  // BadInput for a bad request and Cancelled when `cancel` fires between steps.
  // Returns the final sample as an image.
  Image sample(const SampleRequest& req, const std::function<void(const SampleFrame&)>& onFrame,
               const CancelToken& cancel = {});

 private:
  struct Impl;
  DiffusionSampler() = default;
  std::unique_ptr<Impl> m_impl;
  DiffusionInfo m_info;
};

}  // namespace latentlab
