#include "engine/projection/grid_index.h"

#include <algorithm>
#include <cmath>

namespace latentlab {

void GridIndex::build(const std::vector<float>& uv, double pointsPerCell) {
  m_uv = &uv;
  m_n = int64_t(uv.size() / 2);
  m_start.clear();
  m_items.clear();
  if (m_n == 0) return;
  double u0 = uv[0], u1 = uv[0], v0 = uv[1], v1 = uv[1];
  for (int64_t i = 0; i < m_n; ++i) {
    double u = uv[2 * size_t(i)], v = uv[2 * size_t(i) + 1];
    if (!std::isfinite(u) || !std::isfinite(v)) continue;
    u0 = std::min(u0, u), u1 = std::max(u1, u), v0 = std::min(v0, v), v1 = std::max(v1, v);
  }
  double w = std::max(u1 - u0, 1e-9), h = std::max(v1 - v0, 1e-9);
  double cells = std::max(1.0, double(m_n) / pointsPerCell);
  m_cell = std::sqrt(w * h / cells);
  m_cell = std::max(m_cell, std::max(w, h) / 4096);  // at most 4096 cells a side
  m_cols = int(std::floor(w / m_cell)) + 1;
  m_rows = int(std::floor(h / m_cell)) + 1;
  m_u0 = u0;
  m_v0 = v0;
  std::vector<int64_t> cellOfPoint(static_cast<size_t>(m_n));
  m_start.assign(size_t(m_cols) * m_rows + 1, 0);
  for (int64_t i = 0; i < m_n; ++i) {
    int cx, cy;
    cellOfPoint[size_t(i)] = cellOf(uv[2 * size_t(i)], uv[2 * size_t(i) + 1], cx, cy);
    ++m_start[size_t(cellOfPoint[size_t(i)]) + 1];
  }
  for (size_t c = 1; c < m_start.size(); ++c) m_start[c] += m_start[c - 1];
  m_items.resize(size_t(m_n));
  std::vector<int64_t> fill(m_start.begin(), m_start.end() - 1);
  for (int64_t i = 0; i < m_n; ++i) m_items[size_t(fill[size_t(cellOfPoint[size_t(i)])]++)] = int32_t(i);
}

int64_t GridIndex::cellOf(double u, double v, int& cx, int& cy) const {
  double fx = (u - m_u0) / m_cell, fy = (v - m_v0) / m_cell;
  cx = std::isfinite(fx) ? int(std::clamp(std::floor(fx), 0.0, double(m_cols - 1))) : 0;
  cy = std::isfinite(fy) ? int(std::clamp(std::floor(fy), 0.0, double(m_rows - 1))) : 0;
  return int64_t(cy) * m_cols + cx;
}

int64_t GridIndex::nearest(double u, double v, double maxDist, const std::function<bool(int64_t)>& accept) const {
  if (m_n == 0 || !(maxDist >= 0)) return -1;
  const std::vector<float>& uv = *m_uv;
  // The cells the disc of radius maxDist touches (points off the grid's box were clamped
  // into its border cells, so the range is clamped the same way).
  auto clampCol = [&](double f) { return int(std::clamp(std::floor(f), 0.0, double(m_cols - 1))); };
  auto clampRow = [&](double f) { return int(std::clamp(std::floor(f), 0.0, double(m_rows - 1))); };
  int cx0 = clampCol((u - maxDist - m_u0) / m_cell), cx1 = clampCol((u + maxDist - m_u0) / m_cell);
  int cy0 = clampRow((v - maxDist - m_v0) / m_cell), cy1 = clampRow((v + maxDist - m_v0) / m_cell);
  int64_t best = -1;
  double bestD = maxDist * maxDist;
  for (int cy = cy0; cy <= cy1; ++cy)
    for (int cx = cx0; cx <= cx1; ++cx) {
      size_t c = size_t(cy) * m_cols + cx;
      for (int64_t e = m_start[c]; e < m_start[c + 1]; ++e) {
        int64_t i = m_items[size_t(e)];
        double du = uv[2 * size_t(i)] - u, dv = uv[2 * size_t(i) + 1] - v;
        double d = du * du + dv * dv;
        if (d > bestD || (d == bestD && best >= 0 && i > best)) continue;
        if (accept && !accept(i)) continue;
        bestD = d;
        best = i;
      }
    }
  return best;
}

void GridIndex::kNearest(double u, double v, int k, std::vector<int64_t>& index, std::vector<double>& dist) const {
  index.clear();
  dist.clear();
  if (m_n == 0 || k < 1) return;
  k = int(std::min<int64_t>(k, m_n));
  const std::vector<float>& uv = *m_uv;
  int cx, cy;
  cellOf(u, v, cx, cy);
  std::vector<std::pair<double, int64_t>> found;
  // Rings of cells around the query's cell until k points are found and no unvisited cell
  // can hold a nearer one than the k-th.
  const double inf = 1e300;
  auto visit = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= m_cols || y >= m_rows) return;
    size_t c = size_t(y) * m_cols + x;
    for (int64_t e = m_start[c]; e < m_start[c + 1]; ++e) {
      int64_t i = m_items[size_t(e)];
      double du = uv[2 * size_t(i)] - u, dv = uv[2 * size_t(i) + 1] - v;
      found.push_back({du * du + dv * dv, i});
    }
  };
  for (int ring = 0;; ++ring) {
    if (ring == 0) {
      visit(cx, cy);
    } else {
      for (int x = cx - ring; x <= cx + ring; ++x) visit(x, cy - ring), visit(x, cy + ring);
      for (int y = cy - ring + 1; y <= cy + ring - 1; ++y) visit(cx - ring, y), visit(cx + ring, y);
    }
    // How far the visited square reaches from the query on each side; a side past the
    // grid's edge has nothing beyond it (every point lies in a grid cell).
    double left = cx - ring <= 0 ? inf : u - (m_u0 + (cx - ring) * m_cell);
    double right = cx + ring >= m_cols - 1 ? inf : m_u0 + (cx + ring + 1) * m_cell - u;
    double bottom = cy - ring <= 0 ? inf : v - (m_v0 + (cy - ring) * m_cell);
    double top = cy + ring >= m_rows - 1 ? inf : m_v0 + (cy + ring + 1) * m_cell - v;
    double reach = std::min({left, right, bottom, top});
    bool covered = reach >= inf;
    if (int(found.size()) >= k || covered) {
      std::partial_sort(found.begin(), found.begin() + std::min<size_t>(size_t(k), found.size()), found.end());
      if (covered || found[size_t(k) - 1].first <= reach * reach) break;
    }
  }
  for (int m = 0; m < k && m < int(found.size()); ++m) {
    index.push_back(found[size_t(m)].second);
    dist.push_back(std::sqrt(found[size_t(m)].first));
  }
}

int64_t nearestLinear(const std::vector<float>& uv, double u, double v, double maxDist,
                      const std::function<bool(int64_t)>& accept) {
  int64_t best = -1;
  double bestD = maxDist * maxDist;
  for (int64_t i = 0; i < int64_t(uv.size() / 2); ++i) {
    double du = uv[2 * size_t(i)] - u, dv = uv[2 * size_t(i) + 1] - v;
    double d = du * du + dv * dv;
    if (d > bestD || (d == bestD && best >= 0)) continue;
    if (accept && !accept(i)) continue;
    bestD = d;
    best = i;
  }
  return best;
}

}  // namespace latentlab
