// The Barnes-Hut quadtree of a 2-D layout: each cell holds its points' count and centre of
// mass, so the repulsion of a far group of points is one term (t-SNE's O(N log N) gradient).
// Rebuilt every epoch from the layout. Torch-free; never touches the GUI.
//
// Speed (bench/README.md): the points are stored in tree order, so every cell's points are
// contiguous; the tree is walked once per small cell of at most kGroup (128) points (not once per
// point), collecting the cells far enough from the WHOLE group (width < theta x distance
// from the cell's centre of mass to the group's square, so each point of the group meets
// the per-point Barnes-Hut test) and the single points of the near leaves; then every point
// of the group sums that list in a branch-free 4-wide float loop. Same answer at theta 0 as
// the exact sum; at least as accurate as per-point Barnes-Hut at the same theta.
#pragma once
#include <cstdint>
#include <vector>

namespace latentlab {

class QuadTree {
 public:
  // y: n x 2, row-major.
  void build(const float* y, int64_t n);
  // For every point i: (fx, fy) += sum_j q_ij^2 Z^2 (y_i - y_j) and rowQ = sum_{j != i} q_ij Z
  // with q_ij Z = 1 / (1 + |y_i - y_j|^2). Arrays of n; `threads` split the groups (the
  // result does not depend on it).
  void repulsion(double theta, double* fx, double* fy, double* rowQ, int threads = 1) const;
  int64_t size() const { return int64_t(m_order.size()); }

 private:
  struct Node {
    float comX = 0, comY = 0;  // centre of mass
    float cx = 0, cy = 0, half = 0;  // square cell: centre and half width
    int32_t count = 0;
    int32_t first = 0;   // its points are m_px/m_py[first, first + count)
    int32_t child = -1;  // first of four children, -1 for a leaf (one point, or coincident ones)
  };
  void split(int32_t node, int depth);
  void groupRepulsion(int32_t group, double theta2, double* fx, double* fy, double* rowQ) const;
  std::vector<Node> m_nodes;
  std::vector<int32_t> m_order;  // data index of the points in tree order
  std::vector<float> m_px, m_py;  // positions in tree order
  std::vector<int32_t> m_groups;  // cells whose points share one walk of the tree
};

}  // namespace latentlab
