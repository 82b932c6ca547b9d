// Places short text labels beside the points they name so that no two labels overlap and
// no label covers a named point: each label takes the first free spot of eight around its
// point, else the nearest free spot below. Pure geometry (ImVec2 only); used by the map's
// diffusion overlay, whose "noise", "x_t" and "predicted x0" often sit on top of each other.
#pragma once
#include <imgui.h>

#include <vector>

namespace latentlab {

struct LabelRequest {
  ImVec2 anchor;  // the point the label names
  ImVec2 size;    // the text's size
};

// Rectangles are (x, y, w, h).
bool rectsOverlap(const ImVec4& a, const ImVec4& b);

// The rectangle of each label, in order. `bounds` keeps labels inside (when they fit);
// `gap` is the distance between a point and its label (also the radius kept clear around
// every point).
std::vector<ImVec4> placeLabels(const std::vector<LabelRequest>& labels, const ImVec4& bounds, float gap);

}  // namespace latentlab
