// The built-in class-conditional DCGAN generator ("dcgan-generator") and its config, shared
// with the discriminator (engine/models/gan_discriminator.h). Sizes come from the manifest's
// generator.config:
//   {"latent_dim": 64, "num_classes": 10, "emb_dim": 32, "channels": [128, 64, 32]}
// z (latent_dim, standard normal) and a learned class embedding are concatenated, a linear
// layer makes channels[0] x H/4 x W/4, two 4x4 stride-2 transposed convs make H/2 and H
// (each followed by class-conditional BatchNorm + ReLU), a 3x3 conv makes the image and
// tanh mapped to [0, 1] bounds it. Unconditional when num_classes is 0.
// Conditional BatchNorm: BatchNorm without affine, then a per-class gain (1 + g) and bias,
// so the class steers every layer, not only the input. Never touches files.
#pragma once
#include <torch/nn.h>

#include <nlohmann/json.hpp>
#include <string>

namespace latentlab {

struct GanConfig {
  int imageChannels = 1, imageHeight = 28, imageWidth = 28;
  int latentDim = 64;
  int numClasses = 10;  // 0 = unconditional
  int embDim = 32;      // generator's input class embedding
  int channels0 = 128, channels1 = 64, channels2 = 32;  // generator: H/4, H/2, H
  int discChannels1 = 64, discChannels2 = 128, discFeatures = 256;  // discriminator

  // Reads the generator's config (discriminator sizes are training-only and not stored).
  static GanConfig fromJson(const nlohmann::json& config, int c, int h, int w, const std::string& where);
  nlohmann::json toJson() const;
};

// BatchNorm2d without affine parameters + per-class gain and bias (plain affine when
// unconditional). The running statistics are the BatchNorm's buffers.
class ConditionalBatchNormImpl : public torch::nn::Module {
 public:
  ConditionalBatchNormImpl(int channels, int numClasses);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& classes);
  torch::nn::BatchNorm2d& norm() { return m_bn; }

 private:
  int m_numClasses;
  torch::nn::BatchNorm2d m_bn{nullptr};
  torch::nn::Embedding m_gain{nullptr}, m_bias{nullptr};   // conditional
  torch::Tensor m_gain0, m_bias0;                          // unconditional
};
TORCH_MODULE(ConditionalBatchNorm);

class GanGeneratorImpl : public torch::nn::Module {
 public:
  explicit GanGeneratorImpl(const GanConfig& cfg);
  // z: N x latent_dim; classes: N int64 in [0, num_classes) (ignored, may be undefined,
  // when unconditional). Returns N x C x H x W in [0, 1].
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& classes);
  const GanConfig& config() const { return m_cfg; }
  // BatchNorm layers, for re-estimating the running statistics of an EMA copy.
  std::vector<torch::nn::BatchNorm2d> batchNorms();

 private:
  GanConfig m_cfg;
  torch::nn::Embedding m_embed{nullptr};
  torch::nn::Linear m_fc{nullptr};
  ConditionalBatchNorm m_bn0{nullptr}, m_bn1{nullptr}, m_bn2{nullptr};
  torch::nn::ConvTranspose2d m_up1{nullptr}, m_up2{nullptr};
  torch::nn::Conv2d m_out{nullptr};
};
TORCH_MODULE(GanGenerator);

// Truncation: z scaled toward the prior's mean (0) by psi in [0, 1]; psi = 1 is the
// untruncated prior, psi = 0 always gives the mean latent's image. Trades variety for
// typicality (fewer odd samples, higher class accuracy).
torch::Tensor truncateLatent(const torch::Tensor& z, double psi);

}  // namespace latentlab
