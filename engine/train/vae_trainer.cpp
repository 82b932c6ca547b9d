#include "engine/train/vae_trainer.h"

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "engine/data/image_tensor.h"
#include "engine/models/bundle.h"
#include "engine/train/epoch_checkpoint.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace fs = std::filesystem;

namespace latentlab {

VaeTrainResult trainVae(const VaeTrainOptions& o, const ProgressFn& progress, CancelToken cancel) {
  if (o.outDir.empty()) throw UsageError("train: an output folder (-o DIR) is required");
  if (o.epochs < 1 || o.batchSize < 1 || o.latentDim < 1) throw UsageError("train: epochs, batch and latent dim must be >= 1");
  DatasetOptions dopts;
  dopts.limit = o.limit;
  Dataset data = openDataset(o.dataSpec, dopts);
  if (data.height % 4 || data.width % 4) throw BadInput(o.dataSpec + ": image size must be divisible by 4 for conv-vae");

  torch::manual_seed(o.seed);
  ConvVaeConfig cfg;
  cfg.imageChannels = data.channels, cfg.imageHeight = data.height, cfg.imageWidth = data.width;
  cfg.latentDim = o.latentDim, cfg.channels1 = o.channels1, cfg.channels2 = o.channels2, cfg.hidden = o.hidden;
  ConvVae model(cfg);
  torch::optim::Adam optim(model->parameters(), torch::optim::AdamOptions(o.learningRate));

  EpochCheckpoint ck{o.outDir + "/checkpoint"};
  int startEpoch = 0;
  nlohmann::json history = nlohmann::json::array();
  if (o.resume) startEpoch = ck.resume(*model, optim, history);
  fs::create_directories(o.outDir);
  std::ofstream log(o.outDir + "/train_log.csv", startEpoch ? std::ios::app : std::ios::trunc);
  if (!startEpoch) log << "epoch,loss,mse,kl,seconds\n";

  torch::Tensor all = datasetToTensor(data, 0, data.count);
  const int64_t n = data.count;
  const int64_t batches = (n + o.batchSize - 1) / o.batchSize;
  const double pixels = double(data.channels) * data.height * data.width;
  VaeTrainResult res;
  res.epochsDone = startEpoch;
  if (!history.empty()) res.firstEpochLoss = history[0].value("loss", 0.0);
  model->train();
  auto t0 = std::chrono::steady_clock::now();
  int64_t stepsDoneThisRun = 0;
  const int64_t stepsThisRun = int64_t(o.epochs - startEpoch) * batches;

  for (int epoch = startEpoch; epoch < o.epochs; ++epoch) {
    // Per-epoch seeding makes a resumed run identical to an uninterrupted one.
    torch::manual_seed(o.seed * 1000003 + uint64_t(epoch));
    double lr = cosineLearningRate(o.learningRate, epoch, o.epochs);
    for (auto& g : optim.param_groups()) static_cast<torch::optim::AdamOptions&>(g.options()).lr(lr);
    torch::Tensor perm = torch::randperm(n, torch::kInt64);
    double sumLoss = 0, sumMse = 0, sumKl = 0;
    auto te = std::chrono::steady_clock::now();
    for (int64_t b = 0; b < batches; ++b) {
      cancel.throwIfCancelled();
      auto idx = perm.slice(0, b * o.batchSize, std::min(n, (b + 1) * o.batchSize));
      auto x = all.index_select(0, idx);
      auto out = model->forward(x);
      auto sq = (out.recon - x).pow(2).flatten(1).sum(1);  // per image
      auto mse = sq.mean() / pixels;
      auto sigma2 = mse.detach().clamp_min(1e-6);
      auto recon = sq / (2 * sigma2) + 0.5 * pixels * torch::log(2 * M_PI * sigma2);
      auto kl = 0.5 * (out.mu.pow(2) + out.logvar.exp() - 1 - out.logvar).sum(1);
      auto loss = (recon + kl).mean();
      optim.zero_grad();
      loss.backward();
      optim.step();
      double l = loss.item<double>(), m = mse.item<double>(), k = kl.mean().item<double>();
      if (!std::isfinite(l)) throw BadInput("training diverged (loss is NaN/Inf) at epoch " + std::to_string(epoch + 1));
      sumLoss += l, sumMse += m, sumKl += k;
      ++stepsDoneThisRun;
      if (progress && (b % 20 == 0 || b + 1 == batches)) {
        double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        Progress p;
        p.epoch = epoch + 1, p.epochs = o.epochs, p.step = b + 1, p.steps = batches;
        p.loss = sumLoss / (b + 1), p.mse = sumMse / (b + 1), p.kl = sumKl / (b + 1);
        p.etaSeconds = el / stepsDoneThisRun * (stepsThisRun - stepsDoneThisRun);
        progress(p);
      }
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - te).count();
    res.finalLoss = sumLoss / batches, res.finalMse = sumMse / batches, res.finalKl = sumKl / batches;
    if (epoch == 0) res.firstEpochLoss = res.finalLoss;
    history.push_back({{"epoch", epoch + 1}, {"loss", res.finalLoss}, {"mse", res.finalMse}, {"kl", res.finalKl}});
    log << epoch + 1 << "," << res.finalLoss << "," << res.finalMse << "," << res.finalKl << "," << secs << std::endl;
    ck.save(*model, optim, epoch + 1, history);
    res.epochsDone = epoch + 1;
  }
  if (!history.empty()) {
    auto& last = history.back();
    res.finalLoss = last["loss"], res.finalMse = last["mse"], res.finalKl = last["kl"];
  }

  model->eval();
  Manifest m;
  m.name = o.name.empty() ? "VAE " + std::to_string(o.latentDim) + "-d on " + o.dataSpec : o.name;
  m.kind = "autoencoder";
  m.image = {data.channels, data.height, data.width, 0.f, 1.f};
  m.latentShape = {o.latentDim};
  m.classes = data.classNames;
  m.autoencoder = NetworkSpec{"conv-vae", {}, "vae.safetensors", ""};
  m.training = {{"data", o.dataSpec},
                {"epochs", res.epochsDone},
                {"seed", o.seed},
                {"batch_size", o.batchSize},
                {"learning_rate", o.learningRate},
                {"loss", "Gaussian VAE with per-batch optimal sigma"},
                {"final_train_loss", res.finalLoss},
                {"final_train_mse", res.finalMse},
                {"final_train_kl", res.finalKl},
                {"decoder_sigma", std::sqrt(std::max(res.finalMse, 1e-6))},
                {"command", o.commandLine}};
  saveConvVaeBundle(o.outDir, m, model);
  return res;
}

}  // namespace latentlab
