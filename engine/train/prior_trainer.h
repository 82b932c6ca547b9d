// Training loop for the transformer prior of a vq-autoregressive bundle
// (engine/models/token_prior.h). The VQ-VAE (a bundle written by `train vqvae`) is frozen:
// the training and test sets are tokenised with it once, then the prior learns next-token
// cross-entropy over [class, t_0 .. t_48] in raster order. AdamW, linear warm-up then cosine
// decay per epoch. The shared skeleton (engine/train/trainer_loop.h) brings checkpoints,
// --resume, train_log.csv (train and test loss in nats per token) and progress; every
// random draw (order, dropout) is seeded by (seed, epoch, batch), so --resume gives the same
// weights. The bundle written after every epoch is complete: the VQ-VAE's weights copied,
// the prior's, model.json with both configs, both training records and the sampling settings.
#pragma once
#include <string>

#include "engine/jobs/progress.h"

namespace latentlab {

struct PriorTrainOptions {
  std::string vqDir;  // a vq-autoregressive bundle (its VQ-VAE is used; a prior in it is ignored)
  std::string dataSpec = "fashion-mnist:train";
  std::string testSpec = "fashion-mnist:test";
  std::string outDir;
  std::string name;
  int epochs = 6;
  int batchSize = 128;
  double learningRate = 1e-3;
  double weightDecay = 0.01;
  int warmupSteps = 200;
  int dModel = 192, layers = 4, heads = 6;
  double dropout = 0.1;
  uint64_t seed = 1;
  int64_t limit = 0, testLimit = 0;
  int64_t maxBatches = 0;
  bool resume = false;
  std::string commandLine;
};

struct PriorTrainResult {
  int epochsDone = 0;
  double loss = 0, testLoss = 0;  // nats per token
  int64_t parameters = 0;
};

PriorTrainResult trainPrior(const PriorTrainOptions& opts, const ProgressFn& progress = {}, CancelToken cancel = {});

}  // namespace latentlab
