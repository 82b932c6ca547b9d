#include "engine/models/vq_vae.h"

#include <torch/torch.h>

#include <cmath>

#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

namespace latentlab {

namespace nn = torch::nn;

VqVaeConfig VqVaeConfig::fromJson(const nlohmann::json& j, int c, int h, int w, const std::string& where) {
  VqVaeConfig cfg;
  cfg.imageChannels = c, cfg.imageHeight = h, cfg.imageWidth = w;
  if (!j.is_object()) throw BadInput(where + ": config must be an object");
  auto getInt = [&](const char* key, int& out, int lo, int hi) { readConfigInt(j, key, out, lo, hi, where); };
  getInt("codebook_size", cfg.codebookSize, 2, 65536);
  getInt("code_dim", cfg.codeDim, 1, 4096);
  getInt("res_blocks", cfg.resBlocks, 0, 16);
  if (j.contains("channels")) {
    const auto& ch = j["channels"];
    bool ok = ch.is_array() && ch.size() == 2;
    for (size_t i = 0; ok && i < 2; ++i)
      ok = ch[i].is_number_integer() && ch[i].get<int64_t>() >= 2 && ch[i].get<int64_t>() <= 4096;
    if (!ok) throw BadInput(where + ": config.channels must be two integers in 2..4096, e.g. [32, 64]");
    cfg.channels1 = ch[0].get<int>(), cfg.channels2 = ch[1].get<int>();
  }
  if (h % 4 || w % 4) throw BadInput(where + ": vq-vae needs image height and width divisible by 4");
  return cfg;
}

nlohmann::json VqVaeConfig::toJson() const {
  return {{"codebook_size", codebookSize},
          {"code_dim", codeDim},
          {"channels", {channels1, channels2}},
          {"res_blocks", resBlocks}};
}

// ---- codebook ---------------------------------------------------------------------------

VectorQuantizerImpl::VectorQuantizerImpl(int k, int d) {
  // Before k-means replaces it: small random codes, so an untrained model still decodes.
  m_embedding = register_buffer("embedding", torch::randn({k, d}) * 0.1);
  m_clusterSize = register_buffer("cluster_size", torch::ones({k}));
  m_embedSum = register_buffer("embed_sum", m_embedding.clone());
  m_usage = register_buffer("usage", torch::ones({k}));
  m_initialized = register_buffer("initialized", torch::zeros({1}));
}

torch::Tensor VectorQuantizerImpl::nearest(const torch::Tensor& z) const {
  // |z - e|^2 = |z|^2 - 2 z.e + |e|^2; |z|^2 does not change the argmin.
  auto d = m_embedding.pow(2).sum(1).unsqueeze(0) - 2 * torch::matmul(z, m_embedding.t());
  return d.argmin(1);
}

torch::Tensor VectorQuantizerImpl::lookup(const torch::Tensor& indices) const {
  return torch::embedding(m_embedding, indices);
}

void VectorQuantizerImpl::kmeansInit(const torch::Tensor& zIn, int iters, at::Generator gen) {
  torch::NoGradGuard ng;
  auto z = zIn.detach().to(torch::kFloat);
  const int64_t k = m_embedding.size(0), m = z.size(0);
  torch::Tensor pick = m >= k ? torch::randperm(m, gen, torch::kLong).slice(0, 0, k)
                              : torch::randint(m, {k}, gen, torch::kLong);
  auto centres = z.index_select(0, pick.to(z.device())).clone();
  torch::Tensor counts;
  for (int it = 0; it <= iters; ++it) {
    auto d = centres.pow(2).sum(1).unsqueeze(0) - 2 * torch::matmul(z, centres.t());
    auto idx = d.argmin(1);
    counts = torch::zeros({k}, z.options()).index_add_(0, idx, torch::ones({m}, z.options()));
    if (it == iters) break;
    auto sums = torch::zeros_like(centres).index_add_(0, idx, z);
    auto used = counts.gt(0).unsqueeze(1);
    centres = torch::where(used, sums / counts.clamp_min(1).unsqueeze(1), centres);  // empty: keep
  }
  auto c = counts.clamp_min(1);
  m_embedding.copy_(centres);
  m_clusterSize.copy_(c);
  m_embedSum.copy_(centres * c.unsqueeze(1));
  m_usage.copy_(c);
  m_initialized.fill_(1);
}

void VectorQuantizerImpl::emaUpdate(const torch::Tensor& zIn, const torch::Tensor& indices, double decay) {
  torch::NoGradGuard ng;
  auto z = zIn.detach();
  const int64_t k = m_embedding.size(0);
  auto counts = torch::zeros({k}, z.options()).index_add_(0, indices, torch::ones({z.size(0)}, z.options()));
  auto sums = torch::zeros({k, z.size(1)}, z.options()).index_add_(0, indices, z);
  m_clusterSize.mul_(decay).add_(counts, 1 - decay);
  m_usage.mul_(0.9).add_(counts, 0.1);
  m_embedSum.mul_(decay).add_(sums, 1 - decay);
  const double eps = 1e-5;
  auto n = m_clusterSize.sum();
  auto smoothed = (m_clusterSize + eps) / (n + double(k) * eps) * n;  // never divides by 0
  m_embedding.copy_(m_embedSum / smoothed.unsqueeze(1));
}

int VectorQuantizerImpl::restartDead(const torch::Tensor& zIn, double threshold, at::Generator gen) {
  torch::NoGradGuard ng;
  auto dead = m_usage.lt(threshold).nonzero().flatten();
  const int64_t nd = dead.size(0);
  if (nd == 0) return 0;
  auto z = zIn.detach();
  auto rows = torch::randint(z.size(0), {nd}, gen, torch::kLong).to(z.device());
  auto fresh = z.index_select(0, rows);
  m_embedding.index_copy_(0, dead, fresh);
  m_embedSum.index_copy_(0, dead, fresh);
  m_clusterSize.index_fill_(0, dead, 1.0);
  // Mean use per code: the restarted code gets ~10 batches to win vectors before it can die again.
  m_usage.index_fill_(0, dead, double(z.size(0)) / double(m_embedding.size(0)));
  return int(nd);
}

double codebookPerplexity(const torch::Tensor& indices, int k) {
  auto counts = torch::bincount(indices.flatten().to(torch::kCPU), {}, k).to(torch::kDouble);
  auto p = counts / counts.sum().clamp_min(1);
  auto h = -(p * torch::log(p.clamp_min(1e-30))).sum();
  return std::exp(h.item<double>());
}

// ---- network ----------------------------------------------------------------------------

VqResBlockImpl::VqResBlockImpl(int ch) {
  m_conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(ch, std::max(1, ch / 2), 3).padding(1)));
  m_conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(std::max(1, ch / 2), ch, 1)));
}

torch::Tensor VqResBlockImpl::forward(const torch::Tensor& x) {
  return x + m_conv2(torch::relu(m_conv1(torch::relu(x))));
}

VqVaeImpl::VqVaeImpl(const VqVaeConfig& cfg) : m_cfg(cfg) {
  const int c = cfg.imageChannels, c1 = cfg.channels1, c2 = cfg.channels2, d = cfg.codeDim;
  m_enc1 = register_module("enc1", nn::Conv2d(nn::Conv2dOptions(c, c1, 4).stride(2).padding(1)));
  m_enc2 = register_module("enc2", nn::Conv2d(nn::Conv2dOptions(c1, c2, 4).stride(2).padding(1)));
  m_enc3 = register_module("enc3", nn::Conv2d(nn::Conv2dOptions(c2, c2, 3).padding(1)));
  m_encRes = register_module("enc_res", nn::ModuleList());
  for (int i = 0; i < cfg.resBlocks; ++i) m_encRes->push_back(VqResBlock(c2));
  m_encOut = register_module("enc_out", nn::Conv2d(nn::Conv2dOptions(c2, d, 1)));
  m_vq = register_module("vq", VectorQuantizer(cfg.codebookSize, d));
  m_decIn = register_module("dec_in", nn::Conv2d(nn::Conv2dOptions(d, c2, 3).padding(1)));
  m_decRes = register_module("dec_res", nn::ModuleList());
  for (int i = 0; i < cfg.resBlocks; ++i) m_decRes->push_back(VqResBlock(c2));
  m_dec1 = register_module("dec1", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(c2, c1, 4).stride(2).padding(1)));
  m_dec2 = register_module("dec2", nn::ConvTranspose2d(nn::ConvTranspose2dOptions(c1, c, 4).stride(2).padding(1)));
}

torch::Tensor VqVaeImpl::encodeContinuous(const torch::Tensor& x) {
  auto h = torch::relu(m_enc1(x));
  h = m_enc3(torch::relu(m_enc2(h)));
  for (auto& m : *m_encRes) h = m->as<VqResBlockImpl>()->forward(h);
  return m_encOut(torch::relu(h));
}

torch::Tensor VqVaeImpl::quantize(const torch::Tensor& ze) const {
  const int64_t n = ze.size(0), d = ze.size(1), h = ze.size(2), w = ze.size(3);
  auto flat = ze.permute({0, 2, 3, 1}).reshape({n * h * w, d});
  return m_vq->nearest(flat).view({n, h, w});
}

torch::Tensor VqVaeImpl::codes(const torch::Tensor& indices) const {
  return m_vq->lookup(indices).permute({0, 3, 1, 2}).contiguous();
}

torch::Tensor VqVaeImpl::decodeCodes(const torch::Tensor& zq) {
  auto h = m_decIn(zq);
  for (auto& m : *m_decRes) h = m->as<VqResBlockImpl>()->forward(h);
  h = torch::relu(m_dec1(torch::relu(h)));
  return torch::sigmoid(m_dec2(h));
}

}  // namespace latentlab
