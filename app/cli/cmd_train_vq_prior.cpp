// `latentlab train prior --vq DIR ...`: trains the transformer prior over the tokens of a
// frozen VQ-VAE (a bundle from `train vqvae`) and writes the complete vq-autoregressive
// bundle, with progress, per-epoch checkpoints and --resume. Only parses options and prints:
// the work is in engine/train/prior_trainer.
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/train/prior_trainer.h"
#include "engine/util/device.h"

namespace latentlab::cli {

void addTrainPrior(CLI::App& cmd, Action& action) {
  auto o = std::make_shared<PriorTrainOptions>();
  auto threads = std::make_shared<int>(0);
  cmd.add_option("--vq", o->vqDir, "VQ-VAE bundle (written by train vqvae) whose tokens the prior learns")->required();
  cmd.add_option("--data", o->dataSpec, "Training data SPEC (labelled: class-conditional)")->capture_default_str();
  cmd.add_option("--test-data", o->testSpec, "Data SPEC whose loss is measured each epoch")->capture_default_str();
  cmd.add_option("--epochs", o->epochs, "Epochs")->capture_default_str()->check(CLI::Range(1, 100000));
  cmd.add_option("--batch", o->batchSize, "Batch size")->capture_default_str()->check(CLI::Range(1, 65536));
  cmd.add_option("--lr", o->learningRate, "Peak learning rate (warm-up, cosine decay)")->capture_default_str();
  cmd.add_option("--d-model", o->dModel, "Transformer width")->capture_default_str()->check(CLI::Range(8, 8192));
  cmd.add_option("--layers", o->layers, "Transformer blocks")->capture_default_str()->check(CLI::Range(1, 64));
  cmd.add_option("--heads", o->heads, "Attention heads")->capture_default_str()->check(CLI::Range(1, 256));
  cmd.add_option("--dropout", o->dropout, "Dropout while training")->capture_default_str()->check(CLI::Range(0.0, 0.9));
  cmd.add_option("--test-limit", o->testLimit, "Measure on only the first N test images (0 = all)")
      ->capture_default_str();
  addMaxBatchesOption(&cmd, *o);
  addTrainRunOptions(&cmd, *o, *threads);
  cmd.callback([&action, o, threads] {
    action = [o, threads] {
      applyTrainThreads(*threads);
      o->commandLine = "latentlab train prior --vq " + o->vqDir + " --data " + o->dataSpec + " --epochs " +
                       std::to_string(o->epochs) + " --d-model " + std::to_string(o->dModel) + " --layers " +
                       std::to_string(o->layers) + " --seed " + std::to_string(o->seed) + " -o " + o->outDir;
      auto r = trainPrior(*o, trainProgressPrinter());
      std::printf("trained %d epochs: loss %.4f, test loss %.4f nats/token (%lld parameters); bundle written to %s\n",
                  r.epochsDone, r.loss, r.testLoss, (long long)r.parameters, o->outDir.c_str());
      return 0;
    };
  });
}

}  // namespace latentlab::cli
