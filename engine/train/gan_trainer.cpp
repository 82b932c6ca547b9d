#include "engine/train/batch_seed.h"
#include "engine/train/gan_trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/data/image_tensor.h"
#include "engine/models/bundle.h"
#include "engine/models/gan_bundle.h"
#include "engine/models/gan_discriminator.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace latentlab {

namespace {

at::Generator batchGenerator(uint64_t seed, int epoch, int64_t batch) {
  return at::detail::createCPUGenerator(batchSeed(seed, epoch, batch));
}

// The checkpoint is a folder written in full under a temporary name, then swapped in by
// rename: a crash leaves either the previous checkpoint or the new one, never a mix.
struct GanCheckpoint {
  std::string dir;  // OUT/checkpoint
  static std::string g(const std::string& d) { return d + "/generator.safetensors"; }
  static std::string d(const std::string& d) { return d + "/discriminator.safetensors"; }
  static std::string ema(const std::string& d) { return d + "/ema.safetensors"; }
  static std::string optG(const std::string& d) { return d + "/optimizer_g.pt"; }
  static std::string optD(const std::string& d) { return d + "/optimizer_d.pt"; }
  static std::string state(const std::string& d) { return d + "/state.json"; }

  // The folder holding the newest complete checkpoint, or "" when there is none.
  std::string complete() const {
    for (const std::string& c : {dir, dir + ".old"})
      if (fs::exists(state(c))) return c;
    return "";
  }
};

struct TrainState {
  int epoch = 0;      // epochs done
  int64_t batch = 0;  // batches done in the current epoch (a --max-batches stop)
  int64_t step = 0;   // optimizer steps in total
  std::vector<double> sums = std::vector<double>(4, 0.0);  // d loss, g loss, D(real), D(fake) over the current epoch
  nlohmann::json history = nlohmann::json::array();
};

void copyParameters(torch::nn::Module& from, torch::nn::Module& to) {
  torch::NoGradGuard ng;
  auto src = from.parameters(), dst = to.parameters();
  for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
}

// BatchNorm statistics for the averaged weights, measured on their own samples with a
// cumulative mean (momentum unset). Deterministic: the draws are seeded.
void recalibrateBatchNorm(GanGenerator& g, uint64_t seed, torch::Device device) {
  torch::NoGradGuard ng;
  auto norms = g->batchNorms();
  for (auto& bn : norms) {
    bn->reset_running_stats();
    bn->options.momentum(c10::nullopt);
  }
  g->train();
  const int nc = g->config().numClasses;
  auto gen = at::detail::createCPUGenerator(splitMix64(seed ^ 0xB47C4ull));
  for (int b = 0; b < 16; ++b) {
    auto z = torch::randn({256, g->config().latentDim}, gen, torch::TensorOptions(torch::kFloat)).to(device);
    torch::Tensor classes;
    if (nc > 0) classes = torch::arange(256, torch::kLong).remainder(nc).to(device);
    g->forward(z, classes);
  }
  for (auto& bn : norms) bn->options.momentum(0.1);
  g->eval();
}

std::string csvFromHistory(const nlohmann::json& history) {
  std::ostringstream os;
  os << "epoch,d_loss,g_loss,d_real,d_fake,seconds,seconds_per_batch\n";
  for (auto& h : history)
    os << h.at("epoch").get<int>() << "," << h.at("d_loss").get<double>() << "," << h.at("g_loss").get<double>() << ","
       << h.at("d_real").get<double>() << "," << h.at("d_fake").get<double>() << "," << h.at("seconds").get<double>()
       << "," << h.at("seconds_per_batch").get<double>() << "\n";
  return os.str();
}

}  // namespace

GanTrainResult trainGan(const GanTrainOptions& o, const GanProgressFn& progress, CancelToken cancel) {
  if (o.outDir.empty()) throw UsageError("train gan: an output folder (-o DIR) is required");
  if (o.epochs < 1) throw UsageError("train gan: --epochs must be >= 1");
  if (o.batchSize < 2) throw UsageError("train gan: --batch must be >= 2 (BatchNorm needs two samples)");
  if (!(o.learningRate > 0)) throw UsageError("train gan: --lr must be > 0");
  if (o.r1Every < 1 || o.r1Gamma < 0) throw UsageError("train gan: --r1-every must be >= 1 and --r1 >= 0");
  if (!(o.emaDecay >= 0 && o.emaDecay < 1)) throw UsageError("train gan: --ema must be in [0, 1)");
  torch::Device device = pickDevice(o.device);

  DatasetOptions dopts;
  dopts.limit = o.limit;
  Dataset data = openDataset(o.dataSpec, dopts);
  if (data.count < 2) throw BadInput(o.dataSpec + ": a GAN needs at least 2 images");
  if (data.height % 4 || data.width % 4)
    throw BadInput(o.dataSpec + ": image height and width must be divisible by 4 for the DCGAN");

  Manifest m;
  m.name = o.name.empty() ? "Conditional DCGAN (" + o.dataSpec + ")" : o.name;
  m.image = {data.channels, data.height, data.width, 0.f, 1.f};
  m.classes = data.classNames;
  m.numClasses = 0;
  if (!data.labels.empty()) {
    m.numClasses = int(data.classNames.size());
    for (auto l : data.labels) m.numClasses = std::max<int>(m.numClasses, int(l) + 1);
  }
  GanConfig cfg;
  cfg.imageChannels = data.channels, cfg.imageHeight = data.height, cfg.imageWidth = data.width;
  cfg.latentDim = o.latentDim;
  if (o.channels.size() != 3 || o.discChannels.size() != 3)
    throw UsageError("train gan: channels and discriminator channels take three sizes each");
  for (int c : o.channels)
    if (c < 1 || c > 4096) throw UsageError("train gan: channel counts must be in 1..4096");
  for (int c : o.discChannels)
    if (c < 1 || c > 4096) throw UsageError("train gan: channel counts must be in 1..4096");
  cfg.channels0 = o.channels[0], cfg.channels1 = o.channels[1], cfg.channels2 = o.channels[2];
  cfg.discChannels1 = o.discChannels[0], cfg.discChannels2 = o.discChannels[1], cfg.discFeatures = o.discChannels[2];
  cfg.numClasses = m.numClasses;

  torch::manual_seed(o.seed);  // initial weights
  GanGenerator gen(cfg), ema(cfg);
  GanDiscriminator disc(cfg);
  copyParameters(*gen, *ema);
  gen->to(device), ema->to(device), disc->to(device);
  auto adam = torch::optim::AdamOptions(o.learningRate).betas({0.5, 0.999});
  torch::optim::Adam optG(gen->parameters(), adam), optD(disc->parameters(), adam);

  GanCheckpoint ck{o.outDir + "/checkpoint"};
  TrainState st;
  if (o.resume) {
    std::string c = ck.complete();
    if (!c.empty()) {
      auto j = readJsonFile(GanCheckpoint::state(c));
      st.epoch = j.at("epoch").get<int>(), st.batch = j.at("batch").get<int64_t>(), st.step = j.at("step").get<int64_t>();
      for (int i = 0; i < 4; ++i) st.sums[i] = j.at("sums").at(size_t(i)).get<double>();
      st.history = j.at("history");
      // The position (epoch, batch) and the per-batch random streams only mean the same
      // thing with the same batch size and seed.
      if (j.value("latent_dim", cfg.latentDim) != cfg.latentDim)
        throw UsageError("train gan --resume: the checkpoint has --latent-dim " + std::to_string(j.value("latent_dim", 0)));
      if (j.value("batch_size", o.batchSize) != o.batchSize)
        throw UsageError("train gan --resume: the checkpoint was made with --batch " +
                         std::to_string(j.value("batch_size", 0)) + "; resume with the same value");
      if (j.value("seed", o.seed) != o.seed)
        throw UsageError("train gan --resume: the checkpoint was made with --seed " +
                         std::to_string(j.value("seed", uint64_t(0))) + "; resume with the same value");
      loadModuleWeights(*gen, GanCheckpoint::g(c));
      loadModuleWeights(*disc, GanCheckpoint::d(c));
      loadModuleWeights(*ema, GanCheckpoint::ema(c));
      torch::load(optG, GanCheckpoint::optG(c));
      torch::load(optD, GanCheckpoint::optD(c));
      gen->to(device), ema->to(device), disc->to(device);
    }
  }
  fs::create_directories(o.outDir);

  auto saveCheckpoint = [&](const TrainState& s) {
    const std::string tmp = ck.dir + ".tmp", old = ck.dir + ".old";
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    saveModuleWeights(*gen, GanCheckpoint::g(tmp));
    saveModuleWeights(*disc, GanCheckpoint::d(tmp));
    saveModuleWeights(*ema, GanCheckpoint::ema(tmp));
    torch::save(optG, GanCheckpoint::optG(tmp));
    torch::save(optD, GanCheckpoint::optD(tmp));
    nlohmann::json j = {{"epoch", s.epoch},  {"batch", s.batch},     {"step", s.step},
                        {"sums", s.sums},    {"history", s.history}, {"latent_dim", cfg.latentDim},
                        {"seed", o.seed},    {"batch_size", o.batchSize}};
    writeFileAtomic(GanCheckpoint::state(tmp), j.dump(2));
    fs::remove_all(old);
    if (fs::exists(ck.dir)) fs::rename(ck.dir, old);
    fs::rename(tmp, ck.dir);
    fs::remove_all(old);
  };

  GanTrainResult res;
  for (auto& p : gen->parameters()) res.generatorParameters += p.numel();
  for (auto& p : disc->parameters()) res.discriminatorParameters += p.numel();

  auto writeBundle = [&](const TrainState& s) {
    recalibrateBatchNorm(ema, o.seed, device);
    Manifest out = m;
    double last[4] = {0, 0, 0, 0};
    if (!s.history.empty())
      last[0] = s.history.back().at("d_loss").get<double>(), last[1] = s.history.back().at("g_loss").get<double>();
    out.training = {{"data", o.dataSpec},
                    {"epochs", s.epoch},
                    {"steps", s.step},
                    {"seed", o.seed},
                    {"batch_size", o.batchSize},
                    {"learning_rate", o.learningRate},
                    {"adam_betas", {0.5, 0.999}},
                    {"loss", "non-saturating GAN loss, lazy R1 on real images"},
                    {"r1_gamma", o.r1Gamma},
                    {"r1_every", o.r1Every},
                    {"ema_decay", o.emaDecay},
                    {"final_d_loss", last[0]},
                    {"final_g_loss", last[1]},
                    {"generator_parameters", res.generatorParameters},
                    {"discriminator_parameters", res.discriminatorParameters},
                    {"command", o.commandLine}};
    saveGanBundle(o.outDir, out, ema);
  };

  torch::Tensor xAll = datasetToTensor(data, 0, data.count).to(device);
  torch::Tensor labelsAll;
  if (m.numClasses > 0) labelsAll = torch::tensor(data.labels, torch::kLong).to(device);
  const int64_t n = data.count;
  const int64_t batches = n / o.batchSize + (n % o.batchSize >= 2 ? 1 : 0);  // a last batch of 1 breaks BatchNorm
  const int64_t remaining = int64_t(o.epochs) * batches - (int64_t(st.epoch) * batches + st.batch);
  const auto runStart = Clock::now();
  int64_t batchesThisRun = 0;
  bool stopped = false;
  res.epochsDone = st.epoch;
  gen->train(), disc->train();
  auto cpuF = torch::TensorOptions(torch::kFloat);

  for (; st.epoch < o.epochs && !stopped; ++st.epoch) {
    auto perm = torch::randperm(n, at::detail::createCPUGenerator(splitMix64(o.seed * 1000003 + uint64_t(st.epoch))),
                                torch::TensorOptions(torch::kLong));
    const auto epochStart = Clock::now();
    const int64_t firstBatch = st.batch;
    for (; st.batch < batches; ++st.batch) {
      cancel.throwIfCancelled();
      if (o.maxBatches > 0 && batchesThisRun >= o.maxBatches) {
        stopped = true;
        break;
      }
      auto rng = batchGenerator(o.seed, st.epoch, st.batch);
      auto idx = perm.slice(0, st.batch * o.batchSize, std::min(n, (st.batch + 1) * o.batchSize)).to(device);
      const int64_t bn = idx.size(0);
      auto real = xAll.index_select(0, idx);
      torch::Tensor classes;
      if (labelsAll.defined()) classes = labelsAll.index_select(0, idx);
      auto z = torch::randn({bn, cfg.latentDim}, rng, cpuF).to(device);
      auto fake = gen->forward(z, classes);

      // Discriminator step.
      const bool r1 = o.r1Gamma > 0 && st.step % o.r1Every == 0;
      if (r1) real.requires_grad_(true);
      auto dReal = disc->forward(real, classes);
      auto dFake = disc->forward(fake.detach(), classes);
      auto dLoss = torch::softplus(-dReal).mean() + torch::softplus(dFake).mean();
      auto dTotal = dLoss;
      if (r1) {
        auto grad = torch::autograd::grad({dReal.sum()}, {real}, {}, true, true)[0];
        dTotal = dTotal + (0.5 * o.r1Gamma * o.r1Every) * grad.pow(2).flatten(1).sum(1).mean();
      }
      optD.zero_grad();
      dTotal.backward();
      optD.step();

      // Generator step on the same fakes, D frozen (no weight gradients computed for it).
      for (auto& p : disc->parameters()) p.requires_grad_(false);
      auto gLoss = torch::softplus(-disc->forward(fake, classes)).mean();
      optG.zero_grad();
      gLoss.backward();
      optG.step();
      for (auto& p : disc->parameters()) p.requires_grad_(true);
      {
        torch::NoGradGuard ng;
        const double d = std::min(o.emaDecay, (1.0 + double(st.step)) / (10.0 + double(st.step)));
        auto src = gen->parameters(), dst = ema->parameters();
        for (size_t i = 0; i < src.size(); ++i) dst[i].mul_(d).add_(src[i].detach(), 1 - d);
      }
      const double dl = dLoss.item<double>(), gl = gLoss.item<double>();
      if (!std::isfinite(dl) || !std::isfinite(gl))
        throw BadInput("training diverged (loss is NaN/Inf) at epoch " + std::to_string(st.epoch + 1) + ", batch " +
                       std::to_string(st.batch + 1));
      st.sums[0] += dl, st.sums[1] += gl;
      st.sums[2] += torch::sigmoid(dReal.detach()).mean().item<double>();
      st.sums[3] += torch::sigmoid(dFake.detach()).mean().item<double>();
      ++st.step, ++batchesThisRun;
      const double elapsed = std::chrono::duration<double>(Clock::now() - runStart).count();
      res.secondsPerBatch = elapsed / double(batchesThisRun);
      if (progress && (st.batch % 20 == 0 || st.batch + 1 == batches)) {
        GanProgress p;
        const double k = double(st.batch + 1);
        p.epoch = st.epoch + 1, p.epochs = o.epochs, p.batch = st.batch + 1, p.batches = batches;
        p.dLoss = st.sums[0] / k, p.gLoss = st.sums[1] / k, p.dReal = st.sums[2] / k, p.dFake = st.sums[3] / k;
        p.secondsPerBatch = res.secondsPerBatch;
        p.etaSeconds = res.secondsPerBatch * double(remaining - batchesThisRun);
        progress(p);
      }
    }
    if (stopped) break;
    const double secs = std::chrono::duration<double>(Clock::now() - epochStart).count();
    const double k = double(batches);
    st.history.push_back({{"epoch", st.epoch + 1},
                          {"d_loss", st.sums[0] / k},
                          {"g_loss", st.sums[1] / k},
                          {"d_real", st.sums[2] / k},
                          {"d_fake", st.sums[3] / k},
                          {"seconds", secs},
                          {"seconds_per_batch", secs / double(std::max<int64_t>(1, batches - firstBatch))}});
    TrainState next = st;
    next.epoch = st.epoch + 1, next.batch = 0;
    for (double& s : next.sums) s = 0;
    if (o.writeBundleEachEpoch || next.epoch == o.epochs) writeBundle(next);  // recalibrates the EMA's statistics
    saveCheckpoint(next);
    writeFileAtomic(o.outDir + "/train_log.csv", csvFromHistory(next.history));
    res.epochsDone = next.epoch;
    res.dLoss = st.sums[0] / k, res.gLoss = st.sums[1] / k;
    st.batch = 0;
    for (double& s : st.sums) s = 0;
  }
  if (stopped) {  // --max-batches: keep the position, and a bundle to sample from
    writeBundle(st);
    saveCheckpoint(st);
    writeFileAtomic(o.outDir + "/train_log.csv", csvFromHistory(st.history));
    if (st.batch > 0) res.dLoss = st.sums[0] / double(st.batch), res.gLoss = st.sums[1] / double(st.batch);
  }
  return res;
}

}  // namespace latentlab
