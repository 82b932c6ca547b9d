// Training loop for the built-in conv VAE.
// Loss: the "optimal sigma" Gaussian VAE: the decoder variance is set each batch to the
// batch's mean squared error (detached), so reconstruction is weighted 1/(2 sigma^2) against
// the KL term. This is the ELBO with the maximum-likelihood global sigma, and it gives much
// sharper reconstructions than a Bernoulli/beta=1 VAE at the same size.
// The loop, checkpoints (after every epoch), --resume, the log and progress are the shared
// skeleton's (engine/train/trainer_loop.h); the bundle is rewritten after every epoch.
// The same seed gives the same run, resumed or not.
#pragma once
#include <string>

#include "engine/data/dataset.h"
#include "engine/jobs/progress.h"

namespace latentlab {

struct VaeTrainOptions {
  std::string dataSpec = "fashion-mnist:train";
  std::string outDir;
  std::string name;            // manifest name; default "<data> VAE, <D>-d"
  int latentDim = 16;
  int epochs = 30;
  int batchSize = 128;
  double learningRate = 2e-3;
  int channels1 = 32, channels2 = 64, hidden = 512;
  uint64_t seed = 1;
  int64_t limit = 0;           // use only the first N training images (0 = all)
  bool resume = false;
  int snapshots = 0;           // keep the bundle of each of the last N epochs in OUT/snapshots (0 = none)
  std::string commandLine;     // recorded as provenance in model.json
};

struct VaeTrainResult {
  int epochsDone = 0;
  double finalLoss = 0, finalMse = 0, finalKl = 0;
  double firstEpochLoss = 0;
};

VaeTrainResult trainVae(const VaeTrainOptions& opts, const ProgressFn& progress = {}, CancelToken cancel = {});

}  // namespace latentlab
