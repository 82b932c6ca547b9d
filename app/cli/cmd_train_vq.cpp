// `latentlab train vqvae ...`: trains the built-in VQ-VAE tokeniser (the first half of a
// vq-autoregressive bundle) with progress, per-epoch checkpoints and --resume. Only parses
// options and prints: the work is in engine/train/vq_trainer.
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/train/vq_trainer.h"
#include "engine/util/device.h"

namespace latentlab::cli {

void addTrainVqvae(CLI::App& cmd, Action& action) {
  auto o = std::make_shared<VqTrainOptions>();
  auto threads = std::make_shared<int>(0);
  cmd.add_option("--data", o->dataSpec, "Training data SPEC")->capture_default_str();
  cmd.add_option("--test-data", o->testSpec, "Data SPEC whose MSE and perplexity are measured each epoch")
      ->capture_default_str();
  cmd.add_option("--epochs", o->epochs, "Epochs")->capture_default_str()->check(CLI::Range(1, 100000));
  cmd.add_option("--batch", o->batchSize, "Batch size")->capture_default_str()->check(CLI::Range(1, 65536));
  cmd.add_option("--lr", o->learningRate, "Peak learning rate (cosine decay)")->capture_default_str();
  cmd.add_option("--codebook", o->codebookSize, "Codebook entries")->capture_default_str()->check(CLI::Range(2, 65536));
  cmd.add_option("--code-dim", o->codeDim, "Code vector size")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd.add_option("--channels", o->channels, "Encoder channels at 1/2 and 1/4 of the image size")
      ->capture_default_str()
      ->expected(2);
  cmd.add_option("--beta", o->beta, "Commitment loss weight")->capture_default_str();
  cmd.add_option("--ema", o->emaDecay, "Codebook EMA decay")->capture_default_str();
  cmd.add_option("--test-limit", o->testLimit, "Measure on only the first N test images (0 = all)")
      ->capture_default_str();
  addMaxBatchesOption(&cmd, *o);
  addTrainRunOptions(&cmd, *o, *threads);
  cmd.callback([&action, o, threads] {
    action = [o, threads] {
      applyTrainThreads(*threads);
      o->commandLine = "latentlab train vqvae --data " + o->dataSpec + " --epochs " + std::to_string(o->epochs) +
                       " --codebook " + std::to_string(o->codebookSize) + " --seed " + std::to_string(o->seed) +
                       " -o " + o->outDir;
      auto r = trainVqVae(*o, trainProgressPrinter());
      std::printf("trained %d epochs: loss %.5f, mse %.5f, perplexity %.1f; test mse %.5f, test perplexity %.1f; "
                  "bundle written to %s\n",
                  r.epochsDone, r.loss, r.mse, r.perplexity, r.testMse, r.testPerplexity, o->outDir.c_str());
      return 0;
    };
  });
}

}  // namespace latentlab::cli
