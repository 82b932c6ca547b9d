// The checkpoint every built-in trainer writes (through engine/train/trainer_loop.h): the
// weights of each named module (<name>.safetensors: "model", and "ema" for diffusion), the
// state of each named optimizer (<name>.pt: "optimizer"), and state.json with the position
// in the run (epochs done, batches done in the next epoch for a mid-epoch checkpoint,
// optimizer steps, the metric sums of the partial epoch) and the per-epoch history.
// A checkpoint is written in full into DIR.tmp and swapped in by rename, so a crash leaves
// the previous checkpoint or the new one, never weights of one epoch with the position of
// another. Also the cosine learning-rate schedule the VAE and classifier trainers use.
#pragma once
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace latentlab {

// Where a run stands.
struct TrainPosition {
  int epochsDone = 0;        // complete epochs
  int64_t batch = 0;         // batches done in the epoch after those (mid-epoch checkpoints only)
  int64_t step = 0;          // optimizer steps in total
  int64_t batchesPerEpoch = 0;  // of the run that wrote it (0: not recorded)
  std::vector<double> sums;  // the per-batch metrics summed over those `batch` batches
  nlohmann::json history = nlohmann::json::array();  // one object per complete epoch
};

// What a checkpoint holds besides the position. Pointers are borrowed.
struct CheckpointParts {
  std::vector<std::pair<std::string, torch::nn::Module*>> modules;
  std::vector<std::pair<std::string, torch::optim::Optimizer*>> optimizers;
  // Options that must be the same on --resume (e.g. batch size): recorded, then compared.
  nlohmann::json options = nlohmann::json::object();
};

class EpochCheckpoint {
 public:
  explicit EpochCheckpoint(std::string dir) : m_dir(std::move(dir)) {}  // usually OUT/checkpoint
  const std::string& dir() const { return m_dir; }

  void save(const CheckpointParts& parts, const TrainPosition& at) const;
  // Loads the newest complete checkpoint into parts and `at`; false (nothing touched) when
  // there is none. `command` names the run in errors, e.g. "train vae --resume".
  // Reads the older layouts too (state.json with "epoch" and "epoch_loss_sum").
  bool load(const CheckpointParts& parts, TrainPosition& at, const std::string& command) const;

 private:
  std::string m_dir;
};

// Cosine decay from base to 5 % of base over `epochs` epochs (epoch counted from 0).
double cosineLearningRate(double base, int epoch, int epochs);

// Sets the learning rate of every parameter group.
void setLearningRate(torch::optim::Optimizer& optim, double lr);

}  // namespace latentlab
