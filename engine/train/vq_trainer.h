// Training loop for the built-in VQ-VAE (engine/models/vq_vae.h), the tokeniser of a
// vq-autoregressive bundle. Loss: reconstruction MSE + beta * commitment (encoder output to
// its code, code detached); gradients pass the quantiser straight through. The codebook is
// learned by EMA of the assigned encoder outputs, initialised by k-means on the first batch;
// codes whose EMA count falls below a threshold are restarted on random encoder outputs of
// the batch, so codebook usage stays high. Adam with cosine decay. The shared skeleton
// (engine/train/trainer_loop.h) brings checkpoints, --resume, train_log.csv (with test MSE
// and codebook perplexity per epoch) and progress. Every random draw is seeded by (seed,
// epoch, batch): --resume gives the same weights as an uninterrupted run.
#pragma once
#include <string>
#include <vector>

#include "engine/jobs/progress.h"

namespace latentlab {

struct VqTrainOptions {
  std::string dataSpec = "fashion-mnist:train";
  std::string testSpec = "fashion-mnist:test";  // measured each epoch, never trained on
  std::string outDir;
  std::string name;
  int epochs = 10;
  int batchSize = 128;
  double learningRate = 2e-3;
  int codebookSize = 128;
  int codeDim = 32;
  std::vector<int> channels = {48, 96};
  int resBlocks = 2;
  double beta = 0.25;           // commitment weight
  double emaDecay = 0.99;       // codebook EMA
  double deadThreshold = 1.0;   // restart codes whose EMA count per batch is below this
  uint64_t seed = 1;
  int64_t limit = 0;
  int64_t testLimit = 0;        // 0 = all test images
  int64_t maxBatches = 0;       // stop after N batches in this run (0 = no limit)
  bool resume = false;
  std::string commandLine;
};

struct VqTrainResult {
  int epochsDone = 0;
  double loss = 0, mse = 0, perplexity = 0, testMse = 0, testPerplexity = 0;
  int64_t parameters = 0;
};

VqTrainResult trainVqVae(const VqTrainOptions& opts, const ProgressFn& progress = {}, CancelToken cancel = {});

}  // namespace latentlab
