// `latentlab train classifier ...`: trains the built-in conv classifier that `latentlab
// eval` uses to judge generative models, with progress, checkpoints and --resume.
// Only parses options and formats output: the loop is engine/train/classifier_trainer.
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/train/classifier_trainer.h"
#include "engine/util/device.h"

namespace latentlab::cli {

void addTrainClassifier(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  auto o = std::make_shared<ClassifierTrainOptions>();
  auto threads = std::make_shared<int>(0);
  c->add_option("--data", o->dataSpec, "Training data SPEC (labelled)")->capture_default_str();
  c->add_option("--test-data", o->testSpec, "Data SPEC whose accuracy is measured and recorded")
      ->capture_default_str();
  c->add_option("--epochs", o->epochs, "Epochs")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  c->add_option("--batch", o->batchSize, "Batch size")
      ->capture_default_str()
      ->check(CLI::Range(1, 65536));
  c->add_option("--lr", o->learningRate, "Peak learning rate (cosine decay)")
      ->capture_default_str();
  c->add_option("--features", o->features, "Size of the feature layer (Frechet distance space)")
      ->capture_default_str()
      ->check(CLI::Range(2, 65536));
  c->add_option("--test-limit", o->testLimit, "Measure on only the first N test images (0 = all)")
      ->capture_default_str();
  addTrainRunOptions(c, *o, *threads);
  c->callback([&action, o, threads] {
    action = [o, threads] {
      applyTrainThreads(*threads);
      o->commandLine = "latentlab train classifier --data " + o->dataSpec + " --epochs " +
                       std::to_string(o->epochs) + " --seed " + std::to_string(o->seed) + " -o " +
                       o->outDir;
      auto res = trainClassifier(*o, trainProgressPrinter());
      std::printf(
          "trained %d epochs: loss %.4f, train accuracy %.4f, test accuracy %.4f; bundle written "
          "to %s\n",
          res.epochsDone, res.finalLoss, res.trainAccuracy, res.testAccuracy, o->outDir.c_str());
      return 0;
    };
  });
}

}  // namespace latentlab::cli
