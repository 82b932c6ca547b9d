// A uniform grid over 2-D points for nearest-point queries that look only at the cells near
// the query (hover/click picking at 70,000 points, the inverse map's neighbours), not at
// every point. Plain maths; never touches the GUI. The plain scan it replaces is kept as
// nearestLinear() so a test can check both agree.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

namespace latentlab {

class GridIndex {
 public:
  // uv: 2 floats per point (not copied: the caller keeps it alive and unchanged).
  void build(const std::vector<float>& uv, double pointsPerCell = 2.0);
  bool empty() const { return m_n == 0; }
  // Nearest point within maxDist of (u, v) that `accept` lets through (null: all), or -1.
  // Ties go to the lower index.
  int64_t nearest(double u, double v, double maxDist, const std::function<bool(int64_t)>& accept = {}) const;
  // The k nearest points (fewer when there are fewer), nearest first, with distances.
  void kNearest(double u, double v, int k, std::vector<int64_t>& index, std::vector<double>& dist) const;

 private:
  int64_t cellOf(double u, double v, int& cx, int& cy) const;
  const std::vector<float>* m_uv = nullptr;
  int64_t m_n = 0;
  int m_cols = 1, m_rows = 1;
  double m_u0 = 0, m_v0 = 0, m_cell = 1;
  std::vector<int64_t> m_start;  // cell -> first entry in m_items
  std::vector<int32_t> m_items;
};

// The same answer by looking at every point (the reference for tests).
int64_t nearestLinear(const std::vector<float>& uv, double u, double v, double maxDist,
                      const std::function<bool(int64_t)>& accept = {});

}  // namespace latentlab
