// Training loop for the built-in conv classifier, the evaluation tool behind `latentlab eval`
// for generative models. Cross-entropy with Adam and a cosine learning-rate decay; random
// one-pixel shifts as the only augmentation. The shared skeleton (engine/train/trainer_loop.h)
// runs the loop: after every epoch a checkpoint, a train_log.csv row with the test accuracy,
// and the bundle rewritten, so --resume continues and a run in progress can already be used. The test set is only
// measured and recorded (model.json training.test_accuracy), never used to pick anything.
// The same seed gives the same run, resumed or not.
#pragma once
#include <string>

#include "engine/jobs/progress.h"

namespace latentlab {

struct ClassifierTrainOptions {
  std::string dataSpec = "fashion-mnist:train";
  std::string testSpec = "fashion-mnist:test";
  std::string outDir;
  std::string name;  // manifest name; default "<data> classifier"
  int epochs = 8;
  int batchSize = 128;
  double learningRate = 2e-3;
  int channels1 = 32, channels2 = 64, features = 128;
  uint64_t seed = 1;
  int64_t limit = 0;      // use only the first N training images (0 = all)
  int64_t testLimit = 0;  // measure on only the first N test images (0 = all)
  bool resume = false;
  std::string commandLine;  // recorded as provenance in model.json
};

struct ClassifierTrainResult {
  int epochsDone = 0;
  double finalLoss = 0, trainAccuracy = 0, testAccuracy = 0;
};

ClassifierTrainResult trainClassifier(const ClassifierTrainOptions& opts,
                                      const ProgressFn& progress = {}, CancelToken cancel = {});

}  // namespace latentlab
