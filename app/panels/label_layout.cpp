#include "app/panels/label_layout.h"

#include <algorithm>

namespace latentlab {

bool rectsOverlap(const ImVec4& a, const ImVec4& b) {
  return a.x < b.x + b.z && b.x < a.x + a.z && a.y < b.y + b.w && b.y < a.y + a.w;
}

std::vector<ImVec4> placeLabels(const std::vector<LabelRequest>& labels, const ImVec4& bounds, float gap) {
  std::vector<ImVec4> taken;
  for (const LabelRequest& l : labels)  // every named point stays visible
    taken.push_back(ImVec4(l.anchor.x - gap, l.anchor.y - gap, 2 * gap, 2 * gap));
  auto free = [&](const ImVec4& r) {
    for (const ImVec4& t : taken)
      if (rectsOverlap(r, t)) return false;
    return true;
  };
  auto inside = [&](const ImVec4& r) {
    return r.x >= bounds.x && r.y >= bounds.y && r.x + r.z <= bounds.x + bounds.z && r.y + r.w <= bounds.y + bounds.w;
  };
  std::vector<ImVec4> out;
  for (const LabelRequest& l : labels) {
    float w = l.size.x, h = l.size.y, x = l.anchor.x, y = l.anchor.y;
    // Up-right first (where readers look), then the other corners and sides.
    const ImVec2 spots[8] = {{x + gap, y - gap - h},         {x + gap, y + gap},       {x - gap - w, y - gap - h},
                             {x - gap - w, y + gap},         {x + gap, y - h * 0.5f}, {x - gap - w, y - h * 0.5f},
                             {x - w * 0.5f, y - gap - h},    {x - w * 0.5f, y + gap}};
    // Crowded: further down on the right, then on the left, a line at a time.
    std::vector<ImVec4> candidates;
    for (const ImVec2& p : spots) candidates.push_back(ImVec4(p.x, p.y, w, h));
    for (int i = 1; i <= 32; ++i)
      for (int side : {1, 3}) candidates.push_back(ImVec4(spots[side].x, spots[side].y + float(i) * h, w, h));
    ImVec4 chosen = candidates.front();
    bool found = false;
    for (bool needInside : {true, false}) {
      for (const ImVec4& c : candidates)
        if (free(c) && (!needInside || inside(c))) {
          chosen = c;
          found = true;
          break;
        }
      if (found) break;
    }
    taken.push_back(chosen);
    out.push_back(chosen);
  }
  return out;
}

}  // namespace latentlab
