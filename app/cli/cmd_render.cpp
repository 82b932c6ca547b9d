// `latentlab render recon|sample|interp|traverse`: decode with an autoencoder bundle and
// write a PNG grid (and optionally the images as .npy, float32 N x C x H x W in [0,1]).
#include <torch/torch.h>

#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/data/image_tensor.h"
#include "engine/data/npy_tensor.h"
#include "engine/latent/encode.h"
#include "engine/latent/interpolate.h"
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

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", v);
  return buf;
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
      torch::InferenceMode guard;
      DatasetOptions dopts;
      dopts.limit = *count;
      Dataset d = openDataset(*data, dopts);
      checkDataMatchesModel(*b, d);
      int64_t n = std::min<int64_t>(*count, d.count);
      auto x = modelInput(*b, d, 0, n);
      auto& ae = requireAutoencoder(*b);
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
  c->callback([&action, r, count, seed, temperature, cols] {
    action = [r, count, seed, temperature, cols] {
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

void addRenderInterp(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  auto r = std::make_shared<RenderCommon>();
  auto data = std::make_shared<std::string>("fashion-mnist:test");
  auto from = std::make_shared<int64_t>(0), to = std::make_shared<int64_t>(1);
  auto steps = std::make_shared<int>(10);
  auto mode = std::make_shared<std::string>("lerp");
  addCommon(c, *r);
  c->add_option("--data", *data, "Data SPEC")->capture_default_str();
  c->add_option("--from", *from, "Index of the first image")->required()->check(CLI::NonNegativeNumber);
  c->add_option("--to", *to, "Index of the second image")->required()->check(CLI::NonNegativeNumber);
  c->add_option("--steps", *steps, "Images from start to end, inclusive")->capture_default_str()->check(
      CLI::Range(2, 1000));
  c->add_option("--mode", *mode, "lerp or slerp")->capture_default_str()->check(CLI::IsMember({"lerp", "slerp"}));
  c->callback([&action, r, data, from, to, steps, mode] {
    action = [r, data, from, to, steps, mode] {
      auto b = loadModelForCli(r->model, r->engine);
      torch::InferenceMode guard;
      Dataset d = openDataset(*data);
      checkDataMatchesModel(*b, d);
      for (int64_t i : {*from, *to})
        if (i >= d.count)
          throw BadInput(*data + ": index " + std::to_string(i) + " out of range (" + std::to_string(d.count) +
                         " images)");
      auto& ae = requireAutoencoder(*b);
      auto za = ae.encode(modelInput(*b, d, *from, *from + 1)).first[0].cpu();
      auto zb = ae.encode(modelInput(*b, d, *to, *to + 1)).first[0].cpu();
      auto z = interpolate(za, zb, *steps, *mode == "slerp" ? InterpMode::Slerp : InterpMode::Lerp);
      GridOptions g;
      g.cols = *steps;
      g.rowLabels = {*mode};
      writeDecoded(*b, z, *r, g);
      return 0;
    };
  });
}

void addRenderTraverse(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  auto r = std::make_shared<RenderCommon>();
  auto dims = std::make_shared<std::vector<int64_t>>();
  auto range = std::make_shared<std::vector<double>>(std::vector<double>{-3, 3});
  auto steps = std::make_shared<int>(9);
  addCommon(c, *r);
  c->add_option("--dim", *dims, "Latent dimension(s) to walk along")->required()->check(CLI::NonNegativeNumber);
  c->add_option("--range", *range, "From and to, in prior standard deviations")->expected(2)->capture_default_str();
  c->add_option("--steps", *steps, "Images per row")->capture_default_str()->check(CLI::Range(1, 1000));
  c->callback([&action, r, dims, range, steps] {
    action = [r, dims, range, steps] {
      auto b = loadModelForCli(r->model, r->engine);
      torch::InferenceMode guard;
      int64_t size = b->manifest.latentSize();
      std::vector<torch::Tensor> rows;
      GridOptions g;
      g.cols = *steps;
      for (int64_t dim : *dims) {
        rows.push_back(traverse(torch::zeros({size}), axisDirection(size, dim), (*range)[0], (*range)[1], *steps));
        g.rowLabels.push_back("dim " + std::to_string(dim));
      }
      for (int i = 0; i < *steps; ++i)
        g.colLabels.push_back(fmt(*steps == 1 ? (*range)[0] : (*range)[0] + ((*range)[1] - (*range)[0]) * i / (*steps - 1)));
      auto z = torch::cat(rows).view([&] {
        std::vector<int64_t> s = {int64_t(dims->size()) * *steps};
        for (auto d : b->manifest.latentShape) s.push_back(d);
        return s;
      }());
      writeDecoded(*b, z, *r, g);
      return 0;
    };
  });
}

}  // namespace latentlab::cli
