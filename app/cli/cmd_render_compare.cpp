// `latentlab render compare --model A --model B`: two checkpoints side by side (issue 16). Each
// row is the same thing rendered by both, then their difference heat map (|A - B|, black = equal,
// white >= --saturate). Modes: the same prior latents (seeded, --seed/--count, --class for a
// conditional GAN), or --items: the same data images, each model reconstructing them with its
// own encoder (then the data image leads the row). Both models must have a latent face of the
// same size and the same image shape; otherwise one line and exit 3. Prints the mean and the
// largest difference. Never writes anything but -o (atomic, like every PNG).
#include <cstdio>
#include <filesystem>

#include "app/cli/cli_common.h"
#include "app/cli/cmd_render_specs.h"
#include "app/cli/commands.h"
#include "app/compare/difference_map.h"
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
}  // namespace

void addRenderCompare(CLI::App& cmd, Action& action) {
  struct Options {
    std::vector<std::string> models;
    std::string items, data = "fashion-mnist:test", cls;
    uint64_t seed = 0;
    int count = 8;
    double psi = -1, saturate = 0.5;
    ImageOutputs out;
    EngineOptions engine;
  };
  auto o = std::make_shared<Options>();
  auto* c = &cmd;
  c->add_option("--model", o->models, "The two model bundles, A then B (give --model twice)")->required()->expected(2);
  c->add_option("--seed", o->seed, "Seed of the prior latents both models decode")->capture_default_str();
  c->add_option("--count", o->count, "How many latents (rows)")->capture_default_str()->check(CLI::Range(1, 200));
  c->add_option("--class", o->cls, "Class (name or index) of every row, for class-conditional models");
  c->add_option("--psi", o->psi, "Truncation of the prior latents (GANs; default: model A's recommended, 1 for others)");
  c->add_option("--items", o->items, "Data items (e.g. 0,5,12) each model reconstructs with its own encoder, instead of prior latents");
  c->add_option("--data", o->data, "Data set of --items")->capture_default_str();
  c->add_option("--saturate", o->saturate, "The difference drawn white (|A - B| in 0..1 pixel units)")
      ->capture_default_str()
      ->check(CLI::Range(1e-3, 1.0));
  addImageOutputs(c, o->out, false);
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      if (o->models.size() != 2) throw UsageError("render compare: give exactly two models, --model A --model B");
      auto load = [&](const std::string& dir) {
        try {
          return loadFaceForCli(dir, o->engine);
        } catch (const BadInput& e) {
          // Say which command refused it; pixel diffusion models (no latent) are compared by
          // `render denoise` runs, not here.
          throw BadInput(std::string("render compare: ") + e.what());
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
      const size_t rows = imagesA.size();
      const size_t per = size_t(ia.channels) * ia.height * ia.width;
      std::vector<Image> cells;
      double meanSum = 0, worst = 0;
      for (size_t r = 0; r < rows; ++r) {
        DifferenceMap dm = differenceMap(valuesA.data() + r * per, valuesB.data() + r * per, ia.channels, ia.height, ia.width,
                                         o->saturate);
        meanSum += dm.meanAbs, worst = std::max(worst, dm.maxAbs);
        if (!originals.empty()) cells.push_back(originals[r]);
        cells.push_back(imagesA[r]), cells.push_back(imagesB[r]), cells.push_back(std::move(dm.heat));
      }
      GridOptions g;
      g.cols = originals.empty() ? 3 : 4;
      g.scale = o->out.scale;
      if (o->out.labels) {
        g.rowLabels = rowLabels;
        // "A: name" when it fits over its column, else just "A" (stdout says which is which).
        const int cell = ia.width * g.scale;
        auto label = [&](const char* letter, const std::string& dir) {
          std::string l = std::string(letter) + ": " + shortName(dir);
          return textWidth(l) <= cell ? l : std::string(letter);
        };
        g.colLabels = {label("A", ia.dir), label("B", ib.dir), "|A-B|"};
        if (!originals.empty()) g.colLabels.insert(g.colLabels.begin(), "data");
      }
      writeGridPng(cells, g, o->out.png);
      std::printf("A = %s (%s)\nB = %s (%s)\n", ia.dir.c_str(), shortName(ia.dir).c_str(), ib.dir.c_str(), shortName(ib.dir).c_str());
      std::printf("%zu rows: mean |A-B| %.6f, largest pixel difference %.6f (heat map white at %.3g); wrote %s\n", rows,
                  rows ? meanSum / double(rows) : 0.0, worst, o->saturate, o->out.png.c_str());
      return 0;
    };
  });
}

}  // namespace latentlab::cli
