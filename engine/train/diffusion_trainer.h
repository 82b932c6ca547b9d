// Training loop for the built-in denoisers: "unet" on pixels (kind diffusion) and
// "latent-mlp" in the latent of a VAE bundle (kind latent-diffusion, the data set is
// encoded once; each batch samples z from the VAE posterior, scaled to unit variance).
// Loss: MSE to the schedule's prediction target at a uniform random timestep; labels are
// dropped to the null class with probability class_dropout (classifier-free guidance).
// An exponential moving average of the weights is what gets exported.
// Checkpoints (model, EMA, optimizer, position: the shared epoch checkpoint of
// engine/train/trainer_loop.h) are written after every epoch and every checkpoint_minutes
// inside long epochs; --resume continues from the last one and
// gives the same result as an uninterrupted run (every batch draws from its own seeded
// generator). The bundle (model.json + EMA weights) is rewritten after every epoch, so a
// run in progress can already be sampled. The learning-rate schedule (warm-up, cosine
// decay) spans --epochs, so resume with the same --epochs for an identical run.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/jobs/progress.h"

namespace latentlab {

struct DiffusionTrainOptions {
  std::string modelType = "unet";  // unet | latent-mlp
  std::string dataSpec = "fashion-mnist:train";
  std::string vaeDir;              // latent-mlp: the autoencoder bundle
  std::string outDir;
  std::string name;
  std::string device = "auto";
  int epochs = 20;
  int batchSize = 0;               // 0: 64 for unet, 256 for latent-mlp
  double learningRate = 0;         // 0: 5e-4 for unet, 1e-3 for latent-mlp
  std::vector<int> channels = {32, 64, 64};  // unet
  int embDim = 128;
  bool attention = true;
  int hidden = 256, blocks = 4;    // latent-mlp
  nlohmann::json scheduler;        // null: the model type's default
  double classDropout = 0.1;
  double emaDecay = 0.999;
  double checkpointMinutes = 10;
  uint64_t seed = 1;
  int64_t limit = 0;
  int64_t maxBatches = 0;          // stop after this many batches in this run (0 = no limit): timing, smoke tests
  bool resume = false;
  std::string commandLine;
};

struct DiffusionTrainResult {
  int epochsDone = 0;
  double finalLoss = 0, firstEpochLoss = 0;
  double secondsPerBatch = 0;  // measured in this run
  int64_t parameters = 0;
};

nlohmann::json defaultDiffusionScheduler(const std::string& modelType);

DiffusionTrainResult trainDiffusion(const DiffusionTrainOptions& opts, const ProgressFn& progress = {},
                                    CancelToken cancel = {});

}  // namespace latentlab
