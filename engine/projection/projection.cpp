#include "engine/projection/projection.h"

#include <sstream>

#include "engine/projection/tsne.h"
#include "engine/projection/umap.h"
#include "engine/util/errors.h"

namespace latentlab {

const std::vector<ProjectionEntry>& projections() {
  static const std::vector<ProjectionEntry> table = [] {
    std::vector<ProjectionEntry> t;
    ProjectionEntry pca;
    pca.name = "pca";
    pca.label = "PCA of the data";
    pca.help = "The plane of the two directions along which the encoded data spreads most. Exact: every map point decodes mean + u*pc1 + v*pc2.";
    pca.plane = [](const LatentSet& s, const ProjectionParams&) { return pcaPlane(s); };
    t.push_back(pca);
    ProjectionEntry axes;
    axes.name = "axes";
    axes.label = "Two latent axes";
    axes.help = "Latent dimensions i (across) and j (up), all others 0. Exact.";
    axes.params = {"axisI", "axisJ"};
    axes.plane = [](const LatentSet& s, const ProjectionParams& p) { return axesPlane(s.dim, p.axisI, p.axisJ); };
    t.push_back(axes);
    ProjectionEntry three;
    three.name = "three-points";
    three.label = "Through 3 points";
    three.help = "The plane through the latents of three data items A (0,0), B (1,0), C (0,1). Exact.";
    three.params = {"points"};
    three.plane = [](const LatentSet& s, const ProjectionParams& p) {
      for (int64_t i : p.points)
        if (i < 0 || i >= s.count)
          throw BadInput("three-points: data index " + std::to_string(i) + " is not in the data set (0.." +
                         std::to_string(s.count - 1) + ")");
      return planeThroughPoints(s.latent(p.points[0]), s.latent(p.points[1]), s.latent(p.points[2]));
    };
    t.push_back(three);
    ProjectionEntry tsne;
    tsne.name = "tsne";
    tsne.label = "t-SNE";
    tsne.help = "Keeps each point's nearest neighbours near (Barnes-Hut t-SNE). Clusters show; distances between clusters and cluster sizes mean little. No exact inverse.";
    tsne.iterative = true;
    tsne.params = {"perplexity", "epochs", "seed"};
    tsne.start = [](const LatentSet& s, const ProjectionParams& p) -> std::unique_ptr<LayoutRun> {
      TsneParams tp;
      tp.perplexity = p.perplexity;
      if (p.epochs > 0) tp.epochs = p.epochs;
      tp.seed = p.seed;
      tp.threads = p.threads;
      return std::make_unique<TsneRun>(s.z.data(), s.count, s.dim, tp);
    };
    t.push_back(tsne);
    ProjectionEntry umap;
    umap.name = "umap";
    umap.label = "UMAP";
    umap.help = "A fuzzy neighbour graph laid out in 2-D (UMAP): clusters and some of their arrangement. No exact inverse.";
    umap.iterative = true;
    umap.params = {"neighbors", "minDist", "epochs", "seed"};
    umap.start = [](const LatentSet& s, const ProjectionParams& p) -> std::unique_ptr<LayoutRun> {
      UmapParams up;
      up.neighbors = p.neighbors;
      up.minDist = p.minDist;
      up.epochs = p.epochs;
      up.seed = p.seed;
      return std::make_unique<UmapRun>(s.z.data(), s.count, s.dim, up);
    };
    t.push_back(umap);
    return t;
  }();
  return table;
}

const ProjectionEntry& findProjection(const std::string& name) {
  std::string names;
  for (const auto& e : projections()) {
    if (e.name == name) return e;
    names += (names.empty() ? "" : ", ") + e.name;
  }
  throw BadInput("projection \"" + name + "\" is unknown (use " + names + ")");
}

std::vector<float> computeLayout(const LatentSet& set, const std::string& name, const ProjectionParams& params,
                                 const LayoutHooks& hooks) {
  const ProjectionEntry& e = findProjection(name);
  if (set.count < 1 || set.dim < 1 || set.z.size() != size_t(set.count) * size_t(set.dim))
    throw BadInput("projection: no encoded points to lay out");
  if (e.plane) return projectAll(e.plane(set, params), set);
  auto run = e.start(set, params);
  LayoutHooks h = hooks;
  h.stop = nullptr;  // runs to the end
  runLayout(*run, h);
  return run->layout();
}

std::string projectionKey(const std::string& name, const ProjectionParams& p) {
  const ProjectionEntry& e = findProjection(name);
  std::ostringstream k;
  k << name;
  for (const auto& f : e.params) {
    k << ' ' << f << '=';
    if (f == "perplexity") k << p.perplexity;
    else if (f == "neighbors") k << p.neighbors;
    else if (f == "minDist") k << p.minDist;
    else if (f == "epochs") k << p.epochs;
    else if (f == "seed") k << p.seed;
    else if (f == "axisI") k << p.axisI;
    else if (f == "axisJ") k << p.axisJ;
    else if (f == "points") k << p.points[0] << ',' << p.points[1] << ',' << p.points[2];
  }
  return k.str();
}

}  // namespace latentlab
