// The VAE Train view's engine (see vae_live.h). The step is written out (encode, noise from
// the step's own generator, decode) rather than ConvVae::forward, whose noise comes from the
// global generator: the app's other workers draw from that one too, and a seed must replay.
#include "engine/train/batch_seed.h"
#include "engine/train/vae_live.h"

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <mutex>

#include "engine/data/image_tensor.h"
#include "engine/models/bundle.h"
#include "engine/models/conv_vae.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace fs = std::filesystem;

namespace {
at::Generator stream(uint64_t seed, uint64_t salt, uint64_t i) {
  return at::detail::createCPUGenerator(splitMix64(splitMix64(seed ^ salt) + i));
}

struct Terms {
  torch::Tensor recon, kl, klPerDim;  // per image (recon, kl) and per dimension (batch mean)
};
Terms lossTerms(const torch::Tensor& x, const torch::Tensor& out, const torch::Tensor& mu, const torch::Tensor& logvar) {
  Terms t;
  t.recon = torch::binary_cross_entropy(out, x, {}, at::Reduction::None).flatten(1).sum(1).mean();
  auto klDim = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar);  // B x D
  t.klPerDim = klDim.mean(0);
  t.kl = klDim.sum(1).mean();
  return t;
}
}  // namespace

struct VaeLive::Impl {
  std::mutex mutex;
  VaeLiveOptions o;
  ConvVaeConfig cfg;
  ConvVae model{nullptr};
  std::unique_ptr<torch::optim::Adam> optim;
  torch::Tensor x;                    // training images, N x C x H x W in [0, 1]
  torch::Tensor mapX;                 // map images
  std::vector<int> mapLabels;
  std::vector<std::string> classNames;
  std::string dataSpec;
  torch::Tensor prevU, prevV;         // the last PCA axes (signs kept from map to map)
  int64_t step = 0;
};

VaeLive::VaeLive(const VaeLiveOptions& opts, const Dataset* train, const Dataset* map) : m(std::make_unique<Impl>()) {
  c10::InferenceMode training(false);  // the app's workers run jobs in inference mode
  m->o = opts;
  const VaeLiveOptions& o = m->o;
  if (o.batchSize < 2 || o.batchSize > 4096) throw UsageError("VAE Train view: batch size must be in 2..4096");
  if (!(o.learningRate > 0)) throw UsageError("VAE Train view: the learning rate must be > 0");
  if (!(o.beta >= 0)) throw UsageError("VAE Train view: beta must be >= 0");
  if (o.latentDim < 1 || o.latentDim > 512) throw UsageError("VAE Train view: latent size must be in 1..512");
  if (o.mapCount < 1) throw UsageError("VAE Train view: the map needs at least one image");

  Dataset openedTrain, openedMap;
  if (!train) {
    DatasetOptions d;
    d.limit = o.limit;
    openedTrain = openDataset(o.dataSpec, d);
    train = &openedTrain;
  }
  if (!map) {
    DatasetOptions d;
    d.limit = o.mapCount;
    openedMap = openDataset(o.mapSpec, d);
    map = &openedMap;
  }
  const int64_t n = o.limit > 0 ? std::min(o.limit, train->count) : train->count;
  if (n < o.batchSize)
    throw BadInput(train->spec + ": the VAE Train view needs at least one batch (" + std::to_string(o.batchSize) + " images)");
  if (train->height % 4 || train->width % 4) throw BadInput(train->spec + ": image height and width must be divisible by 4 for conv-vae");
  if (map->channels != train->channels || map->height != train->height || map->width != train->width)
    throw BadInput(map->spec + ": the map's images differ in size from the training images (" + train->spec + ")");
  m->x = datasetToTensor(*train, 0, n);
  const int64_t mn = std::min(o.mapCount, map->count);
  m->mapX = datasetToTensor(*map, 0, mn);
  for (int64_t i = 0; i < mn; ++i) m->mapLabels.push_back(int(map->label(i)));
  m->classNames = !train->classNames.empty() ? train->classNames : map->classNames;
  m->dataSpec = train->spec;

  ConvVaeConfig& cfg = m->cfg;
  cfg.imageChannels = train->channels, cfg.imageHeight = train->height, cfg.imageWidth = train->width;
  cfg.latentDim = o.latentDim, cfg.channels1 = o.channels1, cfg.channels2 = o.channels2, cfg.hidden = o.hidden;
  torch::manual_seed(o.seed);  // initial weights (the global generator, as trainVae does)
  m->model = ConvVae(cfg);
  m->model->train();
  m->optim = std::make_unique<torch::optim::Adam>(m->model->parameters(), torch::optim::AdamOptions(o.learningRate));
}

VaeLive::~VaeLive() = default;

VaeLiveStats VaeLive::step() {
  c10::InferenceMode training(false);
  std::lock_guard<std::mutex> lock(m->mutex);
  Impl& s = *m;
  auto rng = stream(s.o.seed, 0x7AE, uint64_t(s.step));
  auto idx = torch::randint(s.x.size(0), {int64_t(s.o.batchSize)}, rng, torch::TensorOptions(torch::kLong));
  auto x = s.x.index_select(0, idx);
  auto [mu, logvar] = s.model->encode(x);
  auto eps = torch::randn(mu.sizes(), rng, torch::TensorOptions(torch::kFloat));
  auto out = s.model->decode(mu + eps * torch::exp(0.5 * logvar));
  Terms t = lossTerms(x, out, mu, logvar);
  auto loss = t.recon + s.o.beta * t.kl;
  s.optim->zero_grad();
  loss.backward();
  s.optim->step();

  VaeLiveStats st;
  st.loss = loss.item<double>(), st.recon = t.recon.item<double>(), st.kl = t.kl.item<double>();
  st.beta = s.o.beta, st.learningRate = s.o.learningRate;
  auto kd = t.klPerDim.detach().contiguous();
  st.klPerDim.assign(kd.data_ptr<float>(), kd.data_ptr<float>() + kd.numel());
  if (!std::isfinite(st.loss))
    throw BadInput("the VAE diverged (loss is NaN/Inf) at step " + std::to_string(s.step + 1) +
                   "; lower the learning rate and press Reset");
  st.step = ++s.step;
  return st;
}

void VaeLive::setBeta(double beta) {
  if (!(beta >= 0) || !std::isfinite(beta)) throw UsageError("VAE Train view: beta must be >= 0");
  std::lock_guard<std::mutex> lock(m->mutex);
  m->o.beta = beta;
}

void VaeLive::setLearningRate(double lr) {
  if (!(lr > 0) || !std::isfinite(lr)) throw UsageError("VAE Train view: the learning rate must be > 0");
  std::lock_guard<std::mutex> lock(m->mutex);
  m->o.learningRate = lr;
  for (auto& g : m->optim->param_groups()) g.options().set_lr(lr);
}

int64_t VaeLive::steps() const {
  std::lock_guard<std::mutex> lock(m->mutex);
  return m->step;
}
const VaeLiveOptions& VaeLive::options() const { return m->o; }
const std::vector<std::string>& VaeLive::classNames() const { return m->classNames; }

VaeLiveMap VaeLive::encodeMap() {
  c10::InferenceMode training(false);
  torch::NoGradGuard ng;
  torch::Tensor mu;
  VaeLiveMap out;
  {
    std::lock_guard<std::mutex> lock(m->mutex);
    std::vector<torch::Tensor> parts;
    for (int64_t b = 0; b < m->mapX.size(0); b += 500)
      parts.push_back(m->model->encode(m->mapX.slice(0, b, std::min(m->mapX.size(0), b + 500))).first);
    mu = torch::cat(parts).contiguous();
    out.step = m->step;
  }
  const int64_t d = mu.size(1);
  out.dims = int(d);
  out.labels = m->mapLabels;
  torch::Tensor origin, u, v;
  if (d == 1) {
    origin = torch::zeros({1}), u = torch::ones({1}), v = torch::zeros({1});
  } else if (d == 2) {
    origin = torch::zeros({2}), u = torch::tensor({1.f, 0.f}), v = torch::tensor({0.f, 1.f});
  } else {
    origin = mu.mean(0);
    auto c = mu - origin;
    auto cov = c.t().mm(c) / double(std::max<int64_t>(1, mu.size(0) - 1));
    auto eig = torch::linalg_eigh(cov.to(torch::kDouble));  // ascending eigenvalues
    auto vecs = std::get<1>(eig).to(torch::kFloat);
    u = vecs.select(1, d - 1).contiguous(), v = vecs.select(1, d - 2).contiguous();
    // Keep each axis pointing the way it did on the last map, so the picture does not flip.
    if (m->prevU.defined() && m->prevU.numel() == d) {
      if (u.dot(m->prevU).item<float>() < 0) u = -u;
      if (v.dot(m->prevV).item<float>() < 0) v = -v;
    }
    m->prevU = u, m->prevV = v;
  }
  auto plane = torch::stack({(mu - origin).mv(u), (mu - origin).mv(v)}, 1).contiguous();
  out.xy.assign(plane.data_ptr<float>(), plane.data_ptr<float>() + plane.numel());
  auto vec = [](const torch::Tensor& t) {
    auto c = t.contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  };
  out.origin = vec(origin), out.axisU = vec(u), out.axisV = vec(v);
  std::vector<float> pts(mu.data_ptr<float>(), mu.data_ptr<float>() + mu.numel());
  out.knnAccuracy = knnAccuracy(pts, int(d), out.labels, 5);
  return out;
}

Image VaeLive::decode(const std::vector<float>& z) {
  c10::InferenceMode guard;
  if (int64_t(z.size()) != m->cfg.latentDim)
    throw BadInput("VAE Train view: a latent of " + std::to_string(z.size()) + " values for a " +
                   std::to_string(m->cfg.latentDim) + "-d VAE");
  auto t = torch::from_blob(const_cast<float*>(z.data()), {1, int64_t(z.size())}, torch::kFloat).clone();
  std::lock_guard<std::mutex> lock(m->mutex);
  return tensorToImages(m->model->decode(t))[0];
}

double VaeLive::fixedBatchLoss() {
  c10::InferenceMode guard;
  std::lock_guard<std::mutex> lock(m->mutex);
  auto x = m->x.slice(0, 0, m->o.batchSize);
  auto [mu, logvar] = m->model->encode(x);
  Terms t = lossTerms(x, m->model->decode(mu), mu, logvar);
  return (t.recon + m->o.beta * t.kl).item<double>();
}

void VaeLive::saveBundle(const std::string& dirIn, const std::string& name) {
  if (dirIn.empty()) throw BadInput("Save: no folder given");
  fs::path dir = fs::path(dirIn).lexically_normal();
  if (dir.has_filename() == false) dir = dir.parent_path();
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw BadInput(dir.string() + ": exists and is not a folder; choose another name");
    if (!fs::is_empty(dir, ec) && !fs::exists(dir / "model.json", ec))
      throw BadInput(dir.string() + ": the folder is not empty and holds no model.json; choose an empty or new folder");
  }
  const fs::path tmp = dir.string() + ".saving-" + std::to_string(::getpid());
  const fs::path old = dir.string() + ".replaced-" + std::to_string(::getpid());
  fs::remove_all(tmp, ec);
  Manifest man;
  {
    std::lock_guard<std::mutex> lock(m->mutex);
    const VaeLiveOptions& o = m->o;
    man.name = name.empty() ? "VAE " + std::to_string(o.latentDim) + "-d trained live, " + std::to_string(m->step) + " steps" : name;
    man.kind = "autoencoder";
    man.image = {m->cfg.imageChannels, m->cfg.imageHeight, m->cfg.imageWidth, 0.f, 1.f};
    man.latentShape = {o.latentDim};
    man.classes = m->classNames;
    man.autoencoder = NetworkSpec{"conv-vae", {}, "vae.safetensors", ""};
    man.training = {{"data", m->dataSpec},
                    {"steps", m->step},
                    {"seed", o.seed},
                    {"batch_size", o.batchSize},
                    {"learning_rate", o.learningRate},
                    {"beta", o.beta},
                    {"loss", "Bernoulli VAE: binary cross-entropy + beta * KL"},
                    {"command", "the Train view (latentlab GUI)"}};
    try {
      saveConvVaeBundle(tmp.string(), man, m->model);
    } catch (const std::exception& e) {
      fs::remove_all(tmp, ec);
      throw BadInput(dir.string() + ": could not write the bundle: " + e.what());
    }
  }
  // Swap in: the old bundle (if any) is moved aside and removed only after the new one is in place.
  const bool had = fs::exists(dir, ec);
  if (had) fs::rename(dir, old, ec);
  if (ec) {
    fs::remove_all(tmp, ec);
    throw BadInput(dir.string() + ": could not replace the existing bundle");
  }
  fs::rename(tmp, dir, ec);
  if (ec) {
    const std::string why = ec.message();
    if (had) fs::rename(old, dir, ec);
    fs::remove_all(tmp, ec);
    throw BadInput(dir.string() + ": could not write the bundle: " + why);
  }
  if (had) fs::remove_all(old, ec);
}

double knnAccuracy(const std::vector<float>& points, int dims, const std::vector<int>& labels, int k) {
  c10::InferenceMode guard;
  const int64_t n = int64_t(labels.size());
  if (dims < 1 || n < 2 || int64_t(points.size()) != n * dims) return 0;
  k = int(std::min<int64_t>(k, n - 1));
  auto p = torch::from_blob(const_cast<float*>(points.data()), {n, int64_t(dims)}, torch::kFloat).to(torch::kDouble);
  auto lab = torch::tensor(std::vector<int64_t>(labels.begin(), labels.end()), torch::kLong);
  const int64_t nc = std::max<int64_t>(1, lab.max().item<int64_t>() + 1);
  int64_t correct = 0, counted = 0;
  for (int64_t b = 0; b < n; b += 1000) {  // 1000 x n distances at a time
    auto q = p.slice(0, b, std::min(n, b + 1000));
    auto dist = torch::cdist(q, p);
    auto rows = torch::arange(b, b + q.size(0), torch::kLong);
    dist.index_put_({torch::arange(q.size(0), torch::kLong), rows}, std::numeric_limits<double>::infinity());
    auto nn = std::get<1>(dist.topk(k, 1, /*largest=*/false));
    auto votes = torch::zeros({q.size(0), nc}, torch::kLong);
    auto nl = lab.index({nn}).clamp_min(0);
    votes.scatter_add_(1, nl, torch::ones_like(nl));
    auto pred = votes.argmax(1);  // first maximum: the smallest class index on a tie
    auto own = lab.slice(0, b, b + q.size(0));
    auto valid = own >= 0;
    correct += (pred.eq(own) & valid).sum().item<int64_t>();
    counted += valid.sum().item<int64_t>();
  }
  return counted ? double(correct) / double(counted) : 0;
}

}  // namespace latentlab
