// Sampling for the GUI: wraps DiffusionModel + the sampler registry + runDenoise and turns
// each step's tensors into CPU images (decoding latents through the bundle's VAE).
#include "engine/explore/diffusion_sampling.h"

#include <torch/torch.h>

#include <mutex>

#include "engine/data/image_tensor.h"
#include "engine/diffusion/denoise_run.h"
#include "engine/diffusion/diffusion_model.h"
#include "engine/diffusion/sampler.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab {

struct DiffusionSampler::Impl {
  std::unique_ptr<DiffusionModel> model;
  // One run at a time: the denoiser and the VAE are not shared between threads.
  std::mutex mutex;
};

DiffusionSampler::~DiffusionSampler() = default;

std::shared_ptr<DiffusionSampler> DiffusionSampler::load(const std::string& dir, const std::string& deviceName) {
  torch::Device device = torch::kCPU;
  try {
    device = pickDevice(deviceName);
  } catch (const UsageError& e) {
    throw BadInput(e.what());
  }
  std::shared_ptr<DiffusionSampler> s(new DiffusionSampler());
  s->m_impl = std::make_unique<Impl>();
  s->m_impl->model = std::make_unique<DiffusionModel>(loadBundle(dir, device));
  const DiffusionModel& m = *s->m_impl->model;
  DiffusionInfo& info = s->m_info;
  info.dir = dir;
  info.name = m.manifest().name;
  info.kind = m.manifest().kind;
  info.device = device.str();
  info.latent = m.isLatent();
  info.numClasses = m.numClasses();
  info.classes = m.manifest().classes;
  info.samplers = samplerNames();
  info.maxSteps = m.schedule().numTrainTimesteps();
  return s;
}

Image DiffusionSampler::sample(const SampleRequest& req, const std::function<void(const SampleFrame&)>& onFrame,
                               const CancelToken& cancel) {
  std::lock_guard<std::mutex> lock(m_impl->mutex);
  DiffusionModel& model = *m_impl->model;
  if (req.steps < 1 || req.steps > m_info.maxSteps)
    throw BadInput("steps must be in 1.." + std::to_string(m_info.maxSteps) + " (got " + std::to_string(req.steps) + ")");
  if (req.classIndex >= m_info.numClasses)
    throw BadInput("class " + std::to_string(req.classIndex) + " is not one of this model's " +
                   std::to_string(m_info.numClasses) + " classes");
  torch::InferenceMode guard;
  auto sampler = makeSampler(req.sampler, model.schedule(), SamplerOptions{req.eta});
  sampler->setSteps(req.steps);

  std::vector<int64_t> shape = {1};
  for (auto d : model.sampleShape()) shape.push_back(d);
  SeededNoise noise(req.seed);
  auto opts = torch::TensorOptions(torch::kFloat).device(model.device());
  auto start = noise.draw(shape, opts) * sampler->initNoiseScale();

  DenoiseRun run;
  run.guidance = req.guidance;
  // A conditional model is asked for "no class" with its null class (index numClasses).
  if (m_info.numClasses > 0) {
    int64_t c = req.classIndex < 0 ? m_info.numClasses : req.classIndex;
    run.classes = torch::full({1}, c, torch::kLong).to(model.device());
  }
  run.noise = noise.stepNoise();
  run.cancel = cancel;
  auto toImage = [&](const torch::Tensor& x) { return tensorToImages(model.toImages(x).cpu()).at(0); };
  run.onStep = [&](const DenoiseStepInfo& s) {
    if (!onFrame) return;
    SampleFrame f;
    f.index = s.index;
    f.steps = s.steps;
    f.timestep = s.timestep;
    f.xt = toImage(s.xt);
    f.x0 = toImage(s.x0);
    onFrame(f);
  };
  auto final = runDenoise(model.denoiser(), *sampler, start, run);
  checkFinite(final, m_info.dir + ": the sampled values");
  return toImage(final);
}

}  // namespace latentlab
