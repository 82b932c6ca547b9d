// `latentlab render compare --model A --model B`: two checkpoints side by side (issue 16). Each
// row is the same thing rendered by both, then their difference heat map (|A - B|, black = equal,
// white >= --saturate). Modes: the same prior latents (seeded, --seed/--count, --class for a
// conditional GAN), or --items: the same data images, each model reconstructing them with its
// own encoder (then the data image leads the row). Both models must have a latent face of the
// same size and the same image shape; otherwise one line and exit 3. Two diffusion models
// (pixel or latent) are instead both sampled from the same seeds and class with the same
// sampler, steps and guidance (A's recommended ones unless given). Prints the mean and the
// largest difference. Never writes anything but -o (atomic, like every PNG).
#include <cstdio>
#include <filesystem>

#include "app/cli/cli_common.h"
#include "app/cli/cmd_render_specs.h"
#include "app/cli/commands.h"
#include "app/compare/difference_map.h"
#include "engine/explore/diffusion_sampling.h"
#include "engine/models/manifest.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {
std::string shapeText(const ModelInfo& i) {
  return std::to_string(i.channels) + "x" + std::to_string(i.height) + "x" + std::to_string(i.width);
}
std::string shortName(const std::string& dir) {
  std::string s = std::filesystem::path(dir).lexically_normal().filename().string();
  if (s.empty()) s = std::filesystem::path(dir).lexically_normal().parent_path().filename().string();
  return s.empty() ? dir : s;
}
// Two models whose renderings can be compared pixel by pixel; BadInput (one line) when not.
void checkComparable(const ModelInfo& a, const ModelInfo& b) {
  const std::string head = "render compare: " + a.dir + " and " + b.dir;
  if (a.channels != b.channels || a.height != b.height || a.width != b.width)
    throw BadInput(head + " make images of different shapes (" + shapeText(a) + " vs " + shapeText(b) +
                   "); compare models of the same image shape");
  if (a.latentDim != b.latentDim)
    throw BadInput(head + " have latents of different sizes (" + std::to_string(a.latentDim) + " vs " +
                   std::to_string(b.latentDim) + "); the same latent means nothing to both, compare models with equal latent size");
  if (a.conditional != b.conditional)
    throw BadInput(head + " are conditioned on different numbers of classes (" + std::to_string(a.conditional) + " vs " +
                   std::to_string(b.conditional) + ")");
}
bool isDiffusion(const std::string& dir) {
  try {
    const std::string kind = readManifest(dir).kind;
    return kind == "diffusion" || kind == "latent-diffusion";
  } catch (const std::exception&) {
    return false;  // a bare .pt or a broken bundle: the latent face's loader says what is wrong
  }
}
// Image values in [0, 1], C x H x W (the heat map's input).
std::vector<float> valuesOf(const Image& im) {
  std::vector<float> v(im.pixels.size());
  for (int c = 0; c < im.channels; ++c)
    for (int y = 0; y < im.height; ++y)
      for (int x = 0; x < im.width; ++x)
        v[(size_t(c) * im.height + y) * im.width + x] = float(im.at(x, y)[c]) / 255.f;
  return v;
}
std::vector<int64_t> parseItems(const std::string& text) {
  std::vector<int64_t> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    char* end = nullptr;
    long long v = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || !end || *end != '\0' || v < 0) throw UsageError("--items: expected indices like 0,5,12, got \"" + text + "\"");
    out.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out.size() > 200) throw UsageError("--items: at most 200 items");
  return out;
}

struct CompareOptions {
  std::vector<std::string> models;
  std::string items, data = "fashion-mnist:test", cls, sampler;
  int steps = 0;
  double guidance = -1;
  uint64_t seed = 0;
  int count = 8;
  double psi = -1, saturate = 0.5;
  ImageOutputs out;
  EngineOptions engine;
};

// Writes the rows (A | B | heat map, after a leading column when `lead` is given) and prints the numbers.
void writeComparison(const CompareOptions& o, const std::string& dirA, const std::string& dirB, const std::vector<Image>& lead,
                     const std::vector<Image>& imagesA, const std::vector<Image>& imagesB, const std::vector<float>& valuesA,
                     const std::vector<float>& valuesB, const std::vector<std::string>& rowLabels) {
  const size_t rows = imagesA.size();
  const Image& first = imagesA.at(0);
  const size_t per = size_t(first.channels) * first.height * first.width;
  std::vector<Image> cells;
  double meanSum = 0, worst = 0;
  for (size_t r = 0; r < rows; ++r) {
    DifferenceMap dm = differenceMap(valuesA.data() + r * per, valuesB.data() + r * per, first.channels, first.height, first.width,
                                     o.saturate);
    meanSum += dm.meanAbs, worst = std::max(worst, dm.maxAbs);
    if (!lead.empty()) cells.push_back(lead[r]);
    cells.push_back(imagesA[r]), cells.push_back(imagesB[r]), cells.push_back(std::move(dm.heat));
  }
  GridOptions g;
  g.cols = lead.empty() ? 3 : 4;
  g.scale = o.out.scale;
  if (o.out.labels) {
    g.rowLabels = rowLabels;
    // "A: name" when it fits over its column, else just "A" (stdout says which is which).
    const int cell = first.width * g.scale;
    auto label = [&](const char* letter, const std::string& dir) {
      std::string l = std::string(letter) + ": " + shortName(dir);
      return textWidth(l) <= cell ? l : std::string(letter);
    };
    g.colLabels = {label("A", dirA), label("B", dirB), "|A-B|"};
    if (!lead.empty()) g.colLabels.insert(g.colLabels.begin(), "data");
  }
  writeGridPng(cells, g, o.out.png);
  std::printf("A = %s (%s)\nB = %s (%s)\n", dirA.c_str(), shortName(dirA).c_str(), dirB.c_str(), shortName(dirB).c_str());
  std::printf("%zu rows: mean |A-B| %.6f, largest pixel difference %.6f (heat map white at %.3g); wrote %s\n", rows,
              rows ? meanSum / double(rows) : 0.0, worst, o.saturate, o.out.png.c_str());
}

// Two diffusion models: the same seeds, class, sampler, steps and guidance for both.
int compareDiffusion(const CompareOptions& o) {
  pickDevice(o.engine.device);
  setEngineThreads(o.engine.threads > 0 ? o.engine.threads : defaultEngineThreads());
  auto a = DiffusionSampler::load(o.models[0], o.engine.device);
  auto b = DiffusionSampler::load(o.models[1], o.engine.device);
  const DiffusionInfo &ia = a->info(), &ib = b->info();
  if (ia.numClasses != ib.numClasses)
    throw BadInput("render compare: " + o.models[0] + " and " + o.models[1] + " are conditioned on different numbers of classes (" +
                   std::to_string(ia.numClasses) + " vs " + std::to_string(ib.numClasses) + ")");
  if (!o.items.empty()) throw UsageError("render compare: --items needs models with an encoder, not diffusion models");
  SampleRequest req;
  req.sampler = o.sampler.empty() ? ia.defaultSampler : o.sampler;
  req.steps = o.steps > 0 ? o.steps : ia.defaultSteps;
  req.guidance = o.guidance >= 0 ? o.guidance : ia.defaultGuidance;
  req.classIndex = parseClassName(o.cls, ia.classes, "--class");
  std::vector<Image> imagesA, imagesB;
  std::vector<float> valuesA, valuesB;
  std::vector<std::string> rowLabels;
  for (int i = 0; i < o.count; ++i) {
    req.seed = o.seed + uint64_t(i);
    Image ra = a->sample(req, {}), rb = b->sample(req, {});
    if (ra.width != rb.width || ra.height != rb.height || ra.channels != rb.channels)
      throw BadInput("render compare: " + o.models[0] + " and " + o.models[1] + " make images of different shapes");
    std::vector<float> va = valuesOf(ra), vb = valuesOf(rb);
    valuesA.insert(valuesA.end(), va.begin(), va.end());
    valuesB.insert(valuesB.end(), vb.begin(), vb.end());
    imagesA.push_back(std::move(ra)), imagesB.push_back(std::move(rb));
    rowLabels.push_back("seed " + std::to_string(req.seed));
  }
  std::fprintf(stderr, "both sampled with %s, %d steps, guidance %.3g%s\n", req.sampler.c_str(), req.steps, req.guidance,
               req.classIndex >= 0 ? (", class " + std::to_string(req.classIndex)).c_str() : "");
  writeComparison(o, o.models[0], o.models[1], {}, imagesA, imagesB, valuesA, valuesB, rowLabels);
  return 0;
}
}  // namespace

void addRenderCompare(CLI::App& cmd, Action& action) {
  using Options = CompareOptions;
  auto o = std::make_shared<Options>();
  auto* c = &cmd;
  c->add_option("--model", o->models, "The two model bundles, A then B (give --model twice)")->required()->expected(2);
  c->add_option("--seed", o->seed, "Seed of the prior latents both models decode")->capture_default_str();
  c->add_option("--count", o->count, "How many latents (rows)")->capture_default_str()->check(CLI::Range(1, 200));
  c->add_option("--class", o->cls, "Class (name or index) of every row, for class-conditional models");
  c->add_option("--psi", o->psi, "Truncation of the prior latents (GANs; default: model A's recommended, 1 for others)");
  c->add_option("--items", o->items, "Data items (e.g. 0,5,12) each model reconstructs with its own encoder, instead of prior latents");
  c->add_option("--data", o->data, "Data set of --items")->capture_default_str();
  c->add_option("--sampler", o->sampler, "Diffusion models: the sampler of both runs (default: model A's)");
  c->add_option("--steps", o->steps, "Diffusion models: steps of both runs (default: model A's)")->check(CLI::Range(1, 1000));
  c->add_option("--guidance", o->guidance, "Diffusion models: guidance of both runs (default: model A's)");
  c->add_option("--saturate", o->saturate, "The difference drawn white (|A - B| in 0..1 pixel units)")
      ->capture_default_str()
      ->check(CLI::Range(1e-3, 1.0));
  addImageOutputs(c, o->out, false);
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      if (o->models.size() != 2) throw UsageError("render compare: give exactly two models, --model A --model B");
      const bool diffA = isDiffusion(o->models[0]), diffB = isDiffusion(o->models[1]);
      if (diffA != diffB)
        throw BadInput("render compare: " + o->models[diffA ? 0 : 1] + " is a diffusion model and " + o->models[diffA ? 1 : 0] +
                       " is not; compare two diffusion models (same seeds) or two models with a latent (same latents)");
      if (diffA) return compareDiffusion(*o);
      auto load = [&](const std::string& dir) {
        try {
          return loadFaceForCli(dir, o->engine);
        } catch (const BadInput& e) {
          throw BadInput(std::string("render compare: ") + e.what());  // which command refused it
        }
      };
      auto a = load(o->models[0]);
      auto b = load(o->models[1]);
      const ModelInfo &ia = a->info(), &ib = b->info();
      checkComparable(ia, ib);
      const int n = o->items.empty() ? o->count : 0;
      std::vector<Image> imagesA, imagesB, originals;
      std::vector<float> valuesA, valuesB;
      std::vector<std::string> rowLabels;
      if (o->items.empty()) {
        const int classId = parseClassName(o->cls, ia.classes, "--class");
        const double psi = o->psi >= 0 ? o->psi : (ia.hasEncoder ? 1.0 : ia.truncation);
        const std::vector<float> z = a->priorSample(n, o->seed, psi);  // N(0, I) * psi: the same for both
        const std::vector<int> classes(size_t(n), classId);
        decodeRows(*a, z, classes, imagesA, valuesA);
        decodeRows(*b, z, classes, imagesB, valuesB);
        for (int i = 0; i < n; ++i) rowLabels.push_back("seed " + std::to_string(o->seed) + " #" + std::to_string(i));
      } else {
        if (!ia.hasEncoder || !ib.hasEncoder)
          throw BadInput("render compare: --items needs two models with an encoder; " + (ia.hasEncoder ? ib.dir : ia.dir) +
                         " has none (compare prior samples with --seed instead)");
        const std::vector<int64_t> items = parseItems(o->items);
        FaceContext ca(a, o->data, 1.0), cb(b, o->data, 1.0);
        DatasetOptions dopts;
        dopts.limit = 0;
        for (int64_t item : items) {
          int label = -1;
          std::vector<float> za = ca.item(item, label), zb = cb.item(item, label);
          std::vector<Image> ra, rb;
          std::vector<float> va, vb;
          decodeRows(*a, za, {-1}, ra, va);
          decodeRows(*b, zb, {-1}, rb, vb);
          imagesA.push_back(ra[0]), imagesB.push_back(rb[0]);
          valuesA.insert(valuesA.end(), va.begin(), va.end());
          valuesB.insert(valuesB.end(), vb.begin(), vb.end());
          rowLabels.push_back("item " + std::to_string(item));
        }
        Dataset d = openDataset(o->data, dopts);
        for (int64_t item : items) originals.push_back(d.image(item));
      }
      writeComparison(*o, ia.dir, ib.dir, originals, imagesA, imagesB, valuesA, valuesB, rowLabels);
      return 0;
    };
  });
}

}  // namespace latentlab::cli
