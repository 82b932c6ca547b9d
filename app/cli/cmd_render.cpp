// `latentlab render recon|sample`: decode with an autoencoder bundle (sample: or a GAN's
// generator) and write a PNG grid (and optionally the images as .npy, float32 N x C x H x W
// in [0,1]). interp, traverse and decode live in cmd_render_{interp,traverse,decode}.cpp.
#include <torch/torch.h>

#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cmd_render_specs.h"
#include "app/cli/commands.h"
#include "engine/data/image_tensor.h"
#include "engine/data/npy_tensor.h"
#include "engine/latent/encode.h"
#include "engine/models/gan_bundle.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {

struct RenderCommon {
  std::string model, out, npy;
  int scale = 2;
  bool labels = true;
  EngineOptions engine;
};

void addCommon(CLI::App* c, RenderCommon& r) {
  c->add_option("--model", r.model, "Model bundle folder")->required();
  c->add_option("-o,--out", r.out, "Output PNG")->required();
  c->add_option("--npy", r.npy, "Also write the images as float32 N x C x H x W in [0,1]");
  c->add_option("--scale", r.scale, "Pixel size of each image in the grid")->capture_default_str()->check(
      CLI::Range(1, 16));
  c->add_flag("!--no-labels", r.labels, "Leave out row and column labels");
  addEngineOptions(c, r.engine);
}

// Decodes latents (N x latent) and writes the grid and npy.
void writeDecoded(ModelBundle& b, const torch::Tensor& latents, const RenderCommon& r, GridOptions g) {
  auto images01 = modelOutputTo01(b, requireAutoencoder(b).decode(latents.to(b.device)));
  if (!r.npy.empty()) writeTensorNpy(r.npy, images01);
  g.scale = r.scale;
  if (!r.labels) g.rowLabels.clear(), g.colLabels.clear();
  writeGridPng(tensorToImages(images01), g, r.out);
  std::printf("wrote %s (%lld images)\n", r.out.c_str(), (long long)latents.size(0));
}

// A GAN's samples through the latent face: the seed's prior latents (as eval draws them),
// truncated by psi, classes in turn (or --class) for a conditional generator.
int renderGanSample(const RenderCommon& r, int count, uint64_t seed, double psi, const std::string& cls, int cols) {
  auto model = loadFaceForCli(r.model, r.engine);
  const ModelInfo& info = model->info();
  if (!cls.empty() && info.conditional == 0)  // ignoring it would show samples the user did not ask for
    throw BadInput("--class: " + r.model + " is unconditional (it takes no class)");
  auto z = model->priorSample(count, seed, psi);
  int fixed = parseClassName(cls, info.classes, "--class");
  std::vector<int> classes(size_t(count), fixed);
  if (fixed < 0 && info.conditional > 0)
    for (int i = 0; i < count; ++i) classes[size_t(i)] = i % info.conditional;
  std::vector<Image> images;
  std::vector<float> values;
  decodeRows(*model, z, classes, images, values);
  ImageOutputs out;
  out.png = r.out;
  out.npy = r.npy;
  out.scale = r.scale;
  out.labels = r.labels;
  GridOptions g;
  g.cols = cols;
  writeImageOutputs(images, values, g, out);
  return 0;
}

}  // namespace

void addRenderRecon(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  auto r = std::make_shared<RenderCommon>();
  auto data = std::make_shared<std::string>("fashion-mnist:test");
  auto count = std::make_shared<int>(10);
  auto cols = std::make_shared<int>(10);
  addCommon(c, *r);
  c->add_option("--data", *data, "Data SPEC")->capture_default_str();
  c->add_option("--count", *count, "Number of images")->capture_default_str()->check(CLI::Range(1, 10000));
  c->add_option("--cols", *cols, "Images per row")->capture_default_str()->check(CLI::Range(1, 100));
  c->callback([&action, r, data, count, cols] {
    action = [r, data, count, cols] {
      auto b = loadModelForCli(r->model, r->engine);
      // A model with no encoder (a GAN) is refused before its data shape is advised on.
      auto& ae = requireAutoencoder(*b);
      torch::InferenceMode guard;
      DatasetOptions dopts;
      dopts.limit = *count;
      Dataset d = openDataset(*data, dopts);
      checkDataMatchesModel(*b, d);
      int64_t n = std::min<int64_t>(*count, d.count);
      auto x = modelInput(*b, d, 0, n);
      auto recon01 = modelOutputTo01(*b, ae.decode(ae.encode(x).first));
      auto input01 = modelOutputTo01(*b, x);
      if (!r->npy.empty()) writeTensorNpy(r->npy, recon01);
      // Rows alternate: a row of inputs, then the same items reconstructed.
      auto inputs = tensorToImages(input01), recons = tensorToImages(recon01);
      std::vector<Image> cells;
      GridOptions g;
      g.cols = int(std::min<int64_t>(*cols, n));
      g.scale = r->scale;
      for (int64_t start = 0; start < n; start += g.cols) {
        for (int64_t j = 0; j < g.cols; ++j)
          cells.push_back(start + j < n ? inputs[size_t(start + j)] : Image(d.width, d.height, d.channels));
        for (int64_t j = 0; j < g.cols; ++j)
          cells.push_back(start + j < n ? recons[size_t(start + j)] : Image(d.width, d.height, d.channels));
        if (r->labels) g.rowLabels.insert(g.rowLabels.end(), {"input", "recon"});
      }
      writeGridPng(cells, g, r->out);
      std::printf("wrote %s (%lld images and reconstructions)\n", r->out.c_str(), (long long)n);
      return 0;
    };
  });
}

void addRenderSample(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  auto r = std::make_shared<RenderCommon>();
  auto count = std::make_shared<int>(16);
  auto seed = std::make_shared<uint64_t>(0);
  auto temperature = std::make_shared<double>(1.0);
  auto cols = std::make_shared<int>(8);
  addCommon(c, *r);
  c->add_option("--count", *count, "Number of samples")->capture_default_str()->check(CLI::Range(1, 10000));
  c->add_option("--seed", *seed, "Random seed")->capture_default_str();
  c->add_option("--temperature", *temperature, "Prior standard deviation")->capture_default_str()->check(
      CLI::Range(0.0, 10.0));
  c->add_option("--cols", *cols, "Images per row")->capture_default_str()->check(CLI::Range(1, 100));
  auto psi = std::make_shared<double>(-1.0);
  auto cls = std::make_shared<std::string>();
  c->add_option("--truncation", *psi, "GAN: truncation psi (default: the model's recommended)")->check(CLI::Range(0.0, 1.0));
  c->add_option("--class", *cls, "GAN: class name or index for every sample (default: classes in turn)");
  c->callback([&action, r, count, seed, temperature, cols, psi, cls] {
    action = [r, count, seed, temperature, cols, psi, cls] {
      if (isGanBundle(r->model)) return renderGanSample(*r, *count, *seed, *psi, *cls, *cols);
      auto b = loadModelForCli(r->model, r->engine);
      torch::InferenceMode guard;
      torch::manual_seed(*seed);
      std::vector<int64_t> shape = {*count};
      for (auto s : b->manifest.latentShape) shape.push_back(s);
      auto z = torch::randn(shape) * *temperature;
      GridOptions g;
      g.cols = *cols;
      writeDecoded(*b, z, *r, g);
      return 0;
    };
  });
}

}  // namespace latentlab::cli
