#include "engine/diffusion/denoise_run.h"

#include <torch/torch.h>

#include "engine/diffusion/guidance.h"
#include "engine/util/errors.h"

namespace latentlab {

SeededNoise::SeededNoise(uint64_t seed) : m_gen(at::detail::createCPUGenerator(seed)) {}

torch::Tensor SeededNoise::draw(std::vector<int64_t> shape, const torch::TensorOptions& like) {
  auto cpu = torch::randn(shape, m_gen, torch::TensorOptions().dtype(like.dtype()));
  return cpu.to(like.device());
}

NoiseFn SeededNoise::stepNoise() {
  return [this](int, const torch::Tensor& like) { return draw(like.sizes().vec(), like.options()); };
}

torch::Tensor runDenoise(Denoiser& denoiser, Sampler& sampler, const torch::Tensor& start, const DenoiseRun& run) {
  const int steps = sampler.numSteps();
  if (steps < 1) throw BadInput("sampler: no steps chosen (setSteps not called)");
  if (run.startIndex < 0 || run.startIndex >= steps)
    throw BadInput("sampler: start step " + std::to_string(run.startIndex) + " is outside 0.." + std::to_string(steps - 1));
  if (sampler.needsNoise() && !run.noise) throw BadInput("sampler: this sampler needs a noise source");
  torch::Tensor x = start;
  for (int i = run.startIndex; i < steps; ++i) {
    run.cancel.throwIfCancelled();
    const int64_t t = sampler.timesteps()[size_t(i)];
    auto out = guidedModelOutput(denoiser, x * sampler.modelInputScale(i), double(t), run.classes, run.guidance);
    torch::Tensor noise;
    if (sampler.needsNoise()) noise = run.noise(i, x);
    SamplerStep s = sampler.step(out, i, x, noise);
    x = s.prev;
    if (run.onStep) run.onStep({i, steps, t, x, x * sampler.prevScale(i), s.x0});
  }
  return x;
}

}  // namespace latentlab
