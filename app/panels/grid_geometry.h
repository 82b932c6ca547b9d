// Where the manifold grid's decodes sit: the plane rectangle to decode a K x K grid over, and
// the screen tile of each decode on the map. Chosen together so the tiles, each centred on
// the plane point it was decoded from, exactly cover the visible map: no outer tile is cut
// at the map's edge (the last column used to vanish at the legend, the bottom row at the
// panel's bottom). Pure math on MapView, no ImGui state.
#pragma once
#include <imgui.h>

#include "app/map_view.h"

namespace latentlab {

struct PlaneRect {
  double u0 = 0, u1 = 0, v0 = 0, v1 = 0;
};

// The rectangle of decode points (first to last) for a K x K grid over the visible `map`:
// the visible bounds inset by half a tile on every side.
PlaneRect gridDecodeBounds(const MapView& view, const MapRect& map, int k);

// The screen rectangle (x, y, w, h) of tile (row, col) of a K x K grid decoded over `g`
// (row 0 at the top), centred on its decode point.
ImVec4 gridTileRect(const MapView& view, const MapRect& map, const PlaneRect& g, int k, int row, int col);

}  // namespace latentlab
