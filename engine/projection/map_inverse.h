// The approximate inverse of a nonlinear map (t-SNE, UMAP have no exact one): the latent at a
// map position is the inverse-distance-weighted blend of the latents of its k nearest map
// neighbours; far from every point (outside the data) the position is pulled in to the
// edge of the data and says so. The other way, a new latent is placed on the map by the
// same rule in latent space. Both say how far they had to reach (the uncertainty the GUI
// shows). Plain maths; never touches the GUI or torch.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/projection/grid_index.h"

namespace latentlab {

struct InverseSample {
  std::vector<float> latent;
  double u = 0, v = 0;           // the position blended at (moved when snapped)
  bool snapped = false;          // the asked position was farther than snapRadius from the data
  double mapDistance = 0;        // from the asked position to the nearest data point, map units
  double latentDistance = 0;     // from the blended latent to the nearest data latent
  double typicalLatentStep = 0;  // median latent distance between map neighbours (a scale for it)
  std::vector<int64_t> neighbors;
};

class MapInverse {
 public:
  // latents: n x dim (row-major); uv: n x 2 layout in the same order. Both are copied.
  MapInverse(const float* latents, int64_t n, int dim, std::vector<float> uv, int k = 8);
  InverseSample at(double u, double v) const;
  // Map position of a latent not in the data (k nearest in latent space, blended).
  std::pair<double, double> place(const float* latent) const;
  double snapRadius() const { return m_snapRadius; }
  const std::vector<float>& layout() const { return m_uv; }

 private:
  std::vector<float> m_z, m_uv;
  int64_t m_n;
  int m_dim, m_k;
  GridIndex m_grid;
  double m_snapRadius = 0, m_latentStep = 0;
};

}  // namespace latentlab
