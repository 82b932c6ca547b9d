// The latent map's view: where the map plane sits on screen (centre + zoom), the exact
// screen <-> plane mapping, and nearest-point picking. Pure math, no ImGui state, no GL, so
// the round trip and picking are unit-tested headless. Picking per frame goes through
// MapPicker's grid index (70,000 points: a few cells, not every point).
#pragma once
#include <cstdint>
#include <vector>

#include "engine/projection/grid_index.h"

namespace latentlab {

struct MapRect {
  float x = 0, y = 0, w = 1, h = 1;
};

class MapView {
 public:
  double centerU = 0, centerV = 0;
  double halfExtent = 3;  // plane units from the centre to the edge of the shorter side

  double pixelsPerUnit(const MapRect& r) const;
  void toScreen(const MapRect& r, double u, double v, float& x, float& y) const;
  void toPlane(const MapRect& r, float x, float y, double& u, double& v) const;
  // Zooms by `factor` (>1 = in) keeping the plane point under (x, y) fixed.
  void zoomAt(const MapRect& r, float x, float y, double factor);
  void panPixels(const MapRect& r, float dx, float dy);
  // Fits the view to the points (2 floats each), with a margin.
  void fit(const std::vector<float>& uv);
  // Visible plane bounds.
  void bounds(const MapRect& r, double& u0, double& u1, double& v0, double& v1) const;
};

// Index of the visible point nearest to screen position (x, y) within maxPixels, or -1.
// `hidden[label]` true skips that class.
int64_t pickNearest(const MapView& view, const MapRect& r, const std::vector<float>& uv,
                    const std::vector<int>& labels, const std::vector<bool>& hidden, float x, float y,
                    float maxPixels);

// pickNearest through a grid index over the plane coordinates, rebuilt only when the points'
// version changes: the same answer (a test checks it on random points) in microseconds.
class MapPicker {
 public:
  int64_t pick(const MapView& view, const MapRect& r, const std::vector<float>& uv, uint64_t version,
               const std::vector<int>& labels, const std::vector<bool>& hidden, float x, float y, float maxPixels);
  const GridIndex& index() const { return m_grid; }

 private:
  GridIndex m_grid;
  const std::vector<float>* m_uv = nullptr;
  uint64_t m_version = 0;
  bool m_built = false;
};

}  // namespace latentlab
