// Shared pieces of the CLI subcommands: loading a model for a command, writing the
// rendered images as a PNG grid and an optional .npy, and the --device/--threads options.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "engine/data/grid.h"
#include "engine/data/image.h"
#include "engine/jobs/progress.h"
#include "engine/models/bundle.h"

namespace latentlab::cli {

struct EngineOptions {
  std::string device = "auto";
  int threads = 0;  // 0 = default (cores - 1)
};
void addEngineOptions(CLI::App* cmd, EngineOptions& o);
// Applies threads, opens InferenceMode-free CPU/GPU device, loads the bundle.
std::shared_ptr<ModelBundle> loadModelForCli(const std::string& dir, const EngineOptions& o);
// The bundle must hold an autoencoder (throws BadInput naming the bundle otherwise).
Autoencoder& requireAutoencoder(ModelBundle& b);

// Values in the bundle's buffers: a TorchScript module may keep all its weights there (a PCA
// basis), and "parameters 0" alone would read as an empty model (info, probe).
int64_t bufferValues(const ModelBundle& b);

// Diffusion commands: which of --sampler/--steps/--guidance the user gave; the others come
// from the bundle's recommended "sampling" (model.json), when it has one.
struct SamplingGiven {
  CLI::Option *sampler = nullptr, *steps = nullptr, *guidance = nullptr;
};
void applyModelSampling(const Manifest& m, const SamplingGiven& given, std::string& sampler, int& steps, double& guidance);
// --clipped-model-output on|off|model (DDIM: epsilon from the clipped x0); `value` becomes
// 1, 0 or -1 (= the bundle's "sampling".use_clipped_model_output).
CLI::Option* addClippedModelOutputOption(CLI::App* cmd, int& value);

// Training progress on stderr for `train ...`: one line rewritten in place on a terminal,
// one line per report otherwise: epoch, batch, loss (with the VAE's mse and kl when the
// trainer reports them), the trainer's message and the ETA.
ProgressFn trainProgressPrinter();
std::string formatDuration(double seconds);  // "m:ss", or "h:mm:ss" from an hour

// The options every `train ...` command ends with; its options struct names the fields
// alike (seed, limit, name, resume, outDir). `threads` 0 = cores - 1 (applyTrainThreads).
template <class TrainOptions>
void addTrainRunOptions(CLI::App* cmd, TrainOptions& o, int& threads) {
  cmd->add_option("--seed", o.seed, "Random seed")->capture_default_str();
  cmd->add_option("--limit", o.limit, "Use only the first N training images (0 = all)")->capture_default_str();
  cmd->add_option("--name", o.name, "Model name written to model.json");
  cmd->add_option("--threads", threads, "Intra-op threads (0 = cores - 1)")->capture_default_str()->check(CLI::Range(0, 256));
  cmd->add_flag("--resume", o.resume, "Continue from DIR/checkpoint");
  cmd->add_option("-o,--out", o.outDir, "Output bundle folder")->required();
}
// --max-batches of the trainers that stop part-way (timing, smoke tests; resumable).
template <class TrainOptions>
void addMaxBatchesOption(CLI::App* cmd, TrainOptions& o) {
  cmd->add_option("--max-batches", o.maxBatches, "Stop after N batches in this run (0 = no limit); resumable")
      ->capture_default_str();
}
// Sets the intra-op threads of a `train ...` run: `threads`, or cores - 1 when 0.
void applyTrainThreads(int threads);

// Writes the images as a PNG grid.
void writeGridPng(const std::vector<Image>& images, const GridOptions& grid, const std::string& png);

}  // namespace latentlab::cli
