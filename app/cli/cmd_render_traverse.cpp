// `latentlab render traverse`: one row per direction (--direction class:A->B, pca:I, sefa:I,
// a directions .json file; or --dim N for a latent axis), columns from --range in the
// direction's sigma units, starting at --base (data-mean, prior, item:I, class:NAME or any
// latent spec). Default base: the data mean for models with an encoder, the prior's mean
// otherwise (and for --dim, as before, except on a VQ model, whose prior has no mean). Any
// model with a latent (the face).
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cmd_render_specs.h"
#include "app/cli/commands.h"
#include "engine/latent/directions.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {

struct TraverseOptions {
  std::string model, data = "fashion-mnist:test", base, cls;
  std::vector<std::string> directions;
  std::vector<int64_t> dims;
  std::vector<double> range = {-3, 3};
  int steps = 9;
  double psi = -1;
  ImageOutputs out;
  EngineOptions engine;
  bool noSnap = false;
};

int traverseCommand(const TraverseOptions& o) {
  if (o.directions.empty() && o.dims.empty()) throw UsageError("render traverse needs --direction NAME or --dim N");
  auto model = loadFaceForCli(o.model, o.engine);
  applySnapOption(*model, o.noSnap);
  const ModelInfo& info = model->info();
  for (int64_t d : o.dims)
    if (d < 0 || d >= info.latentDim)
      throw UsageError("--dim " + std::to_string(d) + ": latent dimension out of range 0.." + std::to_string(info.latentDim - 1));
  FaceContext ctx(model, o.data, o.psi);
  std::string baseSpec = o.base;
  // A VQ model's prior (a transformer over tokens) has no mean latent: its --dim rows start at
  // the data mean too, as its --direction rows do.
  if (baseSpec.empty())
    baseSpec = info.hasEncoder && (o.dims.empty() || info.codebookSize > 0) ? "data-mean" : "prior";
  LatentPoint base = parseBaseSpec(baseSpec, ctx);

  std::vector<Direction> rows;
  for (int64_t d : o.dims) {
    Direction axis;
    axis.name = "dim " + std::to_string(d);
    axis.vector.assign(size_t(info.latentDim), 0.f);
    axis.vector[size_t(d)] = 1.f;
    rows.push_back(axis);
  }
  for (const auto& spec : o.directions) {
    DirectionRequest req;
    req.model = model.get();
    auto colon = spec.find(':');
    const DirectionSource* src = colon == std::string::npos ? nullptr : findDirectionSource(spec.substr(0, colon));
    // A generator's map is prior samples: their z does not depend on the class they were drawn
    // for, so a class-mean direction would be noise drawn as if it meant something.
    if (src && src->name == "class" && !info.hasEncoder)
      throw BadInput("--direction " + spec + ": " + info.dir + " is a generator, whose class is an input, not a " +
                     "direction (its latents are prior samples, drawn alike for every class); use --class NAME, " +
                     "or a pca: or sefa: direction");
    if (src && src->needsLatents) req.latents = &ctx.latents();
    for (auto& d : resolveDirections(spec, req)) {
      if (d.vector.size() != size_t(info.latentDim))
        throw BadInput("direction \"" + d.name + "\" has " + std::to_string(d.vector.size()) + " values, " + info.dir +
                       " has a " + std::to_string(info.latentDim) + "-d latent");
      rows.push_back(std::move(d));
    }
  }
  int fixed = parseClassName(o.cls, info.classes, "--class");
  int classId = fixed >= 0 ? fixed : base.classId;
  std::vector<float> z;
  GridOptions g;
  g.cols = o.steps;
  for (const auto& d : rows) {
    auto t = traverseDirection(base.z, d, o.range[0], o.range[1], o.steps);
    z.insert(z.end(), t.begin(), t.end());
    g.rowLabels.push_back(d.name);
  }
  for (int i = 0; i < o.steps; ++i)
    g.colLabels.push_back(formatNumber(o.steps == 1 ? o.range[0] : o.range[0] + (o.range[1] - o.range[0]) * i / (o.steps - 1)));
  std::vector<Image> images;
  std::vector<float> values;
  decodeRows(*model, z, std::vector<int>(rows.size() * size_t(o.steps), classId), images, values);
  std::fprintf(stderr, "base: %s; %zu direction(s), %s .. %s sigma\n", base.label.c_str(), rows.size(),
               formatNumber(o.range[0]).c_str(), formatNumber(o.range[1]).c_str());
  writeImageOutputs(images, values, g, o.out);
  return 0;
}

}  // namespace

void addRenderTraverse(CLI::App& cmd, Action& action) {
  auto o = std::make_shared<TraverseOptions>();
  auto* c = &cmd;
  c->add_option("--model", o->model, "Model bundle folder")->required();
  c->add_option("--direction", o->directions,
                "Direction(s), one row each: class:FROM->TO, pca:I, sefa:I or a directions .json file")
      ->delimiter(',');
  c->add_option("--dim", o->dims, "Latent dimension(s) to walk along (one row each)");
  c->add_option("--range", o->range, "From and to, in the direction's sigma units")->expected(2)->capture_default_str();
  c->add_option("--steps", o->steps, "Images per row")->capture_default_str()->check(CLI::Range(1, 1000));
  c->add_option("--base", o->base, "Start: data-mean, prior, item:I, class:NAME or any latent spec");
  c->add_option("--data", o->data, "Data SPEC the directions and base are computed on")->capture_default_str();
  c->add_option("--class", o->cls, "Class (name or index) to decode with (conditional models)");
  c->add_option("--truncation", o->psi, "psi of a model without encoder's prior samples")->check(CLI::Range(0.0, 1.0));
  addImageOutputs(c, o->out, false);
  addSnapOption(c, o->noSnap);
  addEngineOptions(c, o->engine);
  c->callback([&action, o] { action = [o] { return traverseCommand(*o); }; });
}

}  // namespace latentlab::cli
