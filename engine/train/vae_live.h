// A small VAE that trains one batch at a time in front of a class (issue 16, "A VAE that
// trains live"): the VAE Train view's engine. The built-in conv-vae (engine/models/conv_vae.h,
// so a saved result is an ordinary bundle), smaller by default so a 2-core CPU separates the
// Fashion-MNIST classes on the map within a minute. Loss per image: the Bernoulli
// reconstruction term (binary cross-entropy summed over pixels) + beta * KL(q(z|x) || N(0, I)),
// the textbook beta-VAE, so the beta slider means what the lecture says. Every step draws its
// batch and noise from a generator seeded by (seed, step): a seed replays the same run.
// Torch-free header. Thread-safe: step, encodeMap, decode and saveBundle lock one mutex, so the
// cursor's decode (interactive worker) may run while the background worker trains; it never
// touches GL, ImGui or files other than the data sets and the bundle it is asked to write.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/data/image.h"

namespace latentlab {

struct VaeLiveOptions {
  std::string dataSpec = "fashion-mnist:train";
  int64_t limit = 0;                 // training images kept (the first ones; 0 = all)
  std::string mapSpec = "fashion-mnist:test";
  int64_t mapCount = 2000;           // test images on the map (the first ones)
  int latentDim = 2;
  int channels1 = 16, channels2 = 32, hidden = 256;  // conv-vae sizes (train vae uses 32, 64, 512)
  int batchSize = 64;
  double learningRate = 2e-3;        // Adam (as train vae); may change between steps (setLearningRate)
  double beta = 1.0;                 // KL weight; may change between steps (setBeta)
  uint64_t seed = 1;
};

struct VaeLiveStats {
  int64_t step = 0;              // steps done after this one (1-based)
  double loss = 0;               // recon + beta * kl, per image (nats), as optimised
  double recon = 0, kl = 0;      // the two terms, per image (nats)
  double beta = 0, learningRate = 0;  // what this step used
  std::vector<float> klPerDim;   // the batch's mean KL of each latent dimension (sums to kl)
};

// The map: the test images' posterior means, drawn in a plane. For a 2-d latent the plane is
// the latent itself; above that it is the means' PCA plane: z = origin + x * axisU + y * axisV.
struct VaeLiveMap {
  int64_t step = 0;              // the weights' step count when it was encoded
  int dims = 0;                  // latent size D
  std::vector<float> xy;         // N x 2 plane coordinates
  std::vector<int> labels;       // N class indices (-1: unlabelled)
  std::vector<float> origin, axisU, axisV;  // D each
  double knnAccuracy = 0;        // 5-NN leave-one-out class accuracy of the latent means
};

class VaeLive {
 public:
  // Opens the data sets (or uses the ones given) and builds the VAE from the seed.
  // Throws BadInput (data unusable) or UsageError (bad options).
  explicit VaeLive(const VaeLiveOptions& opts, const Dataset* train = nullptr, const Dataset* map = nullptr);
  ~VaeLive();
  VaeLive(const VaeLive&) = delete;
  VaeLive& operator=(const VaeLive&) = delete;

  VaeLiveStats step();
  void setBeta(double beta);               // applies from the next step; throws UsageError if < 0
  void setLearningRate(double lr);         // applies from the next step; throws UsageError if <= 0
  int64_t steps() const;
  const VaeLiveOptions& options() const;  // with the current beta and learning rate
  const std::vector<std::string>& classNames() const;

  VaeLiveMap encodeMap();
  // The decoder's image of latent z (D values) with the current weights.
  Image decode(const std::vector<float>& z);
  // The loss (recon + beta * kl, per image) of the first batch of training images with z at
  // the posterior mean: no noise, so it changes only when the weights do.
  double fixedBatchLoss();
  // Writes a bundle (model.json + vae.safetensors) loadable by `latentlab --model DIR`: into
  // a temporary sibling folder first, then renamed into place (an existing bundle at DIR is
  // replaced only once the new one is complete). Throws BadInput when DIR holds something
  // that is not a model bundle, or cannot be written.
  void saveBundle(const std::string& dir, const std::string& name = "");

 private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

// Leave-one-out k-nearest-neighbour class accuracy of N points of `dims` values each (ties:
// the smallest class index). What "the classes separate" means in numbers.
double knnAccuracy(const std::vector<float>& points, int dims, const std::vector<int>& labels, int k = 5);

}  // namespace latentlab
