// The latent map's points as the UI sees them: plane coordinates, labels, colours, and a
// version that changes whenever any of them does (so GPU buffers re-upload only then).
// Plain data shared by the engine client, the map panel and the map's points layer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <imgui.h>

namespace latentlab {

struct MapPoints {
  std::vector<float> uv;      // 2 floats per point: map-plane coordinates
  std::vector<int> labels;    // class per point, -1 unknown
  std::vector<std::string> classNames;
  uint64_t version = 0;       // bump on any change of uv/labels
  size_t count() const { return uv.size() / 2; }
};

// A fixed qualitative palette (10 well-separated colours, then repeats); -1 is grey.
ImU32 classColor(int label);

// Draws the map's base layer (background, the axes through the origin, the points) into
// the current draw list at `view.rectMin..rectMax`. The GL implementation draws one cached
// texture (app/gl/scatter_renderer.h); the base draws nothing and returns false, so the
// panel falls back to ImDrawList shapes (headless tests).
class PointsDrawer {
 public:
  virtual ~PointsDrawer() = default;
  struct View {
    ImVec2 rectMin, rectMax;  // screen rectangle of the map
    double centerU = 0, centerV = 0, pixelsPerUnit = 1;
    float pointSize = 3;
  };
  virtual bool draw(ImDrawList* list, const MapPoints& points, const std::vector<bool>& hidden, const View& view) {
    return false;
  }
};

}  // namespace latentlab
