// The built-in class-conditional UNet ("unet") for small images, e.g. 28 x 28 Fashion-MNIST.
// Config (manifest denoiser.config): {"channels": [32, 64, 64], "emb_dim": 128,
// "attention": true}. One residual block per resolution on the way down and up, halving
// the resolution between levels (so height and width must be divisible by 2^(levels-1)),
// a middle of two residual blocks around an optional self-attention at the lowest
// resolution. Timestep (sinusoidal) and class embeddings are summed and added inside every
// residual block; class index num_classes is the learned null class of classifier-free
// guidance. Sized for CPU training: every extra channel at full resolution costs most.
#pragma once
#include <torch/nn.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/kernels/onednn_conv.h"

namespace latentlab {

struct UNetConfig {
  int imageChannels = 1, imageHeight = 28, imageWidth = 28;
  int numClasses = 10;  // 0 = unconditional
  std::vector<int> channels = {32, 64, 64};
  int embDim = 128;
  bool attention = true;

  static UNetConfig fromJson(const nlohmann::json& j, int c, int h, int w, int numClasses, const std::string& where);
  nlohmann::json toJson() const;
};

// The layout of the UNet's activations at inference on the CPU. Channels-last lets oneDNN's
// convolutions read and write them as they are, where channels-first costs two reorders of
// every activation per convolution (a third of the convolution time at 32 rows, out of
// cache; bench/README.md, "Batched sampling"). Auto picks by batch size; the other two are
// for benchmarks and tests. Training and CUDA always run channels-first.
enum class UNetLayout { Auto, ChannelsFirst, ChannelsLast };
void setUNetInferenceLayout(UNetLayout layout);  // process-wide; not to be changed mid-call
UNetLayout unetInferenceLayout();

// The convolutions of that path: oneDNN called directly with weights packed once where it
// is built in (engine/kernels/onednn_conv.h), else LibTorch's conv2d on channels-last copies
// of the weights. Both are made once and remade when the weight changes (trained in
// between) or moves. Thread-safe.
class ChannelsLastConvs {
 public:
  torch::Tensor operator()(torch::nn::Conv2dImpl& conv, const torch::Tensor& x);

 private:
  OnednnConvCache m_onednn;
  struct Entry {
    torch::Tensor source, copy;
    int64_t version = 0;
  };
  std::mutex m_mutex;
  std::unordered_map<const void*, Entry> m_entries;
};

class ResBlockImpl : public torch::nn::Module {
 public:
  ResBlockImpl(int in, int out, int embDim);
  // cl: run the convolutions channels-last (x is channels-last), inference only.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& emb, ChannelsLastConvs* cl = nullptr);
  // The fused inference path in its two parts: conv1(silu(norm1(x))), which does not see the
  // embedding (so the guided halves can share it), then the rest. forward() = both.
  torch::Tensor firstConv(const torch::Tensor& x, ChannelsLastConvs* cl);
  torch::Tensor finish(const torch::Tensor& x, torch::Tensor h, const torch::Tensor& emb, ChannelsLastConvs* cl);

 private:
  torch::nn::GroupNorm m_norm1{nullptr}, m_norm2{nullptr};
  torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_skip{nullptr};
  torch::nn::Linear m_emb{nullptr};
};
TORCH_MODULE(ResBlock);

class SelfAttentionImpl : public torch::nn::Module {
 public:
  explicit SelfAttentionImpl(int channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::GroupNorm m_norm{nullptr};
  torch::nn::Conv2d m_qkv{nullptr}, m_out{nullptr};
};
TORCH_MODULE(SelfAttention);

class UNetImpl : public torch::nn::Module {
 public:
  explicit UNetImpl(const UNetConfig& cfg);
  // x: N x C x H x W, t: N float timesteps, classes: N int64 (undefined = null class).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& classes);
  // Classifier-free guidance's two halves (Denoiser::forwardGuided): x, t, classes have n rows;
  // the result has 2n, rows [n, 2n) for the null class. On the channels-last inference path
  // the start that the class does not reach (conv_in and the first block's norm1 + conv1) is
  // computed once for both halves; elsewhere it is forward() on the doubled batch.
  torch::Tensor forwardGuided(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& classes);
  const UNetConfig& config() const { return m_cfg; }

 private:
  bool useChannelsLast(const torch::Tensor& x) const;
  torch::Tensor embedding(const torch::Tensor& t, const torch::Tensor& classes, int64_t rows, const torch::Tensor& like);
  // Everything after conv_in: h its output; first, when defined, the first block's conv1 output.
  torch::Tensor trunk(torch::Tensor h, const torch::Tensor& first, const torch::Tensor& emb, ChannelsLastConvs* cl);

  UNetConfig m_cfg;
  torch::nn::Sequential m_timeMlp{nullptr};
  torch::nn::Embedding m_classEmb{nullptr};
  torch::nn::Conv2d m_convIn{nullptr}, m_convOut{nullptr};
  torch::nn::GroupNorm m_normOut{nullptr};
  torch::nn::ModuleList m_down{nullptr}, m_downsample{nullptr}, m_up{nullptr}, m_upsample{nullptr};
  ResBlock m_mid1{nullptr}, m_mid2{nullptr};
  SelfAttention m_attn{nullptr};
  std::shared_ptr<ChannelsLastConvs> m_clConvs = std::make_shared<ChannelsLastConvs>();
};
TORCH_MODULE(UNet);

int groupsFor(int channels);  // GroupNorm groups: 8 when they divide the channels

}  // namespace latentlab
