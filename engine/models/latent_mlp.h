// The built-in class-conditional MLP denoiser ("latent-mlp") for flat latents, e.g. the
// 16-d latent of fashion-vae-16: latent diffusion in miniature.
// Config: {"latent_dim": 16, "hidden": 256, "blocks": 4, "emb_dim": 128, "latent_scale": s}.
// Pre-norm residual blocks; the timestep + class embedding is added inside each block.
// latent_scale is not used by the network: the sampler works in scaled units (unit
// variance, as Stable Diffusion's scaling_factor) and the pipeline divides by it before
// the VAE decodes.
#pragma once
#include <torch/nn.h>

#include <nlohmann/json.hpp>
#include <string>

namespace latentlab {

struct LatentMlpConfig {
  int latentDim = 16;
  int numClasses = 10;
  int hidden = 256, blocks = 4, embDim = 128;
  double latentScale = 1.0;

  static LatentMlpConfig fromJson(const nlohmann::json& j, int latentDim, int numClasses, const std::string& where);
  nlohmann::json toJson() const;
};

class LatentMlpImpl : public torch::nn::Module {
 public:
  explicit LatentMlpImpl(const LatentMlpConfig& cfg);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& classes);
  const LatentMlpConfig& config() const { return m_cfg; }

 private:
  LatentMlpConfig m_cfg;
  torch::nn::Sequential m_timeMlp{nullptr};
  torch::nn::Embedding m_classEmb{nullptr};
  torch::nn::Linear m_in{nullptr}, m_out{nullptr};
  torch::nn::LayerNorm m_normOut{nullptr};
  torch::nn::ModuleList m_norms{nullptr}, m_fc1{nullptr}, m_fc2{nullptr}, m_embProj{nullptr};
};
TORCH_MODULE(LatentMlp);

}  // namespace latentlab
