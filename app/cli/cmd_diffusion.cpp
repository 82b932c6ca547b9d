// Diffusion subcommands: `train diffusion` (the built-in unet / latent-mlp denoisers, with
// progress, checkpoints and --resume) and `render denoise` (a sampling run written as a PNG
// grid: one row per sample, columns at evenly chosen steps; optional final .npy and the
// whole trajectory). Only parses options and formats output: the work is in the engine.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/data/image_tensor.h"
#include "engine/data/npy_tensor.h"
#include "engine/diffusion/denoise_run.h"
#include "engine/diffusion/diffusion_model.h"
#include "engine/train/diffusion_trainer.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {

struct DenoiseOptions {
  std::string model, out, npy, trajectory, sampler = "ddim", cls;
  uint64_t seed = 0;
  int steps = 50, count = 10, columns = 8, scale = 2;
  double eta = 0, guidance = 3.0;
  int clippedModelOutput = -1;  // -1 = the bundle's setting
  bool labels = true;
  EngineOptions engine;
  SamplingGiven given;
};

// Per-sample class labels from --class: "" = unconditional (the null class), "all" =
// count / num_classes of each class in class order, or one class index for every sample.
torch::Tensor parseClasses(const DenoiseOptions& o, int numClasses) {
  if (o.cls.empty() || o.cls == "none") return numClasses ? torch::full({o.count}, numClasses, torch::kLong) : torch::Tensor();
  if (!numClasses) throw UsageError("--class: this model is unconditional (it has no classes)");
  if (o.cls == "all") {
    if (o.count % numClasses)
      throw UsageError("--class all needs --count to be a multiple of the " + std::to_string(numClasses) + " classes");
    return torch::arange(numClasses, torch::kLong).repeat_interleave(o.count / numClasses);
  }
  int c = -1;
  try {
    size_t used = 0;
    c = std::stoi(o.cls, &used);
    if (used != o.cls.size()) c = -1;
  } catch (const std::exception&) {
  }
  if (c < 0 || c >= numClasses)
    throw UsageError("--class must be all, none or a class index in 0.." + std::to_string(numClasses - 1) + " (got \"" +
                     o.cls + "\")");
  return torch::full({o.count}, c, torch::kLong);
}

int renderDenoise(const DenoiseOptions& given) {
  DenoiseOptions o = given;
  auto bundle = loadModelForCli(o.model, o.engine);
  applyModelSampling(bundle->manifest, o.given, o.sampler, o.steps, o.guidance);
  bool known = false;
  for (auto& n : samplerNames()) known |= n == o.sampler;
  if (!known) {
    std::string list;
    for (auto& n : samplerNames()) list += (list.empty() ? "" : ", ") + n;
    throw UsageError("--sampler must be one of: " + list + " (got \"" + o.sampler + "\")");
  }
  DiffusionModel model(bundle);
  const int n = model.schedule().numTrainTimesteps();
  if (o.steps > n) throw UsageError("--steps must be at most " + std::to_string(n) + " for this model");
  auto classes = parseClasses(o, model.numClasses());
  torch::InferenceMode guard;
  auto sampler = makeSampler(o.sampler, model.schedule(), model.samplerOptions(o.eta, o.clippedModelOutput));
  sampler->setSteps(o.steps);

  std::vector<int64_t> shape = {o.count};
  for (auto d : model.sampleShape()) shape.push_back(d);
  SeededNoise noise(o.seed);
  auto opts = torch::TensorOptions(torch::kFloat).device(model.device());
  auto start = noise.draw(shape, opts) * sampler->initNoiseScale();

  // Grid columns: states 0 (x_T) .. K (x_0), evenly chosen.
  const int states = o.steps + 1, cols = std::min(o.columns, states);
  std::vector<int> colState;
  for (int j = 0; j < cols; ++j) colState.push_back(cols == 1 ? o.steps : int(std::lround(double(j) * o.steps / (cols - 1))));
  std::vector<torch::Tensor> colImages(static_cast<size_t>(cols));
  std::vector<torch::Tensor> trajectory;
  auto record = [&](int state, const torch::Tensor& xtVp) {
    for (int j = 0; j < cols; ++j)
      if (colState[size_t(j)] == state) colImages[size_t(j)] = model.toImages(xtVp).cpu();
    if (!o.trajectory.empty()) trajectory.push_back(model.toLatent(xtVp).to(torch::kFloat).cpu());
  };
  record(0, start * sampler->modelInputScale(0));

  DenoiseRun run;
  run.guidance = o.guidance;
  if (classes.defined()) run.classes = classes.to(model.device());
  run.noise = noise.stepNoise();
  run.onStep = [&](const DenoiseStepInfo& s) { record(s.index + 1, s.xt); };
  auto final = runDenoise(model.denoiser(), *sampler, start, run);
  checkFinite(final, o.model + ": the sampled values");

  auto final01 = colImages.back();
  if (!o.npy.empty()) writeTensorNpy(o.npy, final01.contiguous());
  if (!o.trajectory.empty()) writeTensorNpy(o.trajectory, torch::stack(trajectory).contiguous());

  std::vector<Image> cells;
  auto perCol = std::vector<std::vector<Image>>();
  for (auto& c : colImages) perCol.push_back(tensorToImages(c));
  for (int i = 0; i < o.count; ++i)
    for (int j = 0; j < cols; ++j) cells.push_back(perCol[size_t(j)][size_t(i)]);
  GridOptions g;
  g.cols = cols, g.scale = o.scale;
  if (o.labels) {
    const auto& ts = sampler->timesteps();
    for (int s : colState) g.colLabels.push_back(s == o.steps ? "x0" : "t=" + std::to_string(ts[size_t(s)]));
    const auto& names = model.manifest().classes;
    for (int i = 0; i < o.count; ++i) {
      int64_t c = classes.defined() ? classes[i].item<int64_t>() : -1;
      g.rowLabels.push_back(c < 0 || c >= model.numClasses() ? "uncond"
                            : size_t(c) < names.size()          ? names[size_t(c)]
                                                                : std::to_string(c));
    }
  }
  writeGridPng(cells, g, o.out);
  std::printf("wrote %s (%d samples, %d steps of %s)\n", o.out.c_str(), o.count, o.steps, o.sampler.c_str());
  return 0;
}

}  // namespace

void addTrainDiffusion(CLI::App& cmd, Action& action) {
  auto* d = &cmd;
  auto o = std::make_shared<DiffusionTrainOptions>();
  auto threads = std::make_shared<int>(0);
  auto beta = std::make_shared<std::string>(), pred = std::make_shared<std::string>();
  auto noAttention = std::make_shared<bool>(false);
  d->add_option("--model-type", o->modelType, "unet or latent-mlp")->capture_default_str()->check(
      CLI::IsMember({"unet", "latent-mlp"}));
  d->add_option("--data", o->dataSpec, "Training data SPEC")->capture_default_str();
  d->add_option("--vae", o->vaeDir, "latent-mlp: the autoencoder bundle whose latent is modelled");
  d->add_option("--epochs", o->epochs, "Epochs")->capture_default_str()->check(CLI::Range(1, 100000));
  d->add_option("--batch", o->batchSize, "Batch size (0 = 64 for unet, 256 for latent-mlp)")->check(CLI::Range(0, 65536));
  d->add_option("--lr", o->learningRate, "Peak learning rate (0 = model type's default)");
  d->add_option("--channels", o->channels, "unet: channels per resolution level")->delimiter(',')->capture_default_str();
  d->add_option("--emb-dim", o->embDim, "Timestep/class embedding size")->capture_default_str()->check(CLI::Range(2, 4096));
  d->add_flag("--no-attention", *noAttention, "unet: leave out self-attention at the lowest resolution");
  d->add_option("--hidden", o->hidden, "latent-mlp: hidden width")->capture_default_str()->check(CLI::Range(1, 65536));
  d->add_option("--blocks", o->blocks, "latent-mlp: residual blocks")->capture_default_str()->check(CLI::Range(0, 64));
  d->add_option("--beta-schedule", *beta, "linear, scaled_linear or squaredcos_cap_v2 (default per model type)");
  d->add_option("--prediction-type", *pred, "epsilon, v_prediction or sample (default per model type)");
  d->add_option("--class-dropout", o->classDropout, "Probability of training on the null class")->capture_default_str();
  d->add_option("--ema", o->emaDecay, "EMA decay of the exported weights")->capture_default_str();
  d->add_option("--checkpoint-minutes", o->checkpointMinutes, "Also checkpoint inside an epoch this often")->capture_default_str();
  d->add_option("--device", o->device, "auto, cpu or cuda")->capture_default_str();
  addMaxBatchesOption(d, *o);
  addTrainRunOptions(d, *o, *threads);
  d->callback([&action, o, threads, beta, pred, noAttention] {
    action = [o, threads, beta, pred, noAttention] {
      applyTrainThreads(*threads);
      o->attention = !*noAttention;
      if (!beta->empty() || !pred->empty()) {
        o->scheduler = defaultDiffusionScheduler(o->modelType);
        if (!beta->empty()) o->scheduler["beta_schedule"] = *beta;
        if (!pred->empty()) o->scheduler["prediction_type"] = *pred;
      }
      o->commandLine = "latentlab train diffusion --model-type " + o->modelType + " --data " + o->dataSpec +
                       (o->vaeDir.empty() ? "" : " --vae " + o->vaeDir) + " --epochs " + std::to_string(o->epochs) +
                       " --seed " + std::to_string(o->seed) + " -o " + o->outDir;
      auto res = trainDiffusion(*o, trainProgressPrinter());
      std::printf("trained to epoch %d: loss %.4f, %.3f s/batch, %lld parameters; bundle in %s\n", res.epochsDone,
                  res.finalLoss, res.secondsPerBatch, (long long)res.parameters, o->outDir.c_str());
      return 0;
    };
  });
}

void addRenderDenoise(CLI::App& cmd, Action& action) {
  auto* d = &cmd;
  auto o = std::make_shared<DenoiseOptions>();
  d->add_option("--model", o->model, "Diffusion or latent-diffusion bundle folder")->required();
  d->add_option("--seed", o->seed, "Random seed (initial noise and sampler noise)")->capture_default_str();
  o->given.steps = d->add_option("--steps", o->steps, "Sampling steps (default: the model's)")
                       ->capture_default_str()->check(CLI::Range(1, 100000));
  o->given.sampler = d->add_option("--sampler", o->sampler, "ddpm, ddim, euler or dpmpp-2m (default: the model's)")
                         ->capture_default_str();
  d->add_option("--eta", o->eta, "DDIM noise (0 = deterministic)")->capture_default_str()->check(CLI::Range(0.0, 1.0));
  addClippedModelOutputOption(d, o->clippedModelOutput);
  d->add_option("--class", o->cls, "Class index, all (count/classes per class, in class order) or none");
  o->given.guidance = d->add_option("--guidance", o->guidance, "Classifier-free guidance scale (1 = none)")
                          ->capture_default_str()->check(CLI::Range(0.0, 100.0));
  d->add_option("--count", o->count, "Number of samples (grid rows)")->capture_default_str()->check(CLI::Range(1, 10000));
  d->add_option("--columns", o->columns, "Grid columns (steps shown, x_T to x_0)")->capture_default_str()->check(
      CLI::Range(1, 1000));
  d->add_option("--scale", o->scale, "Pixel size of each image in the grid")->capture_default_str()->check(CLI::Range(1, 16));
  d->add_flag("!--no-labels", o->labels, "Leave out row and column labels");
  d->add_option("-o,--out", o->out, "Output PNG")->required();
  d->add_option("--npy", o->npy, "Also write the final samples as float32 N x C x H x W in [0,1]");
  d->add_option("--trajectory", o->trajectory,
                "Also write x_t of every step as float32 (steps+1) x N x sample shape (latent models: VAE latent units)");
  addEngineOptions(d, o->engine);
  d->callback([&action, o] { action = [o] { return renderDenoise(*o); }; });
}

}  // namespace latentlab::cli
