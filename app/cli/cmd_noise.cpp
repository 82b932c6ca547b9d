// `latentlab render noise`: forward noising q(x_t | x_0) of data images, the headless twin of
// the Diffusion panel's Forward noising tab. Rows = data items, columns = the clean image and
// then each requested timestep; one noise per item (from --seed) for every column, so a row
// shows the same noise growing. Optional --npy (the images) and --latents (latent models:
// x_t in the VAE's latent units, for checking against the formula).
#include <cstdio>
#include <sstream>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/data/dataset.h"
#include "engine/data/npy.h"
#include "engine/explore/diffusion_sampling.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {

struct NoiseOptions {
  std::string model, data = "fashion-mnist:test", out, npy, latents;
  std::vector<int64_t> items = {0, 1, 2, 3};
  std::vector<int64_t> timesteps = {0, 100, 250, 500, 750, 999};
  uint64_t seed = 0;
  int scale = 2;
  bool labels = true;
  EngineOptions engine;
};

int renderNoise(const NoiseOptions& o) {
  auto model = DiffusionSampler::load(o.model, o.engine.device);
  const DiffusionInfo& info = model->info();
  for (auto t : o.timesteps)
    if (t < 0 || t >= info.maxSteps)
      throw UsageError("--t values must be in 0.." + std::to_string(info.maxSteps - 1) + " (got " + std::to_string(t) + ")");
  Dataset data = openDataset(o.data);
  std::vector<int64_t> cols = {-1};
  cols.insert(cols.end(), o.timesteps.begin(), o.timesteps.end());
  std::vector<Image> cells;
  std::vector<float> pixels, latents;
  for (size_t r = 0; r < o.items.size(); ++r) {
    int64_t item = o.items[r];
    if (item < 0 || item >= data.count)
      throw BadInput(o.data + ": item " + std::to_string(item) + " is not in 0.." + std::to_string(data.count - 1));
    Image x0 = data.image(item);
    // One seed per item, the same for all its columns: the row shows one noise growing.
    for (int64_t t : cols) {
      NoisedImage n = model->forwardNoise(x0, t, o.seed + uint64_t(r));
      for (uint8_t p : n.image.pixels) pixels.push_back(float(p) / 255.f);
      latents.insert(latents.end(), n.latent.begin(), n.latent.end());
      cells.push_back(std::move(n.image));
    }
  }
  GridOptions g;
  g.cols = int(cols.size());
  g.scale = o.scale;
  if (o.labels) {
    for (int64_t t : cols) g.colLabels.push_back(t < 0 ? "x0" : "t=" + std::to_string(t));
    for (int64_t item : o.items) {
      int label = data.labels.empty() ? -1 : int(data.labels[size_t(item)]);
      std::string name = label >= 0 && size_t(label) < data.classNames.size() ? data.classNames[size_t(label)] : "";
      g.rowLabels.push_back("#" + std::to_string(item) + (name.empty() ? "" : " " + name));
    }
  }
  writeGridPng(cells, g, o.out);
  const Image& first = cells.front();
  auto rows = int64_t(o.items.size()), ncols = int64_t(cols.size());
  if (!o.npy.empty())
    writeNpy(o.npy, makeNpyF32({rows, ncols, first.channels, first.height, first.width}, pixels.data()));
  if (!o.latents.empty()) {
    if (!info.latent) throw UsageError("--latents needs a latent-diffusion model");
    writeNpy(o.latents, makeNpyF32({rows, ncols, int64_t(info.latentDim)}, latents.data()));
  }
  std::printf("wrote %s (%lld items x %lld columns: x0 and %zu timesteps)\n", o.out.c_str(), (long long)rows,
              (long long)ncols, o.timesteps.size());
  return 0;
}

}  // namespace

void addRenderNoise(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  auto o = std::make_shared<NoiseOptions>();
  c->add_option("--model", o->model, "Diffusion or latent-diffusion bundle folder")->required();
  c->add_option("--data", o->data, "Data SPEC")->capture_default_str();
  c->add_option("--items", o->items, "Data items, one row each")->delimiter(',')->capture_default_str();
  c->add_option("--t", o->timesteps, "Timesteps, one column each after the clean image")->delimiter(',')->capture_default_str();
  c->add_option("--seed", o->seed, "Noise seed (item r uses seed + r)")->capture_default_str();
  c->add_option("--scale", o->scale, "Pixel size of each image in the grid")->capture_default_str()->check(CLI::Range(1, 16));
  c->add_flag("!--no-labels", o->labels, "Leave out row and column labels");
  c->add_option("-o,--out", o->out, "Output PNG")->required();
  c->add_option("--npy", o->npy, "Also write the images as float32 items x columns x C x H x W in [0,1]");
  c->add_option("--latents", o->latents, "Latent models: also write x_t as float32 items x columns x latent");
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      setEngineThreads(o->engine.threads > 0 ? o->engine.threads : defaultEngineThreads());
      return renderNoise(*o);
    };
  });
}

}  // namespace latentlab::cli
