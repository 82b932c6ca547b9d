// The Barnes-Hut quadtree of a 2-D layout: each cell holds its points' count and centre of
// mass, so the repulsion of a far group of points is one term (t-SNE's O(N log N) gradient).
// Rebuilt every epoch from the layout. Torch-free; never touches the GUI.
#pragma once
#include <cstdint>
#include <vector>

namespace latentlab {

class QuadTree {
 public:
  // y: n x 2, row-major.
  void build(const float* y, int64_t n);
  // Repulsion on point i at (x, y): adds sum_j q_ij^2 Z (y_i - y_j) to (fx, fy) and
  // sum_j q_ij Z (with q_ij Z = 1 / (1 + |y_i - y_j|^2), j != i) to sumQ, summarising a
  // cell as one point when its width / distance < theta (theta = 0: exact).
  void repulsion(double x, double y, double theta, double& fx, double& fy, double& sumQ) const;

 private:
  struct Node {
    double cx, cy, half;  // square cell: centre and half width
    double sx = 0, sy = 0;  // sum of positions (centre of mass = s / count after build)
    int64_t count = 0;
    int32_t child = -1;  // first of four children, -1 for a leaf
    int32_t point = -1;  // a leaf's point (coincident points share one leaf)
  };
  void insert(int64_t i, double x, double y);
  std::vector<Node> m_nodes;
  const float* m_y = nullptr;
};

}  // namespace latentlab
