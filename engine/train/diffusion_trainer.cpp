#include "engine/train/batch_seed.h"
#include "engine/train/diffusion_trainer.h"

#include <torch/torch.h>

#include <cstdio>
#include <cmath>
#include <filesystem>

#include "engine/data/dataset.h"
#include "engine/data/image_tensor.h"
#include "engine/diffusion/schedule.h"
#include "engine/models/builtin_denoiser.h"
#include "engine/models/bundle.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/train/trainer_loop.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {

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
  auto gen = at::detail::createCPUGenerator(splitMix64(seed ^ 0x5CA1Eull));
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

namespace {

class DiffusionHooks : public TrainerHooks {
 public:
  DiffusionHooks(const DiffusionTrainOptions& o, const Manifest& m, const NoiseSchedule& schedule,
                 const TrainingData& td, BuiltinDenoiser& model, BuiltinDenoiser& ema, torch::optim::Adam& optim,
                 torch::Device device, int batchSize, double baseLr, int64_t totalSteps)
      : m_o(o), m_m(m), m_schedule(schedule), m_model(model), m_ema(ema), m_optim(optim), m_device(device),
        m_latent(o.modelType == "latent-mlp"), m_batchSize(batchSize), m_baseLr(baseLr), m_totalSteps(totalSteps),
        m_n(td.x.size(0)), m_latentScale(td.latentScale), m_xAll(td.x.to(device)) {
    if (td.posteriorStd.defined()) m_stdAll = td.posteriorStd.to(device);
    if (td.labels.defined()) m_labelsAll = td.labels.to(device);
  }

  void beginEpoch(int epoch) override {
    m_perm = torch::randperm(m_n, at::detail::createCPUGenerator(splitMix64(m_o.seed * 1000003 + uint64_t(epoch))),
                             torch::TensorOptions(torch::kLong));
  }

  // Every batch draws from its own generator seeded by (seed, epoch, batch): a run resumed
  // anywhere, even mid-epoch, gives the same weights as an uninterrupted one.
  std::vector<double> trainBatch(int epoch, int64_t batch, int64_t step) override {
    auto gen = at::detail::createCPUGenerator(batchSeed(m_o.seed, epoch, batch));
    auto idx = m_perm.slice(0, batch * m_batchSize, std::min(m_n, (batch + 1) * m_batchSize)).to(m_device);
    const int64_t bn = idx.size(0);
    auto x0 = m_xAll.index_select(0, idx);
    auto cpuF = torch::TensorOptions(torch::kFloat);
    if (m_latent)
      x0 = (x0 + m_stdAll.index_select(0, idx) * torch::randn(x0.sizes(), gen, cpuF).to(m_device)) * m_latentScale;
    auto t = torch::randint(0, m_schedule.numTrainTimesteps(), {bn}, gen, torch::TensorOptions(torch::kLong)).to(m_device);
    auto noise = torch::randn(x0.sizes(), gen, cpuF).to(m_device);
    torch::Tensor classes;
    if (m_labelsAll.defined()) {
      auto drop = (torch::rand({bn}, gen, cpuF) < m_o.classDropout).to(m_device);
      classes = torch::where(drop, torch::full({bn}, m_m.numClasses, m_labelsAll.options()),  // the null class
                             m_labelsAll.index_select(0, idx));
    }
    auto xt = m_schedule.addNoise(x0, noise, t);
    auto out = m_model.forward(xt, t.to(torch::kFloat), classes);
    auto loss = torch::mse_loss(out, m_schedule.trainingTarget(x0, noise, t));
    setLearningRate(m_optim, learningRate(m_baseLr, step, m_totalSteps));
    m_optim.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(m_model.module().parameters(), 1.0);
    m_optim.step();
    {
      torch::NoGradGuard ng;
      const double d = std::min(m_o.emaDecay, (1.0 + double(step)) / (10.0 + double(step)));
      auto src = m_model.module().parameters(), dst = m_ema.module().parameters();
      for (size_t i = 0; i < src.size(); ++i) dst[i].mul_(d).add_(src[i].detach(), 1 - d);
    }
    return {loss.item<double>()};
  }

  std::string progressMessage(const std::vector<double>&, int64_t, double secondsPerBatch) override {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.3f s/batch", secondsPerBatch);
    return rate;
  }

  // The exported weights are the EMA's.
  void writeBundle(const TrainPosition& at) override {
    Manifest out = m_m;
    out.training = {{"data", m_o.dataSpec}, {"model_type", m_o.modelType}, {"epochs", at.epochsDone},
                    {"seed", m_o.seed}, {"batch_size", m_batchSize}, {"learning_rate", m_baseLr},
                    {"class_dropout", m_o.classDropout}, {"ema_decay", m_o.emaDecay}, {"steps", at.step},
                    {"loss", "MSE to the " + predictionTypeName(m_schedule.config().predictionType) + " target"},
                    {"final_train_loss", at.history.empty() ? 0.0 : at.history.back().value("loss", 0.0)},
                    {"parameters", m_model.parameterCount()}, {"command", m_o.commandLine}};
    if (m_latent) out.training["vae"] = m_o.vaeDir;
    m_ema.module().eval();
    saveDenoiserBundle(m_o.outDir, out, m_ema);
  }

 private:
  const DiffusionTrainOptions& m_o;
  const Manifest& m_m;
  const NoiseSchedule& m_schedule;
  BuiltinDenoiser &m_model, &m_ema;
  torch::optim::Adam& m_optim;
  torch::Device m_device;
  bool m_latent;
  int m_batchSize;
  double m_baseLr;
  int64_t m_totalSteps, m_n;
  double m_latentScale;
  torch::Tensor m_xAll, m_stdAll, m_labelsAll, m_perm;
};

}  // namespace

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

  Dataset data = openTrainingSet(o.dataSpec, o.limit);

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

  torch::manual_seed(o.seed);  // the initial weights
  auto model = makeBuiltinDenoiser(m, "train diffusion");
  auto ema = makeBuiltinDenoiser(m, "train diffusion");
  {
    torch::NoGradGuard ng;
    auto src = model->module().parameters(), dst = ema->module().parameters();
    for (size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  }
  model->to(device), ema->to(device);
  torch::optim::Adam optim(model->module().parameters(), torch::optim::AdamOptions(baseLr));
  model->module().train();

  TrainerSpec spec;
  spec.command = "train diffusion";
  spec.outDir = o.outDir;
  spec.epochs = o.epochs;
  spec.batchesPerEpoch = (td.x.size(0) + batchSize - 1) / batchSize;
  spec.resume = o.resume;
  spec.batchMetrics = spec.epochColumns = {"loss"};
  spec.progressEvery = 10;
  spec.checkpointMinutes = o.checkpointMinutes;
  spec.maxBatches = o.maxBatches;
  CheckpointParts parts{{{"model", &model->module()}, {"ema", &ema->module()}},
                        {{"optimizer", &optim}},
                        {{"batch_size", batchSize}, {"model_type", o.modelType}}};
  DiffusionHooks hooks(o, m, schedule, td, *model, *ema, optim, device, batchSize, baseLr,
                       int64_t(o.epochs) * spec.batchesPerEpoch);
  TrainerRun run = runTrainerLoop(spec, parts, hooks, progress, cancel);

  DiffusionTrainResult res;
  res.parameters = model->parameterCount();
  res.epochsDone = run.at.epochsDone;
  res.firstEpochLoss = run.first("loss");
  res.secondsPerBatch = run.secondsPerBatch;
  if (!run.at.history.empty()) res.finalLoss = run.last("loss");
  else if (run.at.batch > 0) res.finalLoss = run.at.sums[0] / double(run.at.batch);
  return res;
}

}  // namespace latentlab
