// `latentlab render interp`: a path through latent endpoints (item:I, class-mean:NAME,
// prior:SEED, a .npy latent; --via for more), lerp or slerp, K images per segment, decoded by
// any model with a latent (autoencoder, latent diffusion's VAE, GAN) into a PNG strip and
// optionally an animated GIF. With --seeds A,B a diffusion model slerps the starting noise of
// two seeds, everything else fixed, and samples every step ("nearby noise, nearby image");
// other models read --seeds as prior:A -> prior:B, slerped.
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cmd_render_specs.h"
#include "app/cli/commands.h"
#include "engine/explore/diffusion_sampling.h"
#include "engine/latent/latent_path.h"
#include "engine/models/manifest.h"
#include "engine/models/model_kinds.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {

struct InterpOptions {
  std::string model, data = "fashion-mnist:test", from, to, mode = "lerp", cls, seeds, sampler;
  std::vector<std::string> via;
  int steps = 10, sampleSteps = 0;
  bool slerp = false;
  double psi = -1, guidance = -1;
  ImageOutputs out;
  EngineOptions engine;
  bool noSnap = false;
};

std::pair<uint64_t, uint64_t> parseSeeds(const std::string& s) {
  auto comma = s.find(',');
  auto num = [&](const std::string& t) {
    if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos || t.size() > 19)
      throw UsageError("--seeds must be two seeds A,B (non-negative integers), got \"" + s + "\"");
    return uint64_t(std::stoull(t));
  };
  if (comma == std::string::npos) throw UsageError("--seeds must be two seeds A,B, got \"" + s + "\"");
  return {num(s.substr(0, comma)), num(s.substr(comma + 1))};
}

int diffusionSeeds(const InterpOptions& o) {
  pickDevice(o.engine.device);
  setEngineThreads(o.engine.threads > 0 ? o.engine.threads : defaultEngineThreads());
  auto [a, b] = parseSeeds(o.seeds);
  auto s = DiffusionSampler::load(o.model, o.engine.device);
  const DiffusionInfo& info = s->info();
  SampleRequest req;
  req.seed = a;  // the steps' own noise (stochastic samplers) stays seed A's
  req.sampler = o.sampler.empty() ? info.defaultSampler : o.sampler;
  req.steps = o.sampleSteps > 0 ? o.sampleSteps : info.defaultSteps;
  req.guidance = o.guidance >= 0 ? o.guidance : info.defaultGuidance;
  req.classIndex = parseClassName(o.cls, info.classes, "--class");
  if (req.classIndex >= 0 && info.numClasses == 0) throw UsageError("--class: this model is unconditional");
  auto na = s->startingNoise(a), nb = s->startingNoise(b);
  auto path = latentPath({na, nb}, o.steps, {InterpMode::Slerp});
  std::vector<Image> images;
  const size_t n = na.size();
  for (int k = 0; k < o.steps; ++k) {
    req.startNoise.assign(path.begin() + ptrdiff_t(k * n), path.begin() + ptrdiff_t((k + 1) * n));
    images.push_back(s->sample(req, nullptr));
    std::fprintf(stderr, "\rsampled %d/%d", k + 1, o.steps);
  }
  std::fprintf(stderr, "\n");
  GridOptions g;
  g.cols = o.steps;
  g.rowLabels = {"seed " + std::to_string(a) + " -> " + std::to_string(b)};
  writeImageOutputs(images, {}, g, o.out);
  return 0;
}

int latentInterp(const InterpOptions& o) {
  if (o.seeds.empty() && (o.from.empty() || o.to.empty()))
    throw UsageError("render interp needs --from and --to (or --seeds A,B)");
  auto model = loadFaceForCli(o.model, o.engine);
  applySnapOption(*model, o.noSnap);
  FaceContext ctx(model, o.data, o.psi);
  std::vector<std::string> specs;
  if (!o.seeds.empty()) {
    auto [a, b] = parseSeeds(o.seeds);
    specs = {"prior:" + std::to_string(a), "prior:" + std::to_string(b)};
  } else {
    specs.push_back(o.from);
    specs.insert(specs.end(), o.via.begin(), o.via.end());
    specs.push_back(o.to);
  }
  std::vector<LatentPoint> points;
  for (const auto& s : specs) points.push_back(parseLatentSpec(s, ctx));
  std::vector<std::vector<float>> ends;
  for (const auto& p : points) ends.push_back(p.z);
  bool slerp = o.slerp || o.mode == "slerp" || !o.seeds.empty();
  auto z = latentPath(ends, o.steps, {slerp ? InterpMode::Slerp : InterpMode::Lerp});
  const int rows = int(latentPathRows(int64_t(ends.size()), o.steps));
  // A conditional decoder: --class for every frame, else each segment's start class.
  int fixed = parseClassName(o.cls, model->info().classes, "--class");
  std::vector<int> classes(size_t(rows), fixed);
  if (fixed < 0)
    for (int r = 0; r < rows; ++r) classes[size_t(r)] = points[size_t(std::min<int>(r / (o.steps - 1), int(points.size()) - 1))].classId;
  std::vector<Image> images;
  std::vector<float> values;
  decodeRows(*model, z, classes, images, values);
  GridOptions g;
  g.cols = o.steps;
  std::string label = slerp ? "slerp" : "lerp";
  if (ends.size() == 2) {
    g.rowLabels = {label};
  } else {
    // One row per segment in the grid (the strip's shared endpoints repeated): easier to read.
    std::vector<Image> cells;
    std::vector<float> cellValues;
    const size_t per = values.size() / size_t(rows);
    for (size_t s = 0; s + 1 < ends.size(); ++s)
      for (int k = 0; k < o.steps; ++k) {
        size_t r = s * size_t(o.steps - 1) + size_t(k);
        cells.push_back(images[r]);
        cellValues.insert(cellValues.end(), values.begin() + ptrdiff_t(r * per), values.begin() + ptrdiff_t((r + 1) * per));
        if (k == 0) g.rowLabels.push_back(label + " " + points[s].label);
      }
    writeImageOutputs(cells, cellValues, g, o.out, images);
    return 0;
  }
  writeImageOutputs(images, values, g, o.out, images);
  return 0;
}

}  // namespace

void addRenderInterp(CLI::App& cmd, Action& action) {
  auto o = std::make_shared<InterpOptions>();
  auto* c = &cmd;
  c->add_option("--model", o->model, "Model bundle folder")->required();
  c->add_option("--data", o->data, "Data SPEC for item: and class-mean: endpoints")->capture_default_str();
  c->add_option("--from", o->from, "Start: item:I (or I), class-mean:NAME, prior:SEED or FILE.npy[#ROW]");
  c->add_option("--to", o->to, "End (same forms as --from)");
  c->add_option("--via", o->via, "Endpoints in between, in order (repeat or comma-separate)")->delimiter(',');
  c->add_option("--steps", o->steps, "Images per segment, ends included")->capture_default_str()->check(CLI::Range(2, 1000));
  c->add_flag("--slerp", o->slerp, "Spherical interpolation (same as --mode slerp)");
  c->add_option("--mode", o->mode, "lerp or slerp")->capture_default_str()->check(CLI::IsMember({"lerp", "slerp"}));
  c->add_option("--class", o->cls, "Class (name or index) to decode/sample with (conditional models)");
  c->add_option("--truncation", o->psi, "psi for prior:SEED latents (default: the model's recommended)")->check(
      CLI::Range(0.0, 1.0));
  c->add_option("--seeds", o->seeds, "A,B: slerp the starting noise of two seeds (diffusion) or prior:A -> prior:B");
  c->add_option("--sample-steps", o->sampleSteps, "Diffusion: sampler steps (default: the model's)")->check(CLI::Range(1, 1000));
  c->add_option("--sampler", o->sampler, "Diffusion: sampler (default: the model's)");
  c->add_option("--guidance", o->guidance, "Diffusion: guidance scale (default: the model's)")->check(CLI::Range(0.0, 100.0));
  addImageOutputs(c, o->out, true);
  addSnapOption(c, o->noSnap);
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      if (!o->seeds.empty() && (!o->from.empty() || !o->to.empty() || !o->via.empty()))
        throw UsageError("give either --seeds or --from/--to, not both");
      if (!o->seeds.empty() && isDiffusionKind(readManifest(o->model).kind)) return diffusionSeeds(*o);
      return latentInterp(*o);
    };
  });
}

}  // namespace latentlab::cli
