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

namespace {
std::vector<float> toFloats(const torch::Tensor& t) {
  auto c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}
}  // namespace

struct DiffusionSampler::Impl {
  std::unique_ptr<DiffusionModel> model;
  // The denoiser and the VAE are used by one thread at a time (a user's TorchScript module
  // may keep state). sample() holds this lock while it computes, but never while it hands a
  // step to its caller: a run held by the Step button waits there, and forward noising
  // (another worker) must not wait behind it.
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
  info.channels = m.manifest().image.channels;
  info.height = m.manifest().image.height;
  info.width = m.manifest().image.width;
  info.alphaBars = m.schedule().alphaBars();
  info.sampleSize = 1;
  for (auto d : m.sampleShape()) info.sampleSize *= d;
  if (info.latent) info.latentDim = int(info.sampleSize);
  SamplingDefaults d = m.sampling();
  info.defaultSampler = d.sampler;
  info.defaultSteps = d.steps;
  info.defaultGuidance = d.guidance;
  return s;
}

Image DiffusionSampler::sample(const SampleRequest& req, const std::function<void(const SampleFrame&)>& onFrame,
                               const CancelToken& cancel) {
  std::unique_lock<std::mutex> lock(m_impl->mutex);
  DiffusionModel& model = *m_impl->model;
  if (req.steps < 1 || req.steps > m_info.maxSteps)
    throw BadInput("steps must be in 1.." + std::to_string(m_info.maxSteps) + " (got " + std::to_string(req.steps) + ")");
  if (req.classIndex >= m_info.numClasses)
    throw BadInput("class " + std::to_string(req.classIndex) + " is not one of this model's " +
                   std::to_string(m_info.numClasses) + " classes");
  torch::InferenceMode guard;
  auto sampler = makeSampler(req.sampler, model.schedule(), model.samplerOptions(req.eta));
  sampler->setSteps(req.steps);

  std::vector<int64_t> shape = {1};
  for (auto d : model.sampleShape()) shape.push_back(d);
  SeededNoise noise(req.seed);
  auto opts = torch::TensorOptions(torch::kFloat).device(model.device());
  torch::Tensor start;
  if (req.startXt.empty()) {
    if (req.startIndex != 0) throw BadInput("a run that starts at a later step needs that step's x_t");
    start = noise.draw(shape, opts);  // drawn even when replaced: the step noise stays the seed's
    if (!req.startNoise.empty()) {
      if (int64_t(req.startNoise.size()) != m_info.sampleSize)
        throw BadInput("the starting noise has " + std::to_string(req.startNoise.size()) +
                       " values; this model's samples have " + std::to_string(m_info.sampleSize));
      start = torch::from_blob(const_cast<float*>(req.startNoise.data()), shape, torch::kFloat).clone().to(model.device());
      checkFinite(start, "the starting noise");
    }
    start = start * sampler->initNoiseScale();
  } else {
    if (req.startIndex < 1 || req.startIndex >= req.steps)
      throw BadInput("start step " + std::to_string(req.startIndex) + " is outside 1.." + std::to_string(req.steps - 1));
    if (int64_t(req.startXt.size()) != m_info.sampleSize)
      throw BadInput("the recorded x_t has " + std::to_string(req.startXt.size()) + " values; this model's samples have " +
                     std::to_string(m_info.sampleSize));
    auto xt = torch::from_blob(const_cast<float*>(req.startXt.data()), shape, torch::kFloat).clone().to(model.device());
    checkFinite(xt, "the recorded x_t");
    // Frames hold x_t in variance-preserving units; the sampler's state has its own scaling.
    start = xt / sampler->modelInputScale(req.startIndex);
  }

  DenoiseRun run;
  run.guidance = req.guidance;
  // A conditional model is asked for "no class" with its null class (index numClasses).
  if (m_info.numClasses > 0) {
    int64_t c = req.classIndex < 0 ? m_info.numClasses : req.classIndex;
    run.classes = torch::full({1}, c, torch::kLong).to(model.device());
  }
  run.noise = noise.stepNoise();
  run.cancel = cancel;
  run.startIndex = req.startIndex;
  auto toImage = [&](const torch::Tensor& x) { return tensorToImages(model.toImages(x).cpu()).at(0); };
  run.onStep = [&](const DenoiseStepInfo& s) {
    if (!onFrame) return;
    SampleFrame f;
    f.index = s.index;
    f.steps = s.steps;
    f.timestep = s.timestep;
    f.xt = toImage(s.xt);
    f.x0 = toImage(s.x0);
    f.state = toFloats(s.xt);
    if (m_info.latent) {
      f.latent = toFloats(model.toLatent(s.xt));
      f.latentX0 = toFloats(model.toLatent(s.x0));
    }
    // The caller may hold the run here (Step): the model is free meanwhile. s.xt and s.x0
    // belong to this run only, so nothing another thread does can change them.
    lock.unlock();
    onFrame(f);
    lock.lock();
  };
  auto final = runDenoise(model.denoiser(), *sampler, start, run);
  checkFinite(final, m_info.dir + ": the sampled values");
  return toImage(final);
}

std::vector<float> DiffusionSampler::startingNoise(uint64_t seed) const {
  // The same first draw as sample() makes for this seed.
  std::vector<int64_t> shape = {1};
  for (auto d : m_impl->model->sampleShape()) shape.push_back(d);
  SeededNoise noise(seed);
  return toFloats(noise.draw(shape, torch::TensorOptions(torch::kFloat)));
}

std::vector<int64_t> DiffusionSampler::timesteps(int steps) const {
  // The schedule is immutable once loaded, so no lock: the panel may ask while a run goes.
  return m_impl->model->schedule().timesteps(steps);
}

NoisedImage DiffusionSampler::forwardNoise(const Image& x0, int64_t t, uint64_t seed) {
  std::lock_guard<std::mutex> lock(m_impl->mutex);
  DiffusionModel& model = *m_impl->model;
  if (t < -1 || t >= m_info.maxSteps)
    throw BadInput("timestep " + std::to_string(t) + " is outside -1.." + std::to_string(m_info.maxSteps - 1));
  torch::InferenceMode guard;
  auto images = imagesToTensor({x0});
  const auto& dims = model.manifest().image;
  if (images.size(1) != dims.channels || images.size(2) != dims.height || images.size(3) != dims.width)
    throw BadInput("the data image is " + std::to_string(x0.channels) + "x" + std::to_string(x0.height) + "x" +
                   std::to_string(x0.width) + " (C x H x W); this model takes " + std::to_string(dims.channels) + "x" +
                   std::to_string(dims.height) + "x" + std::to_string(dims.width));
  torch::Tensor clean = model.fromImages(images);
  SeededNoise noise(seed);
  torch::Tensor eps = noise.draw(clean.sizes().vec(), clean.options());
  NoisedImage out;
  torch::Tensor xt = clean;
  if (t >= 0) xt = model.schedule().addNoise(clean, eps, torch::full({1}, t, torch::kLong).to(clean.device()));
  out.alphaBar = model.schedule().alphaBar(t);
  out.image = tensorToImages(model.toImages(xt).cpu()).at(0);
  if (m_info.latent) out.latent = toFloats(model.toLatent(xt));
  return out;
}

}  // namespace latentlab
