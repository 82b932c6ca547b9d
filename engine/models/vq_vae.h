// The built-in VQ-VAE ("vq-vae"): image <-> a grid of discrete tokens (indices into a learned
// codebook). Sizes come from the manifest's autoencoder.config:
//   {"codebook_size": 128, "code_dim": 32, "channels": [32, 64], "res_blocks": 2}
// Encoder: two 4x4 stride-2 convs (H -> H/4), a 3x3 conv, residual blocks, a 1x1 conv to
// code_dim. Each of the H/4 x W/4 vectors is replaced by its nearest codebook entry
// (squared Euclidean distance); the decoder mirrors the encoder (transposed convs) and ends
// in a sigmoid, so images are in [0, 1].
// The codebook is a buffer, not a parameter: it is learned by exponential moving averages of
// the encoder outputs assigned to each code (van den Oord et al. 2017, appendix), initialised
// by k-means on the first batch, and codes nobody uses are restarted on encoder outputs.
// Those updates live in VectorQuantizer (training only); inference never changes a buffer.
// Never touches files.
#pragma once
#include <torch/nn.h>

#include <nlohmann/json.hpp>
#include <string>

namespace latentlab {

struct VqVaeConfig {
  int imageChannels = 1, imageHeight = 28, imageWidth = 28;
  int codebookSize = 128;
  int codeDim = 32;
  int channels1 = 32, channels2 = 64;  // at H/2 and H/4
  int resBlocks = 2;

  int tokensHigh() const { return imageHeight / 4; }
  int tokensWide() const { return imageWidth / 4; }
  int tokenCount() const { return tokensHigh() * tokensWide(); }

  static VqVaeConfig fromJson(const nlohmann::json& config, int c, int h, int w, const std::string& where);
  nlohmann::json toJson() const;
};

// The codebook and its training-time updates. Buffers: embedding (K x D), cluster_size (K,
// EMA of assignment counts), embed_sum (K x D, EMA of assigned vector sums), usage (K, a
// fast EMA (0.9) of the counts that decides which codes are dead), initialized.
class VectorQuantizerImpl : public torch::nn::Module {
 public:
  VectorQuantizerImpl(int codebookSize, int codeDim);
  // Index of the nearest code for each row of z (M x D): M int64.
  torch::Tensor nearest(const torch::Tensor& z) const;
  torch::Tensor lookup(const torch::Tensor& indices) const;  // any shape -> shape x D
  const torch::Tensor& embedding() const { return m_embedding; }
  int codebookSize() const { return int(m_embedding.size(0)); }
  bool initialized() const { return m_initialized.item<float>() > 0.5f; }

  // Training only. k-means (`iters` Lloyd steps) on z, starting from distinct random rows.
  void kmeansInit(const torch::Tensor& z, int iters, at::Generator gen);
  // EMA update of the codebook from z and its assignments (Laplace-smoothed counts).
  void emaUpdate(const torch::Tensor& z, const torch::Tensor& indices, double decay);
  // Codes whose recent use (`usage`, assignments per batch) is below `threshold` get a
  // random row of z (and fresh counts). Returns how many were restarted.
  int restartDead(const torch::Tensor& z, double threshold, at::Generator gen);

 private:
  torch::Tensor m_embedding, m_clusterSize, m_embedSum, m_usage, m_initialized;
};
TORCH_MODULE(VectorQuantizer);

class VqResBlockImpl : public torch::nn::Module {
 public:
  explicit VqResBlockImpl(int channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
};
TORCH_MODULE(VqResBlock);

class VqVaeImpl : public torch::nn::Module {
 public:
  explicit VqVaeImpl(const VqVaeConfig& cfg);
  // x: N x C x H x W in [0, 1] -> N x D x H/4 x W/4, before quantisation.
  torch::Tensor encodeContinuous(const torch::Tensor& x);
  // N x D x h x w -> N x h x w int64 token indices.
  torch::Tensor quantize(const torch::Tensor& ze) const;
  // N x h x w indices -> N x D x h x w code vectors.
  torch::Tensor codes(const torch::Tensor& indices) const;
  // N x D x h x w -> N x C x H x W in [0, 1].
  torch::Tensor decodeCodes(const torch::Tensor& zq);
  torch::Tensor encode(const torch::Tensor& x) { return quantize(encodeContinuous(x)); }
  torch::Tensor decode(const torch::Tensor& indices) { return decodeCodes(codes(indices)); }
  const VqVaeConfig& config() const { return m_cfg; }
  VectorQuantizer& quantizer() { return m_vq; }

 private:
  VqVaeConfig m_cfg;
  torch::nn::Conv2d m_enc1{nullptr}, m_enc2{nullptr}, m_enc3{nullptr}, m_encOut{nullptr};
  torch::nn::Conv2d m_decIn{nullptr};
  torch::nn::ConvTranspose2d m_dec1{nullptr}, m_dec2{nullptr};
  torch::nn::ModuleList m_encRes{nullptr}, m_decRes{nullptr};
  VectorQuantizer m_vq{nullptr};
};
TORCH_MODULE(VqVae);

// exp(entropy) of the code usage in `indices` (any shape): 1 when one code is used,
// K when all K are used equally.
double codebookPerplexity(const torch::Tensor& indices, int codebookSize);

}  // namespace latentlab
