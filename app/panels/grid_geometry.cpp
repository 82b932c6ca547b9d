#include "app/panels/grid_geometry.h"

namespace latentlab {

PlaneRect gridDecodeBounds(const MapView& view, const MapRect& map, int k) {
  PlaneRect b;
  view.bounds(map, b.u0, b.u1, b.v0, b.v1);
  if (k < 2) return b;
  // K tiles of width (u1 - u0) / K fill the map; their centres run from half a tile in.
  double hu = (b.u1 - b.u0) / (2.0 * k), hv = (b.v1 - b.v0) / (2.0 * k);
  return {b.u0 + hu, b.u1 - hu, b.v0 + hv, b.v1 - hv};
}

ImVec4 gridTileRect(const MapView& view, const MapRect& map, const PlaneRect& g, int k, int row, int col) {
  if (k < 2) return ImVec4(0, 0, 0, 0);
  double ppu = view.pixelsPerUnit(map);
  // A tile is as wide as the spacing between decode points: neighbours touch, none overlap.
  float tw = float((g.u1 - g.u0) / (k - 1) * ppu), th = float((g.v1 - g.v0) / (k - 1) * ppu);
  float x, y;
  view.toScreen(map, g.u0 + (g.u1 - g.u0) * col / (k - 1), g.v1 - (g.v1 - g.v0) * row / (k - 1), x, y);
  return ImVec4(x - tw * 0.5f, y - th * 0.5f, tw, th);
}

}  // namespace latentlab
