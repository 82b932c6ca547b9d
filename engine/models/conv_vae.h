// The built-in convolutional VAE ("conv-vae"). Sizes come from the manifest's config:
//   {"latent_dim": 16, "channels": [32, 64], "hidden": 512}
// Encoder: two stride-2 4x4 convs -> fc -> (mu, logvar). Decoder mirrors it with
// transposed convs plus a 3x3 refinement conv; its output is the Bernoulli/Gaussian mean
// in [0, 1] (sigmoid). Input height and width must be divisible by 4.
#pragma once
#include <torch/nn.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "engine/kernels/small_conv.h"

namespace latentlab {

struct ConvVaeConfig {
  int imageChannels = 1, imageHeight = 28, imageWidth = 28;
  int latentDim = 16;
  int channels1 = 32, channels2 = 64;
  int hidden = 512;

  static ConvVaeConfig fromJson(const nlohmann::json& config, int c, int h, int w, const std::string& where);
  nlohmann::json toJson() const;
};

struct VaeOutput {
  torch::Tensor recon, mu, logvar;
};

class ConvVaeImpl : public torch::nn::Module {
 public:
  explicit ConvVaeImpl(const ConvVaeConfig& cfg);
  std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x);  // (mu, logvar)
  torch::Tensor decode(const torch::Tensor& z);                             // in [0, 1]
  VaeOutput forward(const torch::Tensor& x);  // reparameterised sample in training mode
  const ConvVaeConfig& config() const { return m_cfg; }

 private:
  ConvVaeConfig m_cfg;
  torch::nn::Conv2d m_enc1{nullptr}, m_enc2{nullptr};
  torch::nn::Linear m_encFc{nullptr}, m_encOut{nullptr};
  torch::nn::Linear m_decFc1{nullptr}, m_decFc2{nullptr};
  torch::nn::ConvTranspose2d m_dec1{nullptr}, m_dec3{nullptr};
  torch::nn::Conv2d m_dec2{nullptr};
  // Packed weights of the three decoder convolutions for one latent (engine/kernels/small_conv.h).
  std::shared_ptr<SmallConvCache> m_smallConvs = std::make_shared<SmallConvCache>();
  bool smallConvsApply(const torch::Tensor& h) const;
};
TORCH_MODULE(ConvVae);

}  // namespace latentlab
