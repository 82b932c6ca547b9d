#include "engine/train/diffusion_trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "engine/data/dataset.h"
#include "engine/data/image_tensor.h"
#include "engine/diffusion/schedule.h"
#include "engine/models/builtin_denoiser.h"
#include "engine/models/bundle.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace latentlab {

namespace {

struct Checkpoint {
  std::string dir;
  std::string model() const { return dir + "/model.safetensors"; }
  std::string ema() const { return dir + "/ema.safetensors"; }
  std::string optim() const { return dir + "/optimizer.pt"; }
  std::string state() const { return dir + "/state.json"; }
};

// Position in the run. A checkpoint taken mid-epoch resumes at the next batch.
struct TrainState {
  int epoch = 0;             // current epoch (0-based)
  int64_t batch = 0;         // batches done in the current epoch
  int64_t step = 0;          // optimizer steps done in total
  double epochLossSum = 0;   // over the batches done in the current epoch
  nlohmann::json history = nlohmann::json::array();
};

uint64_t mix(uint64_t x) {  // splitmix64: independent streams from (seed, epoch, batch)
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

void saveCheckpoint(const Checkpoint& ck, torch::nn::Module& model, torch::nn::Module& ema, torch::optim::Adam& optim,
                    const TrainState& s) {
  fs::create_directories(ck.dir);
  saveModuleWeights(model, ck.model());
  saveModuleWeights(ema, ck.ema());
  std::string tmp = ck.optim() + ".tmp";
  torch::save(optim, tmp);
  fs::rename(tmp, ck.optim());
  nlohmann::json st = {{"epoch", s.epoch}, {"batch", s.batch}, {"step", s.step},
                       {"epoch_loss_sum", s.epochLossSum}, {"history", s.history}};
  writeFileAtomic(ck.state(), st.dump(2));  // last: marks the checkpoint complete
}

double learningRate(double base, int64_t step, int64_t total) {
  const double kPi = 3.14159265358979323846;
  double warm = std::min(1.0, double(step + 1) / 200.0);
  double f = total > 1 ? std::min(1.0, double(step) / double(total - 1)) : 0.0;
  return base * warm * (0.1 + 0.9 * 0.5 * (1 + std::cos(kPi * f)));
}

// The training samples: pixels in [-1, 1], or the VAE posterior (mu, std) of every image.
struct TrainingData {
  torch::Tensor x;             // pixels N x C x H x W, or latent means N x D
  torch::Tensor posteriorStd;  // latent only
  torch::Tensor labels;        // N int64 (undefined without labels)
  double latentScale = 1.0;
};

TrainingData encodeLatents(const Dataset& data, ModelBundle& vae, uint64_t seed) {
  TrainingData td;
  torch::NoGradGuard ng;
  std::vector<torch::Tensor> mus, stds;
  for (int64_t b = 0; b < data.count; b += 500) {
    auto x = datasetToTensor(data, b, std::min(data.count, b + 500), vae.manifest.image.rangeLo, vae.manifest.image.rangeHi);
    auto [mu, logvar] = vae.autoencoder->encode(x.to(vae.device));
    mus.push_back(mu.cpu()), stds.push_back(torch::exp(0.5 * logvar).cpu());
  }
  td.x = torch::cat(mus), td.posteriorStd = torch::cat(stds);
  // Unit variance for the denoiser, as Stable Diffusion's scaling_factor: measured on
  // posterior samples, which is what the model is trained on.
  auto gen = at::detail::createCPUGenerator(mix(seed ^ 0x5CA1Eull));
  auto z = td.x + td.posteriorStd * torch::randn(td.x.sizes(), gen, torch::TensorOptions(torch::kFloat));
  td.latentScale = 1.0 / z.std().item<double>();
  return td;
}

}  // namespace

nlohmann::json defaultDiffusionScheduler(const std::string& modelType) {
  ScheduleConfig c;
  c.timestepSpacing = "trailing";  // the first step starts from pure noise (t = T - 1)
  if (modelType == "unet") {
    c.betaSchedule = "linear", c.betaStart = 0.0001, c.betaEnd = 0.02;  // DDPM's
    c.predictionType = PredictionType::Epsilon;
    c.clipSample = true;
  } else {
    // A 16-d latent has little redundancy to spare: the cosine schedule spends more steps
    // at low noise, and v-prediction stays well conditioned at both ends.
    c.betaSchedule = "squaredcos_cap_v2";
    c.predictionType = PredictionType::VPrediction;
  }
  return c.toJson();
}

DiffusionTrainResult trainDiffusion(const DiffusionTrainOptions& o, const ProgressFn& progress, CancelToken cancel) {
  if (o.outDir.empty()) throw UsageError("train diffusion: an output folder (-o DIR) is required");
  if (o.modelType != "unet" && o.modelType != "latent-mlp")
    throw UsageError("train diffusion: --model-type must be unet or latent-mlp");
  if (o.modelType == "latent-mlp" && o.vaeDir.empty())
    throw UsageError("train diffusion: --model-type latent-mlp needs --vae DIR (an autoencoder bundle)");
  if (o.epochs < 1) throw UsageError("train diffusion: --epochs must be >= 1");
  const bool latent = o.modelType == "latent-mlp";
  const int batchSize = o.batchSize > 0 ? o.batchSize : (latent ? 256 : 64);
  const double baseLr = o.learningRate > 0 ? o.learningRate : (latent ? 1e-3 : 5e-4);
  torch::Device device = pickDevice(o.device);

  DatasetOptions dopts;
  dopts.limit = o.limit;
  Dataset data = openDataset(o.dataSpec, dopts);
  if (data.count < 1) throw BadInput(o.dataSpec + ": no images");

  Manifest m;
  m.classes = data.classNames;
  m.numClasses = data.labels.empty() ? 0 : int(std::max<size_t>(data.classNames.size(), 1));
  if (!data.labels.empty())
    for (auto l : data.labels) m.numClasses = std::max<int>(m.numClasses, int(l) + 1);
  m.scheduler = o.scheduler.is_null() ? defaultDiffusionScheduler(o.modelType) : o.scheduler;
  NoiseSchedule schedule(ScheduleConfig::fromJson(m.scheduler, "--scheduler"));
  m.scheduler = schedule.config().toJson();
  nlohmann::json config;
  TrainingData td;
  std::shared_ptr<ModelBundle> vae;
  if (latent) {
    vae = loadBundle(o.vaeDir, device);
    if (!vae->autoencoder || vae->manifest.kind != "autoencoder")
      throw BadInput(o.vaeDir + ": --vae must be an autoencoder bundle");
    const ImageSpec& im = vae->manifest.image;
    if (im.channels != data.channels || im.height != data.height || im.width != data.width)
      throw BadInput(o.dataSpec + ": image size differs from the VAE's " + std::to_string(im.height) + "x" +
                     std::to_string(im.width));
    td = encodeLatents(data, *vae, o.seed);
    m.kind = "latent-diffusion";
    m.image = im;
    m.latentShape = vae->manifest.latentShape;
    m.autoencoderBundle = fs::relative(fs::absolute(o.vaeDir), fs::absolute(o.outDir)).lexically_normal().string();
    config = {{"latent_dim", m.latentShape[0]}, {"hidden", o.hidden}, {"blocks", o.blocks},
              {"emb_dim", o.embDim}, {"latent_scale", td.latentScale}};
    m.denoiser = NetworkSpec{"latent-mlp", config, "denoiser.safetensors", ""};
  } else {
    td.x = datasetToTensor(data, 0, data.count, -1.f, 1.f);
    m.kind = "diffusion";
    m.image = {data.channels, data.height, data.width, -1.f, 1.f};
    config = {{"channels", o.channels}, {"emb_dim", o.embDim}, {"attention", o.attention}};
    m.denoiser = NetworkSpec{"unet", config, "denoiser.safetensors", ""};
  }
  if (!data.labels.empty()) td.labels = torch::tensor(data.labels, torch::kLong);
  m.name = o.name.empty() ? (latent ? "Latent diffusion (" : "Pixel diffusion (") + o.dataSpec + ")" : o.name;

  torch::manual_seed(o.seed);
  auto model = makeBuiltinDenoiser(m, "train diffusion");
  auto ema = makeBuiltinDenoiser(m, "train diffusion");
  {
    torch::NoGradGuard ng;
    auto src = model->module().parameters(), dst = ema->module().parameters();
    for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  }
  model->to(device), ema->to(device);
  torch::optim::Adam optim(model->module().parameters(), torch::optim::AdamOptions(baseLr));

  Checkpoint ck{o.outDir + "/checkpoint"};
  TrainState st;
  if (o.resume && fs::exists(ck.state())) {
    auto j = readJsonFile(ck.state());
    st.epoch = j.at("epoch").get<int>(), st.batch = j.at("batch").get<int64_t>(), st.step = j.at("step").get<int64_t>();
    st.epochLossSum = j.value("epoch_loss_sum", 0.0);
    st.history = j.value("history", nlohmann::json::array());
    loadModuleWeights(model->module(), ck.model());
    loadModuleWeights(ema->module(), ck.ema());
    torch::load(optim, ck.optim());
    model->to(device), ema->to(device);
  }
  fs::create_directories(o.outDir);
  const bool freshLog = !o.resume || !fs::exists(o.outDir + "/train_log.csv");
  std::ofstream log(o.outDir + "/train_log.csv", freshLog ? std::ios::trunc : std::ios::app);
  if (freshLog) log << "epoch,loss,seconds,seconds_per_batch\n";

  const int64_t n = td.x.size(0);
  const int64_t batches = (n + batchSize - 1) / batchSize;
  const int64_t totalSteps = int64_t(o.epochs) * batches;
  const int nullClass = m.numClasses;
  DiffusionTrainResult res;
  res.parameters = model->parameterCount();
  res.epochsDone = st.epoch;
  if (!st.history.empty()) res.firstEpochLoss = st.history[0].value("loss", 0.0);
  auto xAll = td.x.to(device);
  auto stdAll = td.posteriorStd.defined() ? td.posteriorStd.to(device) : torch::Tensor();
  auto labelsAll = td.labels.defined() ? td.labels.to(device) : torch::Tensor();
  model->module().train();
  const auto runStart = Clock::now();
  auto lastCheckpoint = Clock::now();
  int64_t batchesThisRun = 0;
  const int64_t remaining = totalSteps - (int64_t(st.epoch) * batches + st.batch);
  bool stopped = false;

  auto writeBundle = [&](const TrainState& s) {
    Manifest out = m;
    out.training = {{"data", o.dataSpec}, {"model_type", o.modelType}, {"epochs", s.epoch},
                    {"seed", o.seed}, {"batch_size", batchSize}, {"learning_rate", baseLr},
                    {"class_dropout", o.classDropout}, {"ema_decay", o.emaDecay}, {"steps", s.step},
                    {"loss", "MSE to the " + predictionTypeName(schedule.config().predictionType) + " target"},
                    {"final_train_loss", s.history.empty() ? 0.0 : s.history.back().value("loss", 0.0)},
                    {"parameters", res.parameters}, {"command", o.commandLine}};
    if (latent) out.training["vae"] = o.vaeDir;
    ema->module().eval();
    saveDenoiserBundle(o.outDir, out, *ema);
  };

  for (; st.epoch < o.epochs && !stopped; ++st.epoch) {
    torch::Tensor perm = torch::randperm(n, at::detail::createCPUGenerator(mix(o.seed * 1000003 + uint64_t(st.epoch))),
                                         torch::TensorOptions(torch::kLong));
    auto epochStart = Clock::now();
    const int64_t firstBatch = st.batch;
    for (; st.batch < batches; ++st.batch) {
      cancel.throwIfCancelled();
      if (o.maxBatches > 0 && batchesThisRun >= o.maxBatches) {
        stopped = true;
        break;
      }
      auto gen = at::detail::createCPUGenerator(mix(mix(o.seed) ^ (uint64_t(st.epoch) << 32) ^ uint64_t(st.batch)));
      auto idx = perm.slice(0, st.batch * batchSize, std::min(n, (st.batch + 1) * batchSize)).to(device);
      const int64_t bn = idx.size(0);
      auto x0 = xAll.index_select(0, idx);
      auto cpuF = torch::TensorOptions(torch::kFloat);
      if (latent) x0 = (x0 + stdAll.index_select(0, idx) * torch::randn(x0.sizes(), gen, cpuF).to(device)) * td.latentScale;
      auto t = torch::randint(0, schedule.numTrainTimesteps(), {bn}, gen, torch::TensorOptions(torch::kLong)).to(device);
      auto noise = torch::randn(x0.sizes(), gen, cpuF).to(device);
      torch::Tensor classes;
      if (labelsAll.defined()) {
        auto drop = (torch::rand({bn}, gen, cpuF) < o.classDropout).to(device);
        classes = torch::where(drop, torch::full({bn}, nullClass, labelsAll.options()), labelsAll.index_select(0, idx));
      }
      auto xt = schedule.addNoise(x0, noise, t);
      auto out = model->forward(xt, t.to(torch::kFloat), classes);
      auto loss = torch::mse_loss(out, schedule.trainingTarget(x0, noise, t));
      for (auto& g : optim.param_groups())
        static_cast<torch::optim::AdamOptions&>(g.options()).lr(learningRate(baseLr, st.step, totalSteps));
      optim.zero_grad();
      loss.backward();
      torch::nn::utils::clip_grad_norm_(model->module().parameters(), 1.0);
      optim.step();
      {
        torch::NoGradGuard ng;
        const double d = std::min(o.emaDecay, (1.0 + double(st.step)) / (10.0 + double(st.step)));
        auto src = model->module().parameters(), dst = ema->module().parameters();
        for (size_t i = 0; i < src.size(); ++i) dst[i].mul_(d).add_(src[i].detach(), 1 - d);
      }
      double l = loss.item<double>();
      if (!std::isfinite(l)) throw BadInput("training diverged (loss is NaN/Inf) at epoch " + std::to_string(st.epoch + 1));
      st.epochLossSum += l;
      ++st.step, ++batchesThisRun;
      double elapsed = std::chrono::duration<double>(Clock::now() - runStart).count();
      res.secondsPerBatch = elapsed / double(batchesThisRun);
      if (progress && (st.batch % 10 == 0 || st.batch + 1 == batches)) {
        Progress p;
        p.epoch = st.epoch + 1, p.epochs = o.epochs, p.step = st.batch + 1, p.steps = batches;
        p.loss = st.epochLossSum / double(st.batch + 1);
        p.etaSeconds = res.secondsPerBatch * double(remaining - batchesThisRun);
        char rate[32];
        std::snprintf(rate, sizeof rate, "%.3f s/batch", res.secondsPerBatch);
        p.message = rate;
        progress(p);
      }
      if (o.checkpointMinutes > 0 && st.batch + 1 < batches &&
          std::chrono::duration<double>(Clock::now() - lastCheckpoint).count() > 60 * o.checkpointMinutes) {
        TrainState mid = st;
        mid.batch = st.batch + 1;
        saveCheckpoint(ck, model->module(), ema->module(), optim, mid);
        lastCheckpoint = Clock::now();
      }
    }
    if (stopped) break;
    double secs = std::chrono::duration<double>(Clock::now() - epochStart).count();
    double epochLoss = st.epochLossSum / double(batches);
    st.history.push_back({{"epoch", st.epoch + 1}, {"loss", epochLoss}});
    log << st.epoch + 1 << "," << epochLoss << "," << secs << "," << secs / double(std::max<int64_t>(1, batches - firstBatch))
        << std::endl;
    if (st.epoch == 0) res.firstEpochLoss = epochLoss;
    TrainState next = st;
    next.epoch = st.epoch + 1, next.batch = 0, next.epochLossSum = 0;
    saveCheckpoint(ck, model->module(), ema->module(), optim, next);
    lastCheckpoint = Clock::now();
    writeBundle(next);
    res.epochsDone = next.epoch;
    st.batch = 0, st.epochLossSum = 0;
  }
  if (stopped) {  // --max-batches: keep the position, and a bundle to sample from
    saveCheckpoint(ck, model->module(), ema->module(), optim, st);
    writeBundle(st);
  }
  if (!st.history.empty()) res.finalLoss = st.history.back().value("loss", 0.0);
  else if (st.batch > 0) res.finalLoss = st.epochLossSum / double(st.batch);
  return res;
}

}  // namespace latentlab
