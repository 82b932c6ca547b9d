#include "engine/kernels/onednn_conv.h"

#include <torch/torch.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>

#ifdef LATENTLAB_HAVE_ONEDNN
#include <dnnl.hpp>
#endif

namespace latentlab {

namespace {

std::atomic<int> g_enabled{-1};  // -1: not read from the environment yet

}  // namespace

bool onednnConvEnabled() {
#ifdef LATENTLAB_HAVE_ONEDNN
  int v = g_enabled.load();
  if (v < 0) {
    const char* env = std::getenv("LATENTLAB_ONEDNN_CONV");
    v = env && std::strcmp(env, "0") == 0 ? 0 : 1;
    g_enabled.store(v);
  }
  return v == 1;
#else
  return false;
#endif
}

void setOnednnConvEnabled(bool on) { g_enabled.store(on ? 1 : 0); }

bool onednnConvApplies(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  if (!onednnConvEnabled()) return false;
  if (x.dim() != 4 || weight.dim() != 4 || !x.device().is_cpu() || !weight.device().is_cpu()) return false;
  if (x.scalar_type() != torch::kFloat || weight.scalar_type() != torch::kFloat) return false;
  if (!x.is_contiguous(at::MemoryFormat::ChannelsLast) || x.size(1) != weight.size(1)) return false;
  if (bias.defined() && (!bias.device().is_cpu() || bias.scalar_type() != torch::kFloat || bias.numel() != weight.size(0)))
    return false;
  const bool wantsGrad = x.requires_grad() || weight.requires_grad() || (bias.defined() && bias.requires_grad());
  return !(wantsGrad && torch::GradMode::is_enabled());
}

#ifdef LATENTLAB_HAVE_ONEDNN

namespace {

using Tag = dnnl::memory::format_tag;
using Dt = dnnl::memory::data_type;

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

int64_t versionOf(const torch::Tensor& t) { return !t.defined() || t.is_inference() ? 0 : int64_t(t._version()); }

// One layer at one input shape: the primitive and the weights in its layout.
struct Prepared {
  dnnl::convolution_forward conv;
  dnnl::memory weights, bias;
  dnnl::memory::desc src, dst;
  size_t scratchBytes = 0;
  int64_t outH = 0, outW = 0;
};

}  // namespace

struct OnednnConvCache::Impl {
  struct Layer {
    torch::Tensor weight, bias;  // the module's tensors, to notice a replacement
    int64_t weightVersion = -1, biasVersion = -1;
    torch::Tensor packedBias;    // owned copy (zeros when the layer has none)
    std::map<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t>, std::shared_ptr<Prepared>> shapes;
    std::deque<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t>> order;  // oldest first
  };
  std::mutex mutex;
  std::unordered_map<const void*, Layer> layers;
};

namespace {

constexpr size_t kShapesPerLayer = 8;  // batch 1, guided pairs, micro-batches and their remainders

std::shared_ptr<Prepared> prepare(const torch::Tensor& weight, const torch::Tensor& bias, int64_t n, int64_t h, int64_t w,
                                  int64_t stride, int64_t padding) {
  auto p = std::make_shared<Prepared>();
  const int64_t cout = weight.size(0), cin = weight.size(1), kh = weight.size(2), kw = weight.size(3);
  p->outH = (h + 2 * padding - kh) / stride + 1;
  p->outW = (w + 2 * padding - kw) / stride + 1;
  p->src = dnnl::memory::desc({n, cin, h, w}, Dt::f32, Tag::nhwc);
  p->dst = dnnl::memory::desc({n, cout, p->outH, p->outW}, Dt::f32, Tag::nhwc);
  const dnnl::memory::desc weightsAny({cout, cin, kh, kw}, Dt::f32, Tag::any), biasDesc({cout}, Dt::f32, Tag::x);
  dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, p->src,
                                    weightsAny, biasDesc, p->dst, {stride, stride}, {padding, padding},
                                    {padding, padding});
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);  // concurrent calls each bring their own
  dnnl::convolution_forward::primitive_desc pd(d, attr, cpuEngine());
  p->conv = dnnl::convolution_forward(pd);
  p->scratchBytes = pd.scratchpad_desc().get_size();
  auto plain = weight.contiguous();
  dnnl::memory user({{cout, cin, kh, kw}, Dt::f32, Tag::oihw}, cpuEngine(), plain.data_ptr<float>());
  p->weights = dnnl::memory(pd.weights_desc(), cpuEngine());
  dnnl::stream s(cpuEngine());
  dnnl::reorder(user, p->weights).execute(s, user, p->weights);
  s.wait();
  p->bias = dnnl::memory(biasDesc, cpuEngine(), bias.data_ptr<float>());
  return p;
}

}  // namespace

OnednnConvCache::OnednnConvCache() : m_impl(std::make_unique<Impl>()) {}
OnednnConvCache::~OnednnConvCache() = default;

torch::Tensor OnednnConvCache::run(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                   int64_t stride, int64_t padding) {
  const auto key = std::make_tuple(x.size(0), x.size(2), x.size(3), stride, padding);
  std::shared_ptr<Prepared> p;
  torch::Tensor keepBias;
  try {
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    auto& layer = m_impl->layers[weight.unsafeGetTensorImpl()];
    const bool sameBias = bias.defined() ? layer.bias.defined() && layer.bias.is_same(bias) : !layer.bias.defined();
    if (!layer.weight.defined() || !layer.weight.is_same(weight) || layer.weightVersion != versionOf(weight) ||
        !sameBias || layer.biasVersion != versionOf(bias)) {
      c10::InferenceMode normalTensors(false);
      torch::NoGradGuard noGrad;
      layer = Impl::Layer{};
      layer.weight = weight, layer.bias = bias;
      layer.weightVersion = versionOf(weight), layer.biasVersion = versionOf(bias);
      layer.packedBias = bias.defined() ? bias.detach().clone().contiguous() : torch::zeros({weight.size(0)});
    }
    auto it = layer.shapes.find(key);
    if (it == layer.shapes.end()) {
      if (layer.shapes.size() >= kShapesPerLayer) {
        layer.shapes.erase(layer.order.front());
        layer.order.pop_front();
      }
      std::shared_ptr<Prepared> made;  // stays empty for a shape oneDNN has no kernel for on this machine
      try {
        made = prepare(weight.detach(), layer.packedBias, x.size(0), x.size(2), x.size(3), stride, padding);
      } catch (const dnnl::error&) {
      }
      it = layer.shapes.emplace(key, made).first;
      layer.order.push_back(key);
    }
    p = it->second;
    keepBias = layer.packedBias;  // alive while this call runs, whatever another thread repacks
  } catch (const dnnl::error&) {
    p.reset();  // (the CPU engine itself could not be made)
  }
  if (!p) return torch::conv2d(x, weight, bias, stride, padding);  // LibTorch: the same result
  auto y = torch::empty({x.size(0), weight.size(0), p->outH, p->outW},
                        torch::TensorOptions(torch::kFloat).memory_format(at::MemoryFormat::ChannelsLast));
  auto scratch = torch::empty({int64_t(p->scratchBytes)}, torch::kUInt8);
  auto& engine = cpuEngine();
  thread_local dnnl::stream stream(cpuEngine());
  dnnl::memory src(p->src, engine, x.data_ptr()), dst(p->dst, engine, y.data_ptr());
  dnnl::memory pad({{int64_t(p->scratchBytes)}, Dt::u8, Tag::x}, engine, scratch.data_ptr());
  p->conv.execute(stream, {{DNNL_ARG_SRC, src},
                           {DNNL_ARG_WEIGHTS, p->weights},
                           {DNNL_ARG_BIAS, p->bias},
                           {DNNL_ARG_DST, dst},
                           {DNNL_ARG_SCRATCHPAD, pad}});
  stream.wait();
  return y;
}

#else  // built without oneDNN: never applies, so never called

struct OnednnConvCache::Impl {};
OnednnConvCache::OnednnConvCache() : m_impl(std::make_unique<Impl>()) {}
OnednnConvCache::~OnednnConvCache() = default;
torch::Tensor OnednnConvCache::run(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                   int64_t stride, int64_t padding) {
  auto b = bias.defined() ? bias : torch::Tensor();
  return torch::conv2d(x, weight, b, stride, padding);
}

#endif

}  // namespace latentlab
