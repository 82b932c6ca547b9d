// Picking two groups of data points on the latent map for a supervised direction (issue 10,
// InterFaceGAN): Shift + drag draws a lasso that adds the points inside it to group A,
// Ctrl + drag to group B; Shift/Ctrl + click toggles the point under the mouse. The groups
// live in AppState::steerGroups (the Directions panel's "Two groups" source reads them).
// Pure geometry and bookkeeping, no ImGui or GL: the map panel feeds it screen points.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

namespace latentlab {

struct LassoPoint {
  float x = 0, y = 0;
};

// Even-odd rule: is (x, y) inside the closed polygon? A polygon under 3 points holds nothing.
bool insidePolygon(const std::vector<LassoPoint>& polygon, float x, float y);

class MapLasso {
 public:
  void begin(int group, float x, float y);  // group 0 = A, 1 = B
  void add(float x, float y);               // ignores moves under 2 pixels
  bool active() const { return m_group >= 0; }
  int group() const { return m_group; }
  const std::vector<LassoPoint>& polygon() const { return m_polygon; }
  // Ends the lasso: the indices i (toScreen gives point i's screen position, skip(i) hides
  // it) inside the polygon, added to `group` without duplicates, in index order. Returns
  // how many were new. A lasso too small to hold anything adds nothing (a click: see toggle).
  template <class ToScreen, class Skip>
  int finish(size_t count, ToScreen toScreen, Skip skip, std::vector<int64_t>& group);
  void cancel() { m_group = -1, m_polygon.clear(); }
  // Click: adds `item` to the group, or takes it out when it is already there.
  static void toggle(std::vector<int64_t>& group, int64_t item);

 private:
  int m_group = -1;
  std::vector<LassoPoint> m_polygon;
};

void mergeInto(std::vector<int64_t>& group, const std::vector<int64_t>& more);

template <class ToScreen, class Skip>
int MapLasso::finish(size_t count, ToScreen toScreen, Skip skip, std::vector<int64_t>& group) {
  std::vector<int64_t> inside;
  if (m_polygon.size() >= 3) {
    float x0 = m_polygon[0].x, x1 = x0, y0 = m_polygon[0].y, y1 = y0;
    for (const auto& p : m_polygon) x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
    for (size_t i = 0; i < count; ++i) {
      if (skip(i)) continue;
      float x, y;
      toScreen(i, x, y);
      if (x < x0 || x > x1 || y < y0 || y > y1) continue;  // the box test first: most points are far
      if (insidePolygon(m_polygon, x, y)) inside.push_back(int64_t(i));
    }
  }
  size_t before = group.size();
  mergeInto(group, inside);
  cancel();
  return int(group.size() - before);
}

}  // namespace latentlab
