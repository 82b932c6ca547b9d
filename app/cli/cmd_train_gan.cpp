// `latentlab train gan ...`: trains the built-in class-conditional DCGAN with progress,
// per-epoch checkpoints and --resume. Only parses options and prints: the work is in
// engine/train/gan_trainer.
#include <unistd.h>

#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/train/gan_trainer.h"
#include "engine/util/device.h"

namespace latentlab::cli {

void addTrainGan(CLI::App& cmd, Action& action) {
  auto o = std::make_shared<GanTrainOptions>();
  auto threads = std::make_shared<int>(0);
  cmd.add_option("--data", o->dataSpec, "Training data SPEC")->capture_default_str();
  cmd.add_option("--epochs", o->epochs, "Epochs (may be raised on --resume)")->capture_default_str()->check(CLI::Range(1, 100000));
  cmd.add_option("--batch", o->batchSize, "Batch size")->capture_default_str()->check(CLI::Range(2, 65536));
  cmd.add_option("--lr", o->learningRate, "Learning rate of both networks (Adam, betas 0.5/0.999)")->capture_default_str();
  cmd.add_option("--latent-dim", o->latentDim, "Latent dimensions (z)")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd.add_option("--r1", o->r1Gamma, "R1 penalty weight on real images (0 = off)")->capture_default_str();
  cmd.add_option("--ema", o->emaDecay, "EMA decay of the exported generator weights")->capture_default_str();
  cmd.add_option("--device", o->device, "auto | cpu | cuda")->capture_default_str();
  addMaxBatchesOption(&cmd, *o);
  addTrainRunOptions(&cmd, *o, *threads);
  cmd.callback([&action, o, threads] {
    action = [o, threads] {
      applyTrainThreads(*threads);
      o->commandLine = "latentlab train gan --data " + o->dataSpec + " --epochs " + std::to_string(o->epochs) +
                       " --batch " + std::to_string(o->batchSize) + " --seed " + std::to_string(o->seed) + " -o " +
                       o->outDir;
      const bool tty = isatty(2);
      auto res = trainGan(*o, [tty](const GanProgress& p) {
        std::fprintf(stderr, "%sepoch %d/%d  batch %lld/%lld  d %.3f  g %.3f  D(real) %.2f  D(fake) %.2f  %.3f s/batch  ETA %s%s",
                     tty ? "\r" : "", p.epoch, p.epochs, (long long)p.batch, (long long)p.batches, p.dLoss, p.gLoss,
                     p.dReal, p.dFake, p.secondsPerBatch, formatDuration(p.etaSeconds).c_str(), tty ? "   " : "\n");
        if (tty && p.batch == p.batches) std::fprintf(stderr, "\n");
      });
      std::printf("trained %d epochs: d loss %.3f, g loss %.3f, %.3f s/batch; bundle written to %s\n", res.epochsDone,
                  res.dLoss, res.gLoss, res.secondsPerBatch, o->outDir.c_str());
      return 0;
    };
  });
}

}  // namespace latentlab::cli
