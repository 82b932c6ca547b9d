// `latentlab map`: the 2-D map of a data set's latents by any registered projection (pca,
// axes, three-points, tsne, umap) as an N x 2 float32 .npy in data order, optionally the
// labels and a PNG of the scatter. The same engine code the window runs on its worker.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <unistd.h>

#include "app/cli/commands.h"
#include "app/export/map_raster.h"
#include "app/export/text_raster.h"
#include "engine/data/dataset.h"
#include "engine/data/image_io.h"
#include "engine/data/npy.h"
#include "engine/explore/explorer.h"
#include "engine/projection/projection.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {
struct MapOpts {
  std::string model, data = "fashion-mnist:test", projection = "pca", out, labels, png, device = "cpu";
  int64_t limit = 0;
  ProjectionParams params;
  std::vector<int> axes;
  std::vector<int64_t> points;
};

void writePng(const MapOpts& o, const LatentSet& s, const std::vector<float>& uv) {
  MapPoints pts;
  pts.uv = uv;
  pts.labels = s.labels;
  pts.classNames = s.classNames;
  MapView view;
  view.fit(uv);
  MapRasterOptions ro;
  ro.width = 900;
  ro.height = 800;
  ro.pointSize = s.count > 20000 ? 2.f : 3.f;
  ro.text = &defaultTextRaster();
  const ProjectionEntry& e = findProjection(o.projection);
  if (!e.iterative) ro.uName = o.projection == "pca" ? "PC1" : "u", ro.vName = o.projection == "pca" ? "PC2" : "v";
  latentlab::writePng(o.png, rasterizeMap(pts, {}, view, ro).image);
}
}  // namespace

void addMap(CLI::App& cmd, Action& action) {
  auto* c = &cmd;
  auto o = std::make_shared<MapOpts>();
  std::string names;
  for (const auto& e : projections()) names += (names.empty() ? "" : "|") + e.name;
  c->add_option("--model", o->model, "Model bundle folder")->required();
  c->add_option("--data", o->data, "Data SPEC")->capture_default_str();
  c->add_option("--projection", o->projection, names)->capture_default_str();
  c->add_option("--neighbors", o->params.neighbors, "umap: neighbours per point, itself included")
      ->capture_default_str()->check(CLI::Range(2, 200));
  c->add_option("--min-dist", o->params.minDist, "umap: how tightly points may pack (0..1)")
      ->capture_default_str()->check(CLI::Range(0.0, 1.0));
  c->add_option("--perplexity", o->params.perplexity, "tsne: effective neighbours per point")
      ->capture_default_str()->check(CLI::Range(1.0, 1000.0));
  c->add_option("--epochs", o->params.epochs, "tsne/umap: optimisation epochs (0 = the method's default)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  c->add_option("--seed", o->params.seed, "tsne/umap: the same seed repeats the layout")->capture_default_str();
  c->add_option("--threads", o->params.threads, "tsne: gradient threads (the layout does not change)")
      ->capture_default_str()->check(CLI::Range(1, 256));
  c->add_option("--axes", o->axes, "axes: two latent dimensions")->expected(2);
  c->add_option("--points", o->points, "three-points: three data indices")->expected(3);
  c->add_option("--limit", o->limit, "Only the first N images (0 = all)")->check(CLI::NonNegativeNumber);
  c->add_option("--device", o->device, "auto|cpu|cuda (the encoder)")->capture_default_str();
  c->add_option("-o,--out", o->out, "Output layout .npy (N x 2 float32, data order)")->required();
  c->add_option("--labels", o->labels, "Also write the labels as int64 .npy");
  c->add_option("--png", o->png, "Also draw the map as a PNG");
  c->callback([&action, o] {
    action = [o] {
      const ProjectionEntry& entry = findProjection(o->projection);  // before the slow part
      if (o->axes.size() == 2) o->params.axisI = o->axes[0], o->params.axisJ = o->axes[1];
      if (o->points.size() == 3) o->params.points = {{o->points[0], o->points[1], o->points[2]}};
      auto model = ExploreModel::load(o->model, o->device);
      DatasetOptions dopts;
      dopts.limit = o->limit;
      Dataset d = openDataset(o->data, dopts);
      if (!o->labels.empty() && d.labels.empty()) throw BadInput(o->data + ": this data set has no labels to write");
      LatentSet s = model->encode(d);
      LayoutHooks hooks;
      bool tty = isatty(2);
      hooks.publishSeconds = tty ? 0.2 : 5.0;
      // A line now and then (a log file gets one every 5 s, a terminal one rewritten line).
      auto last = std::make_shared<std::chrono::steady_clock::time_point>();
      hooks.progress = [tty, last](double f, const std::string& m) {
        auto now = std::chrono::steady_clock::now();
        if (now - *last < std::chrono::milliseconds(tty ? 200 : 5000)) return;
        *last = now;
        std::fprintf(stderr, tty ? "\r%3.0f%% %-60s" : "%3.0f%% %s\n", 100 * f, m.c_str());
      };
      auto t0 = std::chrono::steady_clock::now();
      std::vector<float> uv = computeLayout(s, o->projection, o->params, hooks);
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (tty && entry.iterative) std::fprintf(stderr, "\n");
      for (float v : uv)
        if (!std::isfinite(v)) throw BadInput(o->projection + ": the layout has non-finite coordinates");
      writeNpy(o->out, makeNpyF32({s.count, 2}, uv.data()));
      if (!o->labels.empty()) {
        std::vector<int64_t> l(s.labels.begin(), s.labels.end());
        writeNpy(o->labels, makeNpyI64({int64_t(l.size())}, l.data()));
      }
      if (!o->png.empty()) writePng(*o, s, uv);
      std::printf("wrote %s (%lld x 2, %s, layout %.1f s)\n", o->out.c_str(), (long long)s.count, o->projection.c_str(),
                  seconds);
      return 0;
    };
  });
}

}  // namespace latentlab::cli
