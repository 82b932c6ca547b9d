// `latentlab project`: GAN inversion from the command line (issue 14). A generator has no
// encoder, so each chosen data image is projected into z by gradient descent on the pixel MSE
// (engine/latent/gan_inversion.h, the same code as the window's Invert tab). Writes the found
// z as float32 N x D .npy (decode it with psi = 1), optionally the chosen classes (int64) and
// a PNG with the inputs over their projections, and prints each item's final MSE so a user
// sees honestly what the generator could not make.
#include <algorithm>
#include <cstdio>

#include "app/cli/cli_common.h"
#include "app/cli/cmd_render_specs.h"
#include "app/cli/commands.h"
#include "engine/data/dataset.h"
#include "engine/data/npy.h"
#include "engine/data/resize.h"
#include "engine/latent/gan_inversion.h"
#include "engine/models/model_file.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

void addProject(CLI::App& cmd, Action& action) {
  struct Options {
    std::string model, data = "fashion-mnist:test", out, classesOut, png, cls;
    std::vector<int64_t> items;
    int steps = 200, searchSteps = 25;
    double learningRate = 0.05, priorWeight = 0.0;
    EngineOptions engine;
  };
  auto o = std::make_shared<Options>();
  auto* c = &cmd;
  c->add_option("--model", o->model, "GAN bundle folder")->required();
  c->add_option("--data", o->data, "Data SPEC the items come from")->capture_default_str();
  c->add_option("--items", o->items, "Data items to project, e.g. 0,1,7")->required()->delimiter(',')->check(
      CLI::NonNegativeNumber);
  c->add_option("-o,--out", o->out, "Output z .npy (float32 N x latent)")->required();
  c->add_option("--classes", o->classesOut, "Also write the class each item was projected with (int64 .npy)");
  c->add_option("--png", o->png, "Also write inputs (top row) over their projections (bottom row)");
  c->add_option("--class", o->cls,
                "Project with this class of the generator (name or index); default: try every class, keep the best");
  c->add_option("--steps", o->steps, "Adam steps on z after the class search")->capture_default_str()->check(
      CLI::Range(0, 100000));
  c->add_option("--search-steps", o->searchSteps, "Steps per class while searching")->capture_default_str()->check(
      CLI::Range(1, 10000));
  c->add_option("--lr", o->learningRate, "Adam learning rate")->capture_default_str()->check(CLI::Range(1e-6, 10.0));
  c->add_option("--prior-weight", o->priorWeight, "Weight of mean(z^2): keeps z where the prior has mass")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      if (o->items.size() > 1000) throw BadInput("--items: at most 1000 items at once (each is an optimisation)");
      setEngineThreads(o->engine.threads > 0 ? o->engine.threads : defaultEngineThreads());
      auto inverter = GanInverter::load(o->model, o->engine.device);
      // The generator's classes are named by its own manifest; the data's names are only for
      // the data's labels (Fashion-MNIST beside a generator of shapes names other things).
      const Manifest gm = readModelManifest(o->model);
      const int numClasses = inverter->numClasses();
      auto generatorClass = [&](int c) {
        return c >= 0 && size_t(c) < gm.classes.size() ? gm.classes[size_t(c)] : std::to_string(c);
      };
      const int64_t maxItem = *std::max_element(o->items.begin(), o->items.end());
      DatasetOptions dopts;
      dopts.limit = maxItem + 1;
      Dataset d = openDataset(o->data, dopts);
      if (maxItem >= d.count)
        throw BadInput(o->data + ": item " + std::to_string(maxItem) + " is past its last item " +
                       std::to_string(d.count - 1));
      const ImageShape made{gm.image.channels, gm.image.height, gm.image.width};
      if (shapeOf(d) != made) throw BadInput(dataShapeMismatch(d, made, o->model));
      GanInversionOptions opts;
      opts.steps = o->steps;
      opts.searchSteps = o->searchSteps;
      opts.learningRate = o->learningRate;
      opts.priorWeight = o->priorWeight;
      if (!o->cls.empty() && numClasses == 0)
        throw BadInput("--class: " + o->model + " is unconditional (it takes no class)");
      opts.classIndex = o->cls.empty() ? -1 : parseClassName(o->cls, gm.classes, "--class");
      if (opts.classIndex >= numClasses)
        throw BadInput("--class: " + o->cls + " is not one of this model's " + std::to_string(numClasses) + " classes");
      // With no --class every class is tried; only then does the final descent start from a search.
      const bool searched = opts.classIndex < 0 && numClasses > 1;

      std::vector<float> zs;
      std::vector<int64_t> classes;
      std::vector<Image> inputs, projections;
      for (size_t k = 0; k < o->items.size(); ++k) {
        const int64_t item = o->items[k];
        Image target = d.image(item);
        GanInversionResult r = inverter->invert(target, opts);
        zs.insert(zs.end(), r.z.begin(), r.z.end());
        classes.push_back(r.classIndex);
        inputs.push_back(target);
        projections.push_back(r.image);
        // What the generator chose, named by the generator; then the data's label, named by the data.
        std::string dataLabel;
        if (int64_t l = d.label(item); l >= 0)
          dataLabel = "; data label " + (size_t(l) < d.classNames.size() ? d.classNames[size_t(l)] : std::to_string(l));
        const std::string chosen = numClasses > 0 ? "class " + generatorClass(r.classIndex) + ", " : "";
        // The final descent starts at z = 0 with a given class, else at the best class's search result.
        std::printf("item %lld: %spixel MSE %.5f (%.5f %s)%s\n", (long long)item, chosen.c_str(), r.mse,
                    r.mseCurve.empty() ? r.mse : r.mseCurve.front(), searched ? "after the class search" : "at z = 0",
                    dataLabel.c_str());
        std::fflush(stdout);
      }
      const int64_t n = int64_t(o->items.size()), dim = inverter->latentDim();
      writeNpy(o->out, makeNpyF32({n, dim}, zs.data()));
      if (!o->classesOut.empty()) writeNpy(o->classesOut, makeNpyI64({n}, classes.data()));
      if (!o->png.empty()) {
        GridOptions g;
        g.cols = int(std::min<int64_t>(n, 20));
        std::vector<Image> cells;
        // Rows of up to 20: inputs, then the same items' projections under them.
        for (int64_t start = 0; start < n; start += g.cols) {
          for (int64_t j = 0; j < g.cols; ++j)
            cells.push_back(start + j < n ? inputs[size_t(start + j)] : Image(d.width, d.height, d.channels));
          for (int64_t j = 0; j < g.cols; ++j)
            cells.push_back(start + j < n ? projections[size_t(start + j)] : Image(d.width, d.height, d.channels));
        }
        writeGridPng(cells, g, o->png);
      }
      std::printf("wrote %s (%lld x %lld)\n", o->out.c_str(), (long long)n, (long long)dim);
      return 0;
    };
  });
}

}  // namespace latentlab::cli
