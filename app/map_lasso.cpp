#include "app/map_lasso.h"

#include <algorithm>

namespace latentlab {

bool insidePolygon(const std::vector<LassoPoint>& poly, float x, float y) {
  if (poly.size() < 3) return false;
  bool in = false;
  for (size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
    const LassoPoint &a = poly[i], &b = poly[j];
    // Does the edge a-b cross the horizontal ray from (x, y) to the right?
    if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x) in = !in;
  }
  return in;
}

void MapLasso::begin(int group, float x, float y) {
  m_group = group;
  m_polygon = {{x, y}};
}

void MapLasso::add(float x, float y) {
  if (m_group < 0) return;
  const LassoPoint& last = m_polygon.back();
  if ((x - last.x) * (x - last.x) + (y - last.y) * (y - last.y) < 4.f) return;
  m_polygon.push_back({x, y});
}

void MapLasso::toggle(std::vector<int64_t>& group, int64_t item) {
  auto it = std::find(group.begin(), group.end(), item);
  if (it != group.end()) group.erase(it);
  else group.insert(std::upper_bound(group.begin(), group.end(), item), item);
}

void mergeInto(std::vector<int64_t>& group, const std::vector<int64_t>& more) {
  std::vector<int64_t> sorted = group, add = more, out;
  std::sort(sorted.begin(), sorted.end());
  std::sort(add.begin(), add.end());
  std::set_union(sorted.begin(), sorted.end(), add.begin(), add.end(), std::back_inserter(out));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  group = std::move(out);
}

}  // namespace latentlab
