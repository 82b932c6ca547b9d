// The map projections by name: pca, axes, three-points (exact planes, adapters over
// engine/explore/latent_plane) and tsne, umap (iterative layouts with an approximate
// inverse). The GUI's projection menu, `latentlab map --projection` and the tests all read
// this one table; a test loops over every entry. Torch-free; never touches the GUI.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/explore/explorer.h"
#include "engine/explore/latent_plane.h"
#include "engine/projection/layout_run.h"

namespace latentlab {

struct ProjectionParams {
  double perplexity = 30;   // tsne
  int neighbors = 15;       // umap (including the point itself)
  double minDist = 0.1;     // umap
  int epochs = 0;           // tsne, umap; 0 = the method's default
  uint64_t seed = 1;        // tsne, umap
  int threads = 1;          // tsne's gradient; does not change the layout
  int axisI = 0, axisJ = 1;                   // axes
  std::array<int64_t, 3> points{{0, 1, 2}};  // three-points: data indices
};

struct ProjectionEntry {
  std::string name, label, help;
  bool iterative = false;           // runs epoch by epoch; its map has only an approximate inverse
  std::vector<std::string> params;  // the ProjectionParams fields it reads (CLI flags, GUI widgets)
  std::function<LatentPlane(const LatentSet&, const ProjectionParams&)> plane;                  // exact ones
  std::function<std::unique_ptr<LayoutRun>(const LatentSet&, const ProjectionParams&)> start;  // iterative ones
};

const std::vector<ProjectionEntry>& projections();
// Throws BadInput naming the known projections.
const ProjectionEntry& findProjection(const std::string& name);
// Any projection to the end: N x 2 floats in data order.
std::vector<float> computeLayout(const LatentSet& set, const std::string& name, const ProjectionParams& params,
                                 const LayoutHooks& hooks = {});
// The parameters that matter to `name`, as text: the cache key of a finished layout.
std::string projectionKey(const std::string& name, const ProjectionParams& params);

}  // namespace latentlab
