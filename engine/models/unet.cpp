#include "engine/models/unet.h"

#include <torch/torch.h>

#include <atomic>
#include <cmath>

#include "engine/kernels/group_norm_silu.h"
#include "engine/models/timestep_embedding.h"
#include "engine/models/unet_profile.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace nn = torch::nn;

int groupsFor(int channels) {
  for (int g : {8, 4, 2})
    if (channels % g == 0) return g;
  return 1;
}

UNetConfig UNetConfig::fromJson(const nlohmann::json& j, int c, int h, int w, int numClasses,
                                const std::string& where) {
  UNetConfig cfg;
  cfg.imageChannels = c, cfg.imageHeight = h, cfg.imageWidth = w, cfg.numClasses = numClasses;
  if (j.contains("channels")) {
    const auto& ch = j["channels"];
    if (!ch.is_array() || ch.empty() || ch.size() > 5)
      throw BadInput(where + ": config.channels must be an array of 1 to 5 channel counts, e.g. [32, 64, 64]");
    cfg.channels.clear();
    for (auto& v : ch) {
      if (!v.is_number_integer() || v.get<int>() < 1 || v.get<int>() > 1024)
        throw BadInput(where + ": config.channels entries must be integers in 1..1024");
      cfg.channels.push_back(v.get<int>());
    }
  }
  if (j.contains("emb_dim")) {
    if (!j["emb_dim"].is_number_integer() || j["emb_dim"].get<int>() < 2 || j["emb_dim"].get<int>() > 4096)
      throw BadInput(where + ": config.emb_dim must be an integer in 2..4096");
    cfg.embDim = j["emb_dim"].get<int>();
  }
  if (j.contains("attention")) {
    if (!j["attention"].is_boolean()) throw BadInput(where + ": config.attention must be true or false");
    cfg.attention = j["attention"].get<bool>();
  }
  int div = 1 << (cfg.channels.size() - 1);
  if (h % div || w % div)
    throw BadInput(where + ": a unet with " + std::to_string(cfg.channels.size()) +
                   " levels needs image height and width divisible by " + std::to_string(div));
  return cfg;
}

nlohmann::json UNetConfig::toJson() const {
  return {{"channels", channels}, {"emb_dim", embDim}, {"attention", attention}};
}

ResBlockImpl::ResBlockImpl(int in, int out, int embDim) {
  m_norm1 = register_module("norm1", nn::GroupNorm(groupsFor(in), in));
  m_conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1)));
  m_emb = register_module("emb", nn::Linear(embDim, out));
  m_norm2 = register_module("norm2", nn::GroupNorm(groupsFor(out), out));
  m_conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(out, out, 3).padding(1)));
  if (in != out) m_skip = register_module("skip", nn::Conv2d(nn::Conv2dOptions(in, out, 1)));
  // A residual block starts as the identity: training is stabler and faster that way.
  torch::NoGradGuard g;
  m_conv2->weight.zero_();
  m_conv2->bias.zero_();
}

namespace {

torch::Tensor normSilu(torch::nn::GroupNorm& norm, const torch::Tensor& x, const torch::Tensor& bias = {},
                       bool inPlace = false) {
  UNetProfileScope profile(UNetProfileScope::Norm);
  return groupNormSilu(x, norm->options.num_groups(), norm->weight, norm->bias, norm->options.eps(), bias, inPlace);
}

}  // namespace

namespace {

std::atomic<UNetLayout> g_layout{UNetLayout::Auto};

}  // namespace

void setUNetInferenceLayout(UNetLayout layout) { g_layout = layout; }
UNetLayout unetInferenceLayout() { return g_layout.load(); }

torch::Tensor ChannelsLastConvs::operator()(torch::nn::Conv2dImpl& conv, const torch::Tensor& x) {
  const auto& w = conv.weight;
  const auto& o = conv.options;
  const auto stride = *o.stride(), dilation = *o.dilation();
  const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
  if (padding && stride[0] == stride[1] && (**padding)[0] == (**padding)[1] && dilation[0] == 1 && dilation[1] == 1 &&
      o.groups() == 1 && onednnConvApplies(x, w, conv.bias))
    return m_onednn.run(x, w, conv.bias, stride[0], (**padding)[0]);
  const int64_t version = w.is_inference() ? 0 : int64_t(w._version());
  torch::Tensor copy;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    auto& e = m_entries[w.unsafeGetTensorImpl()];
    if (!e.copy.defined() || !e.source.is_same(w) || e.version != version) {
      c10::InferenceMode normalTensors(false);  // usable outside InferenceMode too
      torch::NoGradGuard noGrad;
      e = {w, w.contiguous(at::MemoryFormat::ChannelsLast), version};
    }
    copy = e.copy;
  }
  auto pair = [](const torch::ExpandingArray<2>& a) { return std::vector<int64_t>{a->at(0), a->at(1)}; };
  return torch::conv2d(x, copy, conv.bias, pair(o.stride()), pair(c10::get<torch::ExpandingArray<2>>(o.padding())),
                       pair(o.dilation()), o.groups());
}

namespace {

torch::Tensor convWith(ChannelsLastConvs* cl, nn::Conv2dImpl& m, const torch::Tensor& in) {
  UNetProfileScope profile(UNetProfileScope::Conv);
  auto y = cl ? (*cl)(m, in) : m.forward(in);
  const auto& o = m.options;
  profile.addMultiplyAdds(double(y.numel()) * double(o.in_channels() / o.groups()) * double(o.kernel_size()->at(0)) *
                          double(o.kernel_size()->at(1)));
  return y;
}

}  // namespace

torch::Tensor ResBlockImpl::firstConv(const torch::Tensor& x, ChannelsLastConvs* cl) {
  return convWith(cl, *m_conv1, normSilu(m_norm1, x));
}

torch::Tensor ResBlockImpl::finish(const torch::Tensor& x, torch::Tensor h, const torch::Tensor& emb,
                                   ChannelsLastConvs* cl) {
  h = convWith(cl, *m_conv2, normSilu(m_norm2, h, m_emb(emb), true));
  return h.add_(m_skip ? convWith(cl, *m_skip, x) : x);
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& emb, ChannelsLastConvs* cl) {
  // Inference: norm + SiLU fused, the embedding added inside the second norm, the
  // conv output reused in place (engine/kernels/group_norm_silu.h). Same numbers.
  if (groupNormSiluApplies(x, m_norm1->weight, m_norm1->bias, emb)) return finish(x, firstConv(x, cl), emb, cl);
  auto h = m_conv1(torch::silu(m_norm1(x)));
  h = h + m_emb(emb).unsqueeze(-1).unsqueeze(-1);
  h = m_conv2(torch::silu(m_norm2(h)));
  return h + (m_skip ? m_skip(x) : x);
}

SelfAttentionImpl::SelfAttentionImpl(int channels) {
  m_norm = register_module("norm", nn::GroupNorm(groupsFor(channels), channels));
  m_qkv = register_module("qkv", nn::Conv2d(nn::Conv2dOptions(channels, 3 * channels, 1)));
  m_out = register_module("out", nn::Conv2d(nn::Conv2dOptions(channels, channels, 1)));
  torch::NoGradGuard g;
  m_out->weight.zero_();
  m_out->bias.zero_();
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x) {
  const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
  auto qkv = m_qkv(m_norm(x)).reshape({n, 3, c, hw});
  auto q = qkv.select(1, 0), k = qkv.select(1, 1), v = qkv.select(1, 2);  // n x c x hw
  auto attn = torch::softmax(torch::bmm(q.transpose(1, 2), k) / std::sqrt(double(c)), -1);  // n x hw x hw
  auto out = torch::bmm(v, attn.transpose(1, 2)).reshape(x.sizes());
  return x + m_out(out);
}

UNetImpl::UNetImpl(const UNetConfig& cfg) : m_cfg(cfg) {
  const auto& ch = cfg.channels;
  const int levels = int(ch.size()), e = cfg.embDim;
  m_timeMlp = register_module("time_mlp", nn::Sequential(nn::Linear(ch[0], e), nn::SiLU(), nn::Linear(e, e)));
  if (cfg.numClasses > 0) m_classEmb = register_module("class_emb", nn::Embedding(cfg.numClasses + 1, e));
  m_convIn = register_module("conv_in", nn::Conv2d(nn::Conv2dOptions(cfg.imageChannels, ch[0], 3).padding(1)));
  m_down = register_module("down", nn::ModuleList());
  m_downsample = register_module("downsample", nn::ModuleList());
  m_up = register_module("up", nn::ModuleList());
  m_upsample = register_module("upsample", nn::ModuleList());
  for (int l = 0; l < levels; ++l) {
    m_down->push_back(ResBlock(l ? ch[l - 1] : ch[0], ch[l], e));
    if (l + 1 < levels) m_downsample->push_back(nn::Conv2d(nn::Conv2dOptions(ch[l], ch[l], 3).stride(2).padding(1)));
  }
  m_mid1 = register_module("mid1", ResBlock(ch.back(), ch.back(), e));
  if (cfg.attention) m_attn = register_module("attn", SelfAttention(ch.back()));
  m_mid2 = register_module("mid2", ResBlock(ch.back(), ch.back(), e));
  for (int l = 0; l < levels; ++l) {
    m_up->push_back(ResBlock(2 * ch[l], ch[l], e));
    // Channels change at the low resolution, before upsampling: 4x cheaper than after.
    if (l > 0) m_upsample->push_back(nn::Conv2d(nn::Conv2dOptions(ch[l], ch[l - 1], 3).padding(1)));
  }
  m_normOut = register_module("norm_out", nn::GroupNorm(groupsFor(ch[0]), ch[0]));
  m_convOut = register_module("conv_out", nn::Conv2d(nn::Conv2dOptions(ch[0], cfg.imageChannels, 3).padding(1)));
}

torch::Tensor UNetImpl::embedding(const torch::Tensor& t, const torch::Tensor& classes, int64_t rows,
                                 const torch::Tensor& like) {
  auto emb = m_timeMlp->forward(timestepEmbedding(t, m_cfg.channels[0]).to(like.dtype()));
  if (m_classEmb) {
    auto c = classes.defined() ? classes.to(torch::kLong)
                               : torch::full({rows}, m_cfg.numClasses, torch::TensorOptions(torch::kLong).device(like.device()));
    emb = emb + m_classEmb(c);
  }
  return torch::silu(emb);
}

torch::Tensor UNetImpl::forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& classes) {
  auto emb = embedding(t, classes, x.size(0), x);
  ChannelsLastConvs* cl = useChannelsLast(x) ? m_clConvs.get() : nullptr;
  return trunk(convWith(cl, *m_convIn, cl ? x.contiguous(at::MemoryFormat::ChannelsLast) : x), {}, emb, cl);
}

torch::Tensor UNetImpl::forwardGuided(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& classes) {
  auto c = classes.defined() ? classes.to(torch::kLong)
                             : torch::full({x.size(0)}, m_cfg.numClasses, torch::TensorOptions(torch::kLong).device(x.device()));
  auto t2 = torch::cat({t, t}), c2 = torch::cat({c, torch::full_like(c, m_cfg.numClasses)});
  ChannelsLastConvs* cl = useChannelsLast(x) ? m_clConvs.get() : nullptr;
  if (!cl) return forward(torch::cat({x, x}), t2, c2);  // training, CUDA, doubles: LibTorch as it is
  auto emb = embedding(t2, c2, 2 * x.size(0), x);
  auto h = convWith(cl, *m_convIn, x.contiguous(at::MemoryFormat::ChannelsLast));
  auto first = m_down[0]->as<ResBlock>()->firstConv(h, cl);
  // (cat keeps channels-last.) The copies cost far less than the convolution they replace.
  return trunk(torch::cat({h, h}), torch::cat({first, first}), emb, cl);
}

torch::Tensor UNetImpl::trunk(torch::Tensor h, const torch::Tensor& first, const torch::Tensor& emb,
                              ChannelsLastConvs* cl) {
  const int levels = int(m_cfg.channels.size());
  std::vector<torch::Tensor> skips;
  for (int l = 0; l < levels; ++l) {
    auto block = m_down[size_t(l)]->as<ResBlock>();
    h = l == 0 && first.defined() ? block->finish(h, first, emb, cl) : block->forward(h, emb, cl);
    skips.push_back(h);
    if (l + 1 < levels) h = convWith(cl, *m_downsample[size_t(l)]->as<nn::Conv2d>(), h);
  }
  h = m_mid1->forward(h, emb, cl);
  // Attention at the lowest resolution is small (7 x 7 positions): channels-first there.
  if (m_attn) {
    UNetProfileScope profile(UNetProfileScope::Attention);
    h = cl ? m_attn(h.contiguous()).contiguous(at::MemoryFormat::ChannelsLast) : m_attn(h);
  }
  h = m_mid2->forward(h, emb, cl);
  for (int l = levels - 1; l >= 0; --l) {
    // (LibTorch's cat keeps channels-last and ran as fast as a hand-written copy loop.)
    h = m_up[size_t(l)]->as<ResBlock>()->forward(torch::cat({h, skips[size_t(l)]}, 1), emb, cl);
    if (l > 0) {
      h = convWith(cl, *m_upsample[size_t(l - 1)]->as<nn::Conv2d>(), h);
      h = torch::upsample_nearest2d(h, {h.size(2) * 2, h.size(3) * 2});
    }
  }
  return convWith(cl, *m_convOut, normSilu(m_normOut, h, {}, true)).contiguous();
}

bool UNetImpl::useChannelsLast(const torch::Tensor& x) const {
  const auto layout = unetInferenceLayout();
  if (layout == UNetLayout::ChannelsFirst || x.dim() != 4) return false;
  if (!groupNormSiluApplies(x, m_normOut->weight, m_normOut->bias, {})) return false;  // training, CUDA, doubles
  return true;
}

}  // namespace latentlab
