// The Train view's GAN (see gan_live.h). The step is the batch body of trainGan
// (engine/train/gan_trainer.cpp) split so the Train view can step D or G alone; the
// exported trainer keeps its own copy because its resume test pins its random streams.
#include "engine/train/batch_seed.h"
#include "engine/train/gan_live.h"

#include <c10/core/InferenceMode.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "engine/data/image_tensor.h"
#include "engine/models/conv_classifier.h"
#include "engine/models/gan_discriminator.h"
#include "engine/models/gan_generator.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {
at::Generator stream(uint64_t seed, uint64_t salt, uint64_t i) {
  return at::detail::createCPUGenerator(splitMix64(splitMix64(seed ^ salt) + i));
}
const auto kF = torch::TensorOptions(torch::kFloat);
}  // namespace

struct GanLive::Impl {
  GanLiveOptions o;
  GanConfig cfg;
  std::vector<std::string> classNames;
  GanGenerator gen{nullptr};
  GanDiscriminator disc{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optG, optD;
  torch::Tensor x, labels;            // the real images (N x C x H x W in [0, 1]) and labels
  torch::Tensor gridZ, gridClasses;   // the fixed grid
  torch::Tensor fixedReal, fixedRealClasses, fixedZ, fixedClasses;
  int64_t step = 0;
  std::shared_ptr<ClassifierBundle> classifier;

  std::unique_ptr<torch::optim::Optimizer> makeOptimizer(torch::nn::Module& m, double lr) {
    if (o.optimizer == "sgd")
      return std::make_unique<torch::optim::SGD>(m.parameters(), torch::optim::SGDOptions(lr).momentum(0.5));
    return std::make_unique<torch::optim::Adam>(m.parameters(), torch::optim::AdamOptions(lr).betas({0.5, 0.999}));
  }
  torch::Tensor classesOrNone(const torch::Tensor& c) const { return cfg.numClasses > 0 ? c : torch::Tensor(); }
};

GanLive::GanLive(const GanLiveOptions& opts, const Dataset* given) : m(std::make_unique<Impl>()) {
  c10::InferenceMode training(false);  // the app's workers run jobs in inference mode
  m->o = opts;
  const GanLiveOptions& o = m->o;
  if (o.batchSize < 2 || o.batchSize > 4096) throw UsageError("Train view: batch size must be in 2..4096");
  if (!(o.lrG > 0) || !(o.lrD > 0)) throw UsageError("Train view: learning rates must be > 0");
  if (o.optimizer != "adam" && o.optimizer != "sgd")
    throw UsageError("Train view: optimizer must be \"adam\" or \"sgd\", not \"" + o.optimizer + "\"");
  if (o.channels.size() != 3 || o.discChannels.size() != 3) throw UsageError("Train view: three channel counts each");
  if (o.gridPerClass < 1 || o.gridPerClass > 16) throw UsageError("Train view: grid rows must be in 1..16");

  Dataset opened;
  if (!given) {
    DatasetOptions dopts;
    dopts.limit = o.limit;
    opened = openDataset(o.dataSpec, dopts);
    given = &opened;
  }
  const Dataset& d = *given;
  const int64_t n = o.limit > 0 ? std::min(o.limit, d.count) : d.count;
  if (n < o.batchSize) throw BadInput(d.spec + ": the Train view needs at least one batch (" + std::to_string(o.batchSize) + " images)");
  if (d.height % 4 || d.width % 4) throw BadInput(d.spec + ": image height and width must be divisible by 4 for the DCGAN");
  m->x = datasetToTensor(d, 0, n);

  GanConfig& cfg = m->cfg;
  cfg.imageChannels = d.channels, cfg.imageHeight = d.height, cfg.imageWidth = d.width;
  cfg.latentDim = o.latentDim;
  cfg.channels0 = o.channels[0], cfg.channels1 = o.channels[1], cfg.channels2 = o.channels[2];
  cfg.discChannels1 = o.discChannels[0], cfg.discChannels2 = o.discChannels[1], cfg.discFeatures = o.discChannels[2];
  cfg.numClasses = 0;
  if (o.conditional && !d.labels.empty()) {
    for (int64_t i = 0; i < n; ++i) cfg.numClasses = std::max<int>(cfg.numClasses, int(d.labels[size_t(i)]) + 1);
    cfg.numClasses = std::max<int>(cfg.numClasses, int(d.classNames.size()));
    m->labels = torch::tensor(std::vector<int64_t>(d.labels.begin(), d.labels.begin() + n), torch::kLong);
    m->classNames = d.classNames;
  }

  torch::manual_seed(o.seed);  // initial weights (the global generator, as trainGan does)
  m->gen = GanGenerator(cfg);
  m->disc = GanDiscriminator(cfg);
  m->gen->train(), m->disc->train();
  m->optG = m->makeOptimizer(*m->gen, o.lrG);
  m->optD = m->makeOptimizer(*m->disc, o.lrD);

  const int nc = std::max(cfg.numClasses, 1);
  const int64_t gridN = int64_t(nc) * o.gridPerClass;
  m->gridZ = torch::randn({gridN, cfg.latentDim}, stream(o.seed, 0x6121D, 0), kF);
  m->gridClasses = torch::arange(gridN, torch::kLong).remainder(nc);  // row-major: column = class
  m->fixedReal = m->x.slice(0, 0, o.batchSize);
  m->fixedRealClasses = m->labels.defined() ? m->labels.slice(0, 0, o.batchSize) : torch::Tensor();
  m->fixedZ = torch::randn({int64_t(o.batchSize), cfg.latentDim}, stream(o.seed, 0xF1CED, 0), kF);
  m->fixedClasses = torch::arange(o.batchSize, torch::kLong).remainder(nc);
}

GanLive::~GanLive() = default;

GanLiveStats GanLive::step(GanStepKind kind) {
  c10::InferenceMode training(false);
  Impl& s = *m;
  const GanLiveOptions& o = s.o;
  auto rng = stream(o.seed, 0x57E9, uint64_t(s.step));
  const int64_t n = s.x.size(0);
  auto idx = torch::randint(n, {int64_t(o.batchSize)}, rng, torch::TensorOptions(torch::kLong));
  auto real = s.x.index_select(0, idx);
  torch::Tensor classes;
  if (s.labels.defined()) classes = s.labels.index_select(0, idx);
  auto z = torch::randn({int64_t(o.batchSize), s.cfg.latentDim}, rng, kF);
  torch::Tensor fake;
  if (kind == GanStepKind::Discriminator) {
    // The generator does not learn in a D-only step, and that includes its BatchNorm
    // running statistics (which a train-mode forward would move): they are put back.
    torch::NoGradGuard ng;
    std::vector<torch::Tensor> kept;
    for (auto& b : s.gen->buffers()) kept.push_back(b.clone());
    fake = s.gen->forward(z, classes);
    auto buffers = s.gen->buffers();
    for (size_t i = 0; i < kept.size(); ++i) buffers[i].copy_(kept[i]);
  } else {
    fake = s.gen->forward(z, classes);
  }

  GanLiveStats st;
  st.kind = kind;
  st.dLoss = st.gLoss = std::numeric_limits<double>::quiet_NaN();
  torch::Tensor dReal, dFake;
  if (kind != GanStepKind::Generator) {
    const bool r1 = o.r1Gamma > 0 && s.step % o.r1Every == 0;
    if (r1) real.requires_grad_(true);
    dReal = s.disc->forward(real, classes);
    dFake = s.disc->forward(fake.detach(), classes);
    auto dLoss = torch::softplus(-dReal).mean() + torch::softplus(dFake).mean();
    auto total = dLoss;
    if (r1) {
      auto grad = torch::autograd::grad({dReal.sum()}, {real}, {}, true, true)[0];
      total = total + (0.5 * o.r1Gamma * o.r1Every) * grad.pow(2).flatten(1).sum(1).mean();
    }
    s.optD->zero_grad();
    total.backward();
    s.optD->step();
    st.dLoss = dLoss.item<double>();
  }
  if (kind != GanStepKind::Discriminator) {
    for (auto& p : s.disc->parameters()) p.requires_grad_(false);
    auto dOnFake = s.disc->forward(fake, classes);
    auto gLoss = torch::softplus(-dOnFake).mean();
    s.optG->zero_grad();
    gLoss.backward();
    s.optG->step();
    for (auto& p : s.disc->parameters()) p.requires_grad_(true);
    st.gLoss = gLoss.item<double>();
    if (!dFake.defined()) dFake = dOnFake;
  }
  {
    torch::NoGradGuard ng;
    if (!dReal.defined()) dReal = s.disc->forward(real.detach(), classes);
    st.dReal = torch::sigmoid(dReal.detach()).mean().item<double>();
    st.dFake = torch::sigmoid(dFake.detach()).mean().item<double>();
  }
  if ((kind != GanStepKind::Generator && !std::isfinite(st.dLoss)) || (kind != GanStepKind::Discriminator && !std::isfinite(st.gLoss)))
    throw BadInput("the GAN diverged (loss is NaN/Inf) at step " + std::to_string(s.step + 1) + "; press Reset");
  st.step = ++s.step;
  return st;
}

void GanLive::setLearningRates(double lrG, double lrD) {
  if (!(lrG > 0) || !(lrD > 0)) throw UsageError("Train view: learning rates must be > 0");
  m->o.lrG = lrG, m->o.lrD = lrD;
  for (auto& g : m->optG->param_groups()) g.options().set_lr(lrG);
  for (auto& g : m->optD->param_groups()) g.options().set_lr(lrD);
}

int64_t GanLive::steps() const { return m->step; }
const GanLiveOptions& GanLive::options() const { return m->o; }
int GanLive::numClasses() const { return m->cfg.numClasses; }
const std::vector<std::string>& GanLive::classNames() const { return m->classNames; }
int GanLive::gridColumns() const { return std::max(m->cfg.numClasses, 1); }
int GanLive::gridRows() const { return m->o.gridPerClass; }

std::vector<Image> GanLive::renderGrid() {
  c10::InferenceMode training(false);
  torch::NoGradGuard ng;
  m->gen->eval();
  auto images = m->gen->forward(m->gridZ, m->classesOrNone(m->gridClasses));
  m->gen->train();
  return tensorToImages(images);
}

double GanLive::fixedBatchDLoss() {
  c10::InferenceMode training(false);
  torch::NoGradGuard ng;
  m->gen->eval();
  auto fake = m->gen->forward(m->fixedZ, m->classesOrNone(m->fixedClasses));
  m->gen->train();
  auto real = m->disc->forward(m->fixedReal, m->classesOrNone(m->fixedRealClasses));
  auto dFake = m->disc->forward(fake, m->classesOrNone(m->fixedClasses));
  return (torch::softplus(-real).mean() + torch::softplus(dFake).mean()).item<double>();
}

std::vector<int> GanLive::classHistogram(const std::string& classifierDir, int n, uint64_t seed) {
  c10::InferenceMode training(false);
  torch::NoGradGuard ng;
  if (!m->classifier) m->classifier = loadClassifierBundle(classifierDir);
  auto& c = *m->classifier;
  if (c.model->config().imageChannels != m->cfg.imageChannels || c.model->config().imageHeight != m->cfg.imageHeight ||
      c.model->config().imageWidth != m->cfg.imageWidth)
    throw BadInput(classifierDir + ": the classifier's image size differs from the Train view's data");
  const int nc = std::max(m->cfg.numClasses, 1);
  auto rng = stream(m->o.seed, 0x415706, seed);
  auto z = torch::randn({int64_t(n), m->cfg.latentDim}, rng, kF);
  auto classes = torch::randint(nc, {int64_t(n)}, rng, torch::TensorOptions(torch::kLong));
  m->gen->eval();
  auto images = m->gen->forward(z, m->classesOrNone(classes));
  m->gen->train();
  auto pred = c.model->forward(images).argmax(1);
  std::vector<int> hist(size_t(c.model->config().numClasses), 0);
  auto acc = pred.accessor<int64_t, 1>();
  for (int64_t i = 0; i < acc.size(0); ++i) ++hist[size_t(acc[i])];
  return hist;
}

}  // namespace latentlab
