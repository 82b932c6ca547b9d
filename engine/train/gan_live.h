// A small GAN that trains one batch at a time in front of a class (issue 14, "Watch a GAN
// train"): the Train view's engine. Same networks and loss as `latentlab train gan`
// (engine/models/gan_*.h, non-saturating loss, projection discriminator, lazy R1), smaller
// channel counts so a 2-core CPU shows clothing within minutes. Every step draws its batch
// and noise from a generator seeded by (seed, step), so a seed always replays the same run.
// Torch-free header: the app's Train view holds it and calls it only on a worker thread,
// one call at a time; it never touches GL, ImGui or files other than the data set.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/data/image.h"

namespace latentlab {

struct GanLiveOptions {
  std::string dataSpec = "fashion-mnist:train";
  int64_t limit = 12000;             // real images kept (the first ones of the data set)
  int batchSize = 64;
  std::string optimizer = "adam";    // "adam" (betas 0.5 / 0.999, DCGAN's) or "sgd" (momentum 0.5)
  double lrG = 2e-4, lrD = 2e-4;     // may be changed between steps (setLearningRates)
  int latentDim = 64;
  std::vector<int> channels = {64, 32, 16};       // generator at H/4, H/2, H
  std::vector<int> discChannels = {32, 64, 128};  // discriminator convs and features
  bool conditional = true;           // class-conditional when the data has labels
  double r1Gamma = 1.0;              // R1 on real images every r1Every steps (0 = off)
  int r1Every = 4;
  uint64_t seed = 1;
  int gridPerClass = 4;              // the fixed sample grid: this many z per class (40 for 10 classes)
};

enum class GanStepKind { Both, Discriminator, Generator };

struct GanLiveStats {
  int64_t step = 0;               // steps done after this one (1-based)
  GanStepKind kind = GanStepKind::Both;
  double dLoss = 0, gLoss = 0;    // this batch's losses (NaN for the network that did not step)
  double dReal = 0, dFake = 0;    // mean sigmoid(D) on the batch's real and fake images
};

class GanLive {
 public:
  // Opens the data set (or uses `data` when given) and builds both networks from the seed.
  // Throws BadInput (data unusable) or UsageError (bad options).
  explicit GanLive(const GanLiveOptions& opts, const Dataset* data = nullptr);
  ~GanLive();
  GanLive(const GanLive&) = delete;
  GanLive& operator=(const GanLive&) = delete;

  GanLiveStats step(GanStepKind kind = GanStepKind::Both);
  void setLearningRates(double lrG, double lrD);
  int64_t steps() const;
  const GanLiveOptions& options() const;
  int numClasses() const;                       // 0 = unconditional
  const std::vector<std::string>& classNames() const;

  // The fixed grid: the same z (and classes, class c in column c) at every call, images from
  // the generator as it is now (BatchNorm in eval mode). Row-major, rows x columns.
  std::vector<Image> renderGrid();
  int gridColumns() const;
  int gridRows() const;
  // D's loss (as trained: softplus(-D(real)) + softplus(D(fake))) on a fixed batch: the first
  // batchSize real images and the generator's images of fixed z. What "D got better" means.
  double fixedBatchDLoss();
  // How many of n fresh samples (seeded by `seed`, classes drawn uniformly) the classifier
  // bundle in `classifierDir` puts in each class: a histogram that shows mode collapse.
  // The classifier is loaded on the first call. Throws BadInput when it cannot be loaded.
  std::vector<int> classHistogram(const std::string& classifierDir, int n, uint64_t seed);

 private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

}  // namespace latentlab
