// Training loop for the built-in class-conditional DCGAN (engine/models/gan_generator.h,
// gan_discriminator.h). Non-saturating GAN loss; the discriminator gets a lazy R1 penalty
// on real images (every r1_every steps, scaled by r1_every) which keeps the unnormalised
// projection discriminator smooth. Each batch: one D step on real + fake, then one G step on
// the same fakes (D frozen). An exponential moving average of the generator's weights is
// what gets exported, after its BatchNorm statistics are re-estimated on its own samples
// (the live generator's running statistics do not fit the averaged weights).
// Every random draw comes from a generator seeded by (seed, epoch, batch), so --resume gives
// the same weights as an uninterrupted run. After every epoch the checkpoint (G, D, EMA,
// both optimizers, position, history) is written into a fresh folder that replaces the
// old one by rename, and the bundle (model.json + EMA generator weights) is rewritten, so
// a run in progress can be evaluated. Learning rates are constant: --epochs can be raised
// on --resume to train longer.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/jobs/progress.h"

namespace latentlab {

struct GanTrainOptions {
  std::string dataSpec = "fashion-mnist:train";
  std::string outDir;
  std::string name;
  std::string device = "auto";
  int epochs = 20;
  int batchSize = 64;
  double learningRate = 2e-4;      // both networks (Adam, betas 0.5 / 0.999, DCGAN's)
  int latentDim = 64;
  std::vector<int> channels = {128, 64, 32};      // generator at H/4, H/2, H
  std::vector<int> discChannels = {64, 128, 256}; // discriminator convs and features
  double r1Gamma = 1.0;            // R1 weight (gradient w.r.t. images in [0, 1])
  int r1Every = 4;
  double emaDecay = 0.999;
  uint64_t seed = 1;
  int64_t limit = 0;
  int64_t maxBatches = 0;          // stop after this many batches in this run (0 = no limit): timing, tests
  bool resume = false;
  bool writeBundleEachEpoch = true;
  std::string commandLine;
};

struct GanProgress {
  int epoch = 0, epochs = 0;      // 1-based epoch
  int64_t batch = 0, batches = 0; // 1-based batch within the epoch
  double dLoss = 0, gLoss = 0;    // running means over the epoch
  double dReal = 0, dFake = 0;    // running mean of sigmoid(D) on real and fake images
  double secondsPerBatch = 0, etaSeconds = 0;
};
using GanProgressFn = std::function<void(const GanProgress&)>;

struct GanTrainResult {
  int epochsDone = 0;
  double dLoss = 0, gLoss = 0;  // last epoch's means (or the partial epoch's)
  double secondsPerBatch = 0;
  int64_t generatorParameters = 0, discriminatorParameters = 0;
};

GanTrainResult trainGan(const GanTrainOptions& opts, const GanProgressFn& progress = {}, CancelToken cancel = {});

}  // namespace latentlab
