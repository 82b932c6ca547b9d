#include "app/cli/cli_common.h"

#include <map>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdio>

#include "engine/data/image_io.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

void addEngineOptions(CLI::App* cmd, EngineOptions& o) {
  cmd->add_option("--device", o.device, "auto, cpu or cuda")->capture_default_str();
  cmd->add_option("--threads", o.threads, "Intra-op threads (0 = cores - 1)")->check(CLI::Range(0, 256));
}

std::shared_ptr<ModelBundle> loadModelForCli(const std::string& dir, const EngineOptions& o) {
  setEngineThreads(o.threads > 0 ? o.threads : defaultEngineThreads());
  return loadBundle(dir, pickDevice(o.device));
}

Autoencoder& requireAutoencoder(ModelBundle& b) {
  if (!b.autoencoder) throw BadInput(b.dir + ": this model has no autoencoder (kind " + b.manifest.kind + ")");
  return *b.autoencoder;
}

CLI::Option* addClippedModelOutputOption(CLI::App* cmd, int& value) {
  static const std::map<std::string, int> choices = {{"on", 1}, {"off", 0}, {"model", -1}};
  return cmd
      ->add_option("--clipped-model-output", value,
                   "DDIM with clip_sample: rebuild epsilon from the clipped x0 (on), keep the model's (off), or "
                   "as the bundle recommends (model)")
      ->transform(CLI::CheckedTransformer(choices))
      ->default_str("model");
}

void applyModelSampling(const Manifest& m, const SamplingGiven& given, std::string& sampler, int& steps,
                        double& guidance) {
  if (!m.sampling) return;
  if (!given.sampler || given.sampler->count() == 0) sampler = m.sampling->sampler;
  if (!given.steps || given.steps->count() == 0) steps = m.sampling->steps;
  if (!given.guidance || given.guidance->count() == 0) guidance = m.sampling->guidance;
}

std::string formatDuration(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

ProgressFn trainProgressPrinter() {
  const bool tty = isatty(2);
  return [tty](const Progress& p) {
    std::string terms;
    if (p.mse > 0 || p.kl > 0) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "  mse %.5f  kl %.2f", p.mse, p.kl);
      terms = buf;
    }
    std::fprintf(stderr, "%sepoch %d/%d  batch %lld/%lld  loss %.4f%s%s%s  ETA %s%s", tty ? "\r" : "", p.epoch,
                 p.epochs, (long long)p.step, (long long)p.steps, p.loss, terms.c_str(), p.message.empty() ? "" : "  ",
                 p.message.c_str(), formatDuration(p.etaSeconds).c_str(), tty ? "   " : "\n");
    if (tty && p.step == p.steps) std::fprintf(stderr, "\n");
  };
}

void writeGridPng(const std::vector<Image>& images, const GridOptions& grid, const std::string& png) {
  writePng(png, makeGrid(images, grid));
}

void applyTrainThreads(int threads) { setEngineThreads(threads > 0 ? threads : defaultEngineThreads()); }

int64_t bufferValues(const ModelBundle& b) {
  return b.autoencoder ? b.autoencoder->bufferValueCount() : 0;
}

}  // namespace latentlab::cli
