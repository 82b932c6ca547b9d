// The one training loop behind the built-in trainers (VAE, classifier, diffusion): output
// folder, checkpoint and --resume (engine/train/epoch_checkpoint.h), train_log.csv, progress
// with ETA, cancellation between batches, the divergence check, the per-epoch history,
// mid-epoch checkpoints, --max-batches stops, and the bundle rewritten after every epoch so
// a run in progress can already be used. A trainer builds its data, model and optimizer and
// supplies the model-specific steps as TrainerHooks. The loop draws no random numbers and
// owns no model: what a seed gives is decided by the hooks alone.
#pragma once
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/jobs/progress.h"
#include "engine/train/epoch_checkpoint.h"

namespace latentlab {

struct TrainerSpec {
  std::string command;                    // names the run in errors, e.g. "train vae"
  std::string outDir;
  int epochs = 1;
  int64_t batchesPerEpoch = 0;
  bool resume = false;                    // continue from OUT/checkpoint when there is one
  std::vector<std::string> batchMetrics;  // what trainBatch returns, summed over an epoch; the first is the loss
  std::vector<std::string> epochColumns;  // what endEpoch returns: the log's and history's columns
  int progressEvery = 20;                 // report after every N-th batch and the last
  double checkpointMinutes = 0;           // also checkpoint inside an epoch this often (0: epoch ends only)
  int64_t maxBatches = 0;                 // stop after N batches in this run, keeping the position (0: no limit)
};

// The model-specific steps. Called on the training thread, in this order per epoch:
// beginEpoch, trainBatch for each remaining batch, endEpoch, writeBundle.
class TrainerHooks {
 public:
  virtual ~TrainerHooks() = default;
  // Start of an epoch (also of one resumed in the middle): reseed, shuffle, set the learning rate.
  virtual void beginEpoch(int epoch) = 0;
  // One optimizer step on batch `batch` of `epoch`; `step` = optimizer steps before it.
  // Returns one value per TrainerSpec::batchMetrics.
  virtual std::vector<double> trainBatch(int epoch, int64_t batch, int64_t step) = 0;
  // The finished epoch's values, one per TrainerSpec::epochColumns. Default: the batch
  // metrics' means (the columns are then the metrics).
  virtual std::vector<double> endEpoch(int epoch, const std::vector<double>& sums, int64_t batches, CancelToken cancel);
  // Extra text for a progress report after `batchesDone` batches of the epoch.
  virtual std::string progressMessage(const std::vector<double>& sums, int64_t batchesDone, double secondsPerBatch) {
    return {};
  }
  // A line reported once the epoch's values are known (e.g. test accuracy); "" for none.
  virtual std::string epochMessage(const std::vector<double>& values) { return {}; }
  // Writes the bundle (model.json + weights) of the run so far.
  virtual void writeBundle(const TrainPosition& at) = 0;
};

struct TrainerRun {
  TrainPosition at;            // where the run ended
  double secondsPerBatch = 0;  // measured in this run
  int64_t batchesThisRun = 0;
  bool stopped = false;        // by maxBatches, inside an epoch
  // The last complete epoch's value of an epoch column (0 when there is none yet).
  double last(const std::string& column) const;
  double first(const std::string& column) const;  // of the first epoch
};

TrainerRun runTrainerLoop(const TrainerSpec& spec, const CheckpointParts& parts, TrainerHooks& hooks,
                          const ProgressFn& progress = {}, CancelToken cancel = {});

// The training set: `spec` with only its first `limit` items (0 = all); throws BadInput
// when it is empty.
Dataset openTrainingSet(const std::string& spec, int64_t limit);

}  // namespace latentlab
