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
#include "engine/jobs/progress.h"

namespace latentlab {

struct DiffusionInfo {
  std::string dir, name, kind, device;
  bool latent = false;               // latent-diffusion: frames are decoded through the VAE
  int numClasses = 0;                // 0 = unconditional model
  std::vector<std::string> classes;  // names, when the manifest has them
  std::vector<std::string> samplers; // the engine's sampler registry
  int maxSteps = 1000;               // the schedule's training timesteps
  std::vector<double> alphaBars;     // alpha_bar(t) for every training timestep (schedule plots)
  int64_t sampleSize = 0;            // floats in one sample (x_t) in the model's own space
  int latentDim = 0;                 // latent models: the VAE latent size (for the map)
  int channels = 0, height = 0, width = 0;  // the images' shape (what Forward noising takes)
  // The bundle's recommended settings (model.json "sampling"), the first the panel shows.
  std::string defaultSampler = "ddim";
  int defaultSteps = 50;
  double defaultGuidance = 3.0;
};

struct SampleRequest {
  uint64_t seed = 0;
  int classIndex = -1;   // -1 = unconditional (the null class)
  double guidance = 3.0; // classifier-free guidance scale; 1 = none
  std::string sampler = "ddim";
  int steps = 50;
  double eta = 0.0;
  // Start from a recorded step instead of fresh noise: startXt is a frame's `state` (x_t
  // after step startIndex - 1 of a run with the same number of steps); the run then does
  // steps startIndex..steps-1. Empty = a fresh run from noise.
  int startIndex = 0;
  std::vector<float> startXt;
  // A fresh run from this standard-normal noise (info().sampleSize values) instead of the
  // seed's (seed interpolation: slerp two seeds' startingNoise). The seed still drives the
  // noise of the steps. Empty = the seed's own.
  std::vector<float> startNoise;
};

// One step of a run: the state after the step and the clean sample predicted at it.
struct SampleFrame {
  int index = 0;          // 0-based step index
  int steps = 0;          // steps in the run
  int64_t timestep = 0;   // the timestep the step started from
  Image xt, x0;
  std::vector<float> state;            // x_t in variance-preserving units (start a new run here)
  std::vector<float> latent, latentX0; // latent models: x_t and predicted x0 in VAE latent units
};

// A data image noised to timestep t: q(x_t | x_0) = sqrt(a) x0 + sqrt(1 - a) noise.
struct NoisedImage {
  Image image;                // x_t as a picture (latent models: decoded by the VAE)
  std::vector<float> latent;  // latent models: x_t in VAE latent units (for the map)
  double alphaBar = 1;        // alpha_bar(t)
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
  // The timesteps a run of `steps` steps visits (the same for every sampler), descending.
  std::vector<int64_t> timesteps(int steps) const;
  // The standard-normal noise a fresh run with this seed starts from (before the sampler's
  // initial scaling), info().sampleSize values.
  std::vector<float> startingNoise(uint64_t seed) const;
  // Forward noising of one image (values in [0, 1], the model's image size) to timestep t
  // (0..maxSteps-1; -1 = the clean image). The noise comes from `seed` only, so one seed
  // slid over t shows the same noise growing. Throws BadInput for a bad t or image size.
  NoisedImage forwardNoise(const Image& x0, int64_t t, uint64_t seed);

 private:
  struct Impl;
  DiffusionSampler() = default;
  std::unique_ptr<Impl> m_impl;
  DiffusionInfo m_info;
};

}  // namespace latentlab
