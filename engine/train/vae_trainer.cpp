#include "engine/train/vae_trainer.h"

#include <torch/torch.h>

#include <cmath>

#include "engine/data/image_tensor.h"
#include "engine/models/bundle.h"
#include "engine/train/snapshots.h"
#include "engine/train/trainer_loop.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

class VaeHooks : public TrainerHooks {
 public:
  VaeHooks(const VaeTrainOptions& o, const Dataset& data, ConvVae model, torch::optim::Adam& optim)
      : m_o(o), m_data(data), m_model(model), m_optim(optim),
        m_all(datasetToTensor(data, 0, data.count)),
        m_pixels(double(data.channels) * data.height * data.width) {}

  void beginEpoch(int epoch) override {
    // Per-epoch seeding makes a resumed run identical to an uninterrupted one. The same
    // global generator then draws the reparameterisation noise inside forward().
    torch::manual_seed(m_o.seed * 1000003 + uint64_t(epoch));
    setLearningRate(m_optim, cosineLearningRate(m_o.learningRate, epoch, m_o.epochs));
    m_perm = torch::randperm(m_data.count, torch::kInt64);
  }

  std::vector<double> trainBatch(int, int64_t b, int64_t) override {
    auto idx = m_perm.slice(0, b * m_o.batchSize, std::min(m_data.count, (b + 1) * m_o.batchSize));
    auto x = m_all.index_select(0, idx);
    auto out = m_model->forward(x);
    auto sq = (out.recon - x).pow(2).flatten(1).sum(1);  // per image
    auto mse = sq.mean() / m_pixels;
    auto sigma2 = mse.detach().clamp_min(1e-6);
    auto recon = sq / (2 * sigma2) + 0.5 * m_pixels * torch::log(2 * M_PI * sigma2);
    auto kl = 0.5 * (out.mu.pow(2) + out.logvar.exp() - 1 - out.logvar).sum(1);
    auto loss = (recon + kl).mean();
    m_optim.zero_grad();
    loss.backward();
    m_optim.step();
    return {loss.item<double>(), mse.item<double>(), kl.mean().item<double>()};
  }

  void writeBundle(const TrainPosition& at) override {
    const auto& last = at.history.empty() ? nlohmann::json::object() : at.history.back();
    const double loss = last.value("loss", 0.0), mse = last.value("mse", 0.0), kl = last.value("kl", 0.0);
    Manifest m;
    m.name = m_o.name.empty() ? "VAE " + std::to_string(m_o.latentDim) + "-d on " + m_o.dataSpec : m_o.name;
    m.kind = "autoencoder";
    m.image = {m_data.channels, m_data.height, m_data.width, 0.f, 1.f};
    m.latentShape = {m_o.latentDim};
    m.classes = m_data.classNames;
    m.autoencoder = NetworkSpec{"conv-vae", {}, "vae.safetensors", ""};
    m.training = {{"data", m_o.dataSpec},
                  {"epochs", at.epochsDone},
                  {"seed", m_o.seed},
                  {"batch_size", m_o.batchSize},
                  {"learning_rate", m_o.learningRate},
                  {"loss", "Gaussian VAE with per-batch optimal sigma"},
                  {"final_train_loss", loss},
                  {"final_train_mse", mse},
                  {"final_train_kl", kl},
                  {"decoder_sigma", std::sqrt(std::max(mse, 1e-6))},
                  {"command", m_o.commandLine}};
    saveConvVaeBundle(m_o.outDir, m, m_model);
    // A snapshot per finished epoch (not for a run stopped inside one).
    if (m_o.snapshots > 0 && at.batch == 0 && at.epochsDone > 0) writeSnapshot(m_o.outDir, at.epochsDone, m_o.snapshots);
  }

 private:
  const VaeTrainOptions& m_o;
  const Dataset& m_data;
  ConvVae m_model;
  torch::optim::Adam& m_optim;
  torch::Tensor m_all, m_perm;
  double m_pixels;
};

}  // namespace

VaeTrainResult trainVae(const VaeTrainOptions& o, const ProgressFn& progress, CancelToken cancel) {
  if (o.outDir.empty()) throw UsageError("train vae: an output folder (-o DIR) is required");
  if (o.snapshots < 0 || o.snapshots > 1000) throw UsageError("train vae: --snapshots must be in 0..1000");
  if (o.epochs < 1 || o.batchSize < 1 || o.latentDim < 1)
    throw UsageError("train vae: epochs, batch and latent dim must be >= 1");
  Dataset data = openTrainingSet(o.dataSpec, o.limit);
  if (data.height % 4 || data.width % 4) throw BadInput(o.dataSpec + ": image size must be divisible by 4 for conv-vae");

  torch::manual_seed(o.seed);  // the initial weights
  ConvVaeConfig cfg;
  cfg.imageChannels = data.channels, cfg.imageHeight = data.height, cfg.imageWidth = data.width;
  cfg.latentDim = o.latentDim, cfg.channels1 = o.channels1, cfg.channels2 = o.channels2, cfg.hidden = o.hidden;
  ConvVae model(cfg);
  torch::optim::Adam optim(model->parameters(), torch::optim::AdamOptions(o.learningRate));
  model->train();

  TrainerSpec spec;
  spec.command = "train vae";
  spec.outDir = o.outDir;
  spec.epochs = o.epochs;
  spec.batchesPerEpoch = (data.count + o.batchSize - 1) / o.batchSize;
  spec.resume = o.resume;
  spec.batchMetrics = spec.epochColumns = {"loss", "mse", "kl"};
  spec.progressEvery = 20;
  CheckpointParts parts{{{"model", model.ptr().get()}}, {{"optimizer", &optim}}, {{"batch_size", o.batchSize}}};
  VaeHooks hooks(o, data, model, optim);
  TrainerRun run = runTrainerLoop(spec, parts, hooks, progress, cancel);

  VaeTrainResult res;
  res.epochsDone = run.at.epochsDone;
  res.finalLoss = run.last("loss"), res.finalMse = run.last("mse"), res.finalKl = run.last("kl");
  res.firstEpochLoss = run.first("loss");
  return res;
}

}  // namespace latentlab
