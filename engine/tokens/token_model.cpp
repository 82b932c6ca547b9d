#include "engine/tokens/token_model.h"

#include <torch/torch.h>

#include <mutex>

#include "engine/data/image_tensor.h"
#include "engine/models/vq_bundle.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

TokenSampling toSampling(const TokenSettings& s) {
  TokenSampling t;
  t.temperature = s.temperature, t.topK = s.topK, t.topP = s.topP, t.greedy = s.greedy;
  return t;
}

class TokenModelImpl : public TokenModel {
 public:
  explicit TokenModelImpl(std::shared_ptr<VqBundle> b) : m_b(std::move(b)) {
    torch::InferenceMode guard;
    const auto& c = m_b->vq->config();
    auto blank = m_b->vq->encode(torch::zeros({1, c.imageChannels, c.imageHeight, c.imageWidth}).to(m_b->device));
    auto flat = blank.flatten().cpu();
    m_blank.assign(flat.data_ptr<int64_t>(), flat.data_ptr<int64_t>() + flat.numel());
  }

  std::string name() const override { return m_b->manifest.name; }
  int rows() const override { return m_b->vq->config().tokensHigh(); }
  int cols() const override { return m_b->vq->config().tokensWide(); }
  int codebookSize() const override { return m_b->vq->config().codebookSize; }
  int numClasses() const override { return m_b->numClasses(); }
  std::vector<std::string> classNames() const override { return m_b->manifest.classes; }
  bool canSample() const override { return m_b->canSample(); }
  TokenSettings recommended() const override {
    const TokenSampling& r = m_b->recommended;
    return {r.temperature, r.topK, r.topP, r.greedy};
  }

  std::vector<int> sample(int cls, const std::vector<int>& prefix, const TokenSettings& s, uint64_t seed) const override {
    std::lock_guard<std::mutex> lock(m_mutex);
    torch::InferenceMode guard;
    requirePrior();
    auto out = sampleTokens(*m_b->prior, classTensor(cls), 1, prefixTensor(prefix), toSampling(s), seed);
    return toVector(out[0]);
  }

  std::vector<int> sampleSteps(int cls, const std::vector<int>& prefix, const TokenSettings& s, uint64_t seed,
                               const TokenDrawnFn& onStep, CancelToken cancel) const override {
    std::lock_guard<std::mutex> lock(m_mutex);
    torch::InferenceMode guard;
    requirePrior();
    TokenStepFn step;
    if (onStep)
      step = [&](int64_t position, const torch::Tensor& soFar) {
        onStep(int(position), int(soFar[0][position].item<int64_t>()));
      };
    auto out = sampleTokens(*m_b->prior, classTensor(cls), 1, prefixTensor(prefix), toSampling(s), seed, step, cancel);
    return toVector(out[0]);
  }

  NextTokenView nextToken(int cls, const std::vector<int>& prefix, const TokenSettings& s, int shown) const override {
    std::lock_guard<std::mutex> lock(m_mutex);
    torch::InferenceMode guard;
    requirePrior();
    if (int(prefix.size()) >= length()) throw BadInput("the grid is complete: there is no next token");
    auto logits = m_b->prior->forward(classTensor(cls), prefixTensor(prefix, true)).select(1, int64_t(prefix.size()))[0];
    logits = logits.to(torch::kCPU, torch::kDouble);
    auto model = torch::softmax(logits, 0);
    const bool greedy = s.greedy || !(s.temperature > 0);
    TokenSampling t = toSampling(s);
    if (greedy) t.temperature = 1.0, t.topK = 1, t.topP = 1.0;  // greedy = keep only the argmax
    auto tempered = torch::softmax(logits / t.temperature, 0);
    auto sampled = filteredLogProbs(logits.unsqueeze(0), t)[0].exp();
    auto kept = sampled.gt(0);
    NextTokenView v;
    v.position = int(prefix.size());
    v.keptMass = tempered.masked_select(kept).sum().item<double>();
    v.keptCount = int(kept.sum().item<int64_t>());
    auto order = std::get<1>(model.sort(0, true));
    for (int i = 0; i < std::min<int64_t>(shown, order.size(0)); ++i) {
      int64_t k = order[i].item<int64_t>();
      v.tokens.push_back(int(k));
      v.probModel.push_back(float(model[k].item<double>()));
      v.probTempered.push_back(float(tempered[k].item<double>()));
      v.probSampled.push_back(float(sampled[k].item<double>()));
      v.kept.push_back(kept[k].item<bool>());
    }
    return v;
  }

  std::vector<TokenBeamView> beams(int cls, int width, const std::vector<int>& prefix) const override {
    std::lock_guard<std::mutex> lock(m_mutex);
    torch::InferenceMode guard;
    requirePrior();
    if (width < 1 || width > 8) throw BadInput("beam width must be in 1..8");
    std::vector<TokenBeamView> out;
    for (auto& b : beamSearch(*m_b->prior, clampClass(cls), width, prefixTensor(prefix)))
      out.push_back({std::vector<int>(b.tokens.begin(), b.tokens.end()), b.logProb});
    return out;
  }

  Image decode(const std::vector<int>& tokens) const override {
    if (int(tokens.size()) != length())
      throw BadInput("a token grid needs " + std::to_string(length()) + " tokens, got " + std::to_string(tokens.size()));
    std::vector<int64_t> t(tokens.size());
    for (size_t i = 0; i < tokens.size(); ++i) t[i] = tokens[i] < 0 ? m_blank[i] : tokens[i];
    std::lock_guard<std::mutex> lock(m_mutex);
    torch::InferenceMode guard;
    return tensorToImages(m_b->decodeTokens(torch::tensor(t, torch::kLong).unsqueeze(0)).cpu())[0];
  }

  std::vector<int> encode(const Image& image) const override {
    const auto& c = m_b->vq->config();
    if (image.width != c.imageWidth || image.height != c.imageHeight)
      throw BadInput("the image is " + std::to_string(image.width) + " x " + std::to_string(image.height) +
                     ", this model takes " + std::to_string(c.imageWidth) + " x " + std::to_string(c.imageHeight));
    std::lock_guard<std::mutex> lock(m_mutex);
    torch::InferenceMode guard;
    auto x = imagesToTensor({image});
    if (x.size(1) != c.imageChannels) x = c.imageChannels == 1 ? x.mean(1, true) : x.expand({1, c.imageChannels, -1, -1});
    return toVector(m_b->vq->encode(x.to(m_b->device)).flatten());
  }

  std::vector<Image> decodeBatch(const std::vector<std::vector<int>>& grids) const override {
    std::vector<Image> out;
    for (size_t start = 0; start < grids.size(); start += 64) {
      const size_t n = std::min<size_t>(64, grids.size() - start);
      std::vector<int64_t> t;
      t.reserve(n * size_t(length()));
      for (size_t g = start; g < start + n; ++g) {
        if (int(grids[g].size()) != length())
          throw BadInput("a token grid needs " + std::to_string(length()) + " tokens, got " +
                         std::to_string(grids[g].size()));
        for (int i = 0; i < length(); ++i) {
          int v = grids[g][size_t(i)];
          if (v >= codebookSize()) throw BadInput("token " + std::to_string(v) + " is out of range");
          t.push_back(v < 0 ? m_blank[size_t(i)] : v);
        }
      }
      std::lock_guard<std::mutex> lock(m_mutex);
      torch::InferenceMode guard;
      auto imgs = tensorToImages(m_b->decodeTokens(torch::tensor(t, torch::kLong).view({int64_t(n), length()})).cpu());
      out.insert(out.end(), imgs.begin(), imgs.end());
    }
    return out;
  }

  std::vector<int64_t> codeUsage(const Dataset& data, int64_t limit, const std::function<void(double)>& progress,
                                 CancelToken cancel) const override {
    const auto& c = m_b->vq->config();
    if (data.width != c.imageWidth || data.height != c.imageHeight)
      throw BadInput(data.spec + ": images are " + std::to_string(data.width) + " x " + std::to_string(data.height) +
                     ", this model takes " + std::to_string(c.imageWidth) + " x " + std::to_string(c.imageHeight));
    const int64_t n = limit > 0 ? std::min(limit, data.count) : data.count;
    std::vector<int64_t> counts(size_t(codebookSize()), 0);
    for (int64_t start = 0; start < n; start += 256) {
      cancel.throwIfCancelled();
      const int64_t end = std::min(n, start + 256);
      std::lock_guard<std::mutex> lock(m_mutex);
      torch::InferenceMode guard;
      auto x = datasetToTensor(data, start, end);
      if (x.size(1) != c.imageChannels) x = c.imageChannels == 1 ? x.mean(1, true) : x.expand({-1, c.imageChannels, -1, -1});
      auto codes = m_b->vq->encode(x.to(m_b->device)).flatten().cpu();
      auto hist = torch::bincount(codes, {}, codebookSize());
      for (int k = 0; k < codebookSize(); ++k) counts[size_t(k)] += hist[k].item<int64_t>();
      if (progress) progress(double(end) / double(std::max<int64_t>(n, 1)));
    }
    return counts;
  }

  CodebookMap codebookMap() const override {
    std::lock_guard<std::mutex> lock(m_mutex);
    torch::InferenceMode guard;
    auto e = m_b->vq->quantizer()->embedding().to(torch::kCPU, torch::kDouble);
    auto centred = e - e.mean(0, true);
    // Principal axes of the codes: the right singular vectors of the centred embeddings.
    auto svd = torch::linalg::svd(centred, false, c10::nullopt);
    torch::Tensor S = std::get<1>(svd), V = std::get<2>(svd);  // V: rows are the axes
    auto proj = centred.matmul(V.slice(0, 0, 2).t());
    // A fixed sign (the largest-magnitude coordinate positive) so the map does not flip between runs.
    for (int a = 0; a < 2; ++a) {
      auto col = proj.select(1, a);
      if (col[col.abs().argmax()].item<double>() < 0) col.neg_();
    }
    CodebookMap m;
    auto var = S.pow(2);
    const double total = var.sum().item<double>();
    for (int a = 0; a < 2 && a < var.size(0); ++a) m.varianceShare[a] = total > 0 ? var[a].item<double>() / total : 0;
    for (int64_t k = 0; k < proj.size(0); ++k) {
      m.x.push_back(float(proj[k][0].item<double>()));
      m.y.push_back(float(proj[k][1].item<double>()));
    }
    return m;
  }

  std::string dir() const override { return m_b->dir; }
  std::string device() const override { return m_b->device.str(); }

  Image codeImage(int code) const override {
    if (code < 0 || code >= codebookSize()) throw BadInput("code " + std::to_string(code) + " is out of range");
    return decode(std::vector<int>(size_t(length()), code));
  }

  std::vector<int> blankTokens() const override { return {m_blank.begin(), m_blank.end()}; }

 private:
  void requirePrior() const {
    if (!m_b->canSample()) throw BadInput(m_b->dir + ": this bundle has no prior to sample with");
  }
  int64_t clampClass(int cls) const {
    if (numClasses() == 0) return 0;
    if (cls < 0 || cls >= numClasses()) throw BadInput("class " + std::to_string(cls) + " is out of range");
    return cls;
  }
  torch::Tensor classTensor(int cls) const { return torch::tensor({clampClass(cls)}, torch::kLong).to(m_b->device); }
  // 1 x P; `forModel`: the prefix fed to forward(), at most length - 1 tokens.
  torch::Tensor prefixTensor(const std::vector<int>& prefix, bool forModel = false) const {
    if (int(prefix.size()) > length()) throw BadInput("the prefix is longer than the grid");
    for (int t : prefix)
      if (t < 0 || t >= codebookSize()) throw BadInput("token " + std::to_string(t) + " is out of range");
    if (prefix.empty()) return forModel ? torch::zeros({1, 0}, torch::kLong) : torch::Tensor();
    return torch::tensor(std::vector<int64_t>(prefix.begin(), prefix.end()), torch::kLong).unsqueeze(0);
  }
  static std::vector<int> toVector(const torch::Tensor& t) {
    auto c = t.to(torch::kCPU, torch::kLong).contiguous();
    return std::vector<int>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
  }

  std::shared_ptr<VqBundle> m_b;
  std::vector<int64_t> m_blank;
  mutable std::mutex m_mutex;
};

}  // namespace

std::shared_ptr<TokenModel> TokenModel::open(const std::string& dir, const std::string& device) {
  return std::make_shared<TokenModelImpl>(loadVqBundle(dir, pickDevice(device)));
}

}  // namespace latentlab
