#include "engine/diffusion/diffusion_model.h"

#include <torch/torch.h>

#include <algorithm>

#include "engine/diffusion/sampler.h"
#include "engine/models/builtin_denoiser.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

const Manifest& checkKind(const std::shared_ptr<ModelBundle>& b) {
  const Manifest& m = b->manifest;
  if (m.kind != "diffusion" && m.kind != "latent-diffusion")
    throw BadInput(b->dir + ": \"" + m.name + "\" is of kind " + m.kind + "; a diffusion or latent-diffusion model is needed");
  if (!b->denoiser) throw BadInput(b->dir + ": the bundle has no denoiser");
  if (m.kind == "latent-diffusion" && !b->autoencoder) throw BadInput(b->dir + ": the bundle has no autoencoder");
  return m;
}

}  // namespace

DiffusionModel::DiffusionModel(std::shared_ptr<ModelBundle> bundle)
    : m_bundle(std::move(bundle)),
      m_schedule(ScheduleConfig::fromJson(checkKind(m_bundle).scheduler, m_bundle->dir + "/model.json: scheduler")),
      m_sampleShape(diffusionSampleShape(m_bundle->manifest)) {
  if (const auto& s = m_bundle->manifest.sampling) {
    const auto& names = samplerNames();
    if (std::find(names.begin(), names.end(), s->sampler) == names.end())
      throw BadInput(m_bundle->dir + "/model.json: sampling: \"" + s->sampler + "\" is not a sampler (ddpm, ddim, euler, dpmpp-2m)");
    if (s->steps > m_schedule.numTrainTimesteps())
      throw BadInput(m_bundle->dir + "/model.json: sampling: steps must be at most " +
                     std::to_string(m_schedule.numTrainTimesteps()));
  }
  const auto& cfg = m_bundle->manifest.denoiser->config;
  if (isLatent() && cfg.contains("latent_scale") && cfg["latent_scale"].is_number())
    m_latentScale = cfg["latent_scale"].get<double>();
}

torch::Tensor DiffusionModel::toLatent(const torch::Tensor& x) const { return isLatent() ? x / m_latentScale : x; }

torch::Tensor DiffusionModel::toImages(const torch::Tensor& x) {
  const ImageSpec& im = m_bundle->manifest.image;
  torch::Tensor img = isLatent() ? m_bundle->autoencoder->decode(toLatent(x).to(torch::kFloat)) : x;
  return ((img.to(torch::kFloat) - im.rangeLo) / (im.rangeHi - im.rangeLo)).clamp(0, 1);
}

torch::Tensor DiffusionModel::fromImages(const torch::Tensor& images) {
  const ImageSpec& im = m_bundle->manifest.image;
  torch::Tensor x = images.to(device()).to(torch::kFloat) * (im.rangeHi - im.rangeLo) + im.rangeLo;
  if (!isLatent()) return x;
  torch::Tensor z = m_bundle->autoencoder->encode(x).first * m_latentScale;
  std::vector<int64_t> shape = {z.size(0)};
  shape.insert(shape.end(), m_sampleShape.begin(), m_sampleShape.end());
  return z.reshape(shape);
}

}  // namespace latentlab
