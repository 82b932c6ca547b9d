// `latentlab train vae ...`: trains the built-in VAE with progress and checkpoints.
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/train/vae_trainer.h"
#include "engine/util/device.h"

namespace latentlab::cli {

void addTrainVae(CLI::App& cmd, Action& action) {
  auto* vae = &cmd;
  auto o = std::make_shared<VaeTrainOptions>();
  auto threads = std::make_shared<int>(0);
  vae->add_option("--data", o->dataSpec, "Training data SPEC")->capture_default_str();
  vae->add_option("--latent-dim", o->latentDim, "Latent dimensions")->capture_default_str()->check(CLI::Range(1, 4096));
  vae->add_option("--epochs", o->epochs, "Epochs")->capture_default_str()->check(CLI::Range(1, 100000));
  vae->add_option("--batch", o->batchSize, "Batch size")->capture_default_str()->check(CLI::Range(1, 65536));
  vae->add_option("--lr", o->learningRate, "Peak learning rate (cosine decay)")->capture_default_str();
  vae->add_option("--hidden", o->hidden, "Hidden units of the fully connected layers")->capture_default_str();
  vae->add_option("--snapshots", o->snapshots, "Also keep the bundle of each of the last N epochs in DIR/snapshots/epoch-NNNN (0 = none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  addTrainRunOptions(vae, *o, *threads);
  vae->callback([&action, o, threads] {
    action = [o, threads] {
      applyTrainThreads(*threads);
      o->commandLine = "latentlab train vae --data " + o->dataSpec + " --latent-dim " + std::to_string(o->latentDim) +
                       " --epochs " + std::to_string(o->epochs) + " --seed " + std::to_string(o->seed) + " -o " +
                       o->outDir;
      auto res = trainVae(*o, trainProgressPrinter());
      std::printf("trained %d epochs: loss %.3f, mse %.5f, kl %.3f; bundle written to %s\n", res.epochsDone,
                  res.finalLoss, res.finalMse, res.finalKl, o->outDir.c_str());
      return 0;
    };
  });
}

}  // namespace latentlab::cli
