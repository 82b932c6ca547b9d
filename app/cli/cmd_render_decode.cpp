// `latentlab render decode`: decodes latents made elsewhere (e.g. in Python) with any model
// with a latent: Z.npy float32 [N, latent...] or [latent] -> a PNG grid and optionally the
// images as .npy (float32 N x C x H x W in [0, 1], exact decoder output).
#include "app/cli/cli_common.h"
#include "app/cli/cmd_render_specs.h"
#include "app/cli/commands.h"
#include "engine/data/npy.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

void addRenderDecode(CLI::App& cmd, Action& action) {
  struct Options {
    std::string model, latents, labels, cls;
    int cols = 10;
    ImageOutputs out;
    EngineOptions engine;
    bool noSnap = false;
  };
  auto o = std::make_shared<Options>();
  auto* c = &cmd;
  c->add_option("--model", o->model, "Model bundle folder")->required();
  c->add_option("--latents", o->latents, "float32 .npy of N latents: [N, latent...] or one [latent]")->required();
  c->add_option("--class", o->cls, "Class (name or index) for every row (conditional models)");
  c->add_option("--labels", o->labels, "int64 .npy of N class ids, one per row (conditional models)");
  c->add_option("--cols", o->cols, "Images per row")->capture_default_str()->check(CLI::Range(1, 100));
  addImageOutputs(c, o->out, false);
  addSnapOption(c, o->noSnap);
  addEngineOptions(c, o->engine);
  c->callback([&action, o] {
    action = [o] {
      auto model = loadFaceForCli(o->model, o->engine);
      applySnapOption(*model, o->noSnap);
      const ModelInfo& info = model->info();
      NpyArray a = readNpy(o->latents);
      if (a.dtype != NpyDtype::Float32) throw BadInput(o->latents + ": latents must be float32");
      const int64_t d = info.latentDim;
      int64_t n = a.shape.size() <= 1 ? 1 : a.shape[0];
      if (a.count() == 0 || a.count() != n * d)
        throw BadInput(o->latents + ": expected N latents of " + std::to_string(d) + " values ([N, " + std::to_string(d) +
                       "]) for " + info.dir + ", got " + std::to_string(a.count()) + " values");
      if (n > 100000) throw BadInput(o->latents + ": at most 100000 latents at once");
      std::vector<float> z(a.f32(), a.f32() + a.count());
      std::vector<int> classes(size_t(n), parseClassName(o->cls, info.classes, "--class"));
      if (!o->labels.empty()) {
        NpyArray l = readNpy(o->labels);
        if (l.dtype != NpyDtype::Int64 || l.count() != n)
          throw BadInput(o->labels + ": expected " + std::to_string(n) + " int64 class ids, one per latent");
        for (int64_t i = 0; i < n; ++i) {
          int64_t v = l.i64()[i];
          if (v < -1 || v >= std::max(info.conditional, 1))
            throw BadInput(o->labels + ": row " + std::to_string(i) + " has class " + std::to_string(v) + ", not one of 0.." +
                           std::to_string(std::max(info.conditional, 1) - 1));
          classes[size_t(i)] = int(v);
        }
      }
      std::vector<Image> images;
      std::vector<float> values;
      decodeRows(*model, z, classes, images, values);
      GridOptions g;
      g.cols = int(std::min<int64_t>(o->cols, n));
      writeImageOutputs(images, values, g, o->out);
      return 0;
    };
  });
}

}  // namespace latentlab::cli
