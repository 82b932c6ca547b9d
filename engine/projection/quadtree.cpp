#include "engine/projection/quadtree.h"

#include <algorithm>
#include <cmath>

namespace latentlab {

void QuadTree::build(const float* y, int64_t n) {
  m_y = y;
  m_nodes.clear();
  m_nodes.reserve(size_t(n) * 2 + 1);
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (int64_t i = 0; i < n; ++i) {
    x0 = std::min(x0, double(y[2 * i]));
    x1 = std::max(x1, double(y[2 * i]));
    y0 = std::min(y0, double(y[2 * i + 1]));
    y1 = std::max(y1, double(y[2 * i + 1]));
  }
  Node root;
  root.cx = 0.5 * (x0 + x1);
  root.cy = 0.5 * (y0 + y1);
  root.half = 0.5 * std::max(x1 - x0, y1 - y0) * (1 + 1e-6) + 1e-9;
  m_nodes.push_back(root);
  for (int64_t i = 0; i < n; ++i) insert(i, y[2 * i], y[2 * i + 1]);
}

void QuadTree::insert(int64_t i, double x, double y) {
  int32_t node = 0;
  for (;;) {
    if (m_nodes[size_t(node)].child < 0) {
      Node& leaf = m_nodes[size_t(node)];
      if (leaf.count == 0) {
        leaf.point = int32_t(i);
        leaf.count = 1;
        leaf.sx = x;
        leaf.sy = y;
        return;
      }
      double px = m_y[2 * size_t(leaf.point)], py = m_y[2 * size_t(leaf.point) + 1];
      if ((px == x && py == y) || leaf.half < 1e-12) {  // coincident points stay together
        ++leaf.count;
        leaf.sx += x;
        leaf.sy += y;
        return;
      }
      // Split: the leaf's contents move to the child of their quadrant.
      Node old = leaf;
      int32_t first = int32_t(m_nodes.size());
      for (int q = 0; q < 4; ++q) {
        Node c;
        c.half = old.half * 0.5;
        c.cx = old.cx + (q & 1 ? c.half : -c.half);
        c.cy = old.cy + (q & 2 ? c.half : -c.half);
        m_nodes.push_back(c);
      }
      int q = (px >= old.cx ? 1 : 0) | (py >= old.cy ? 2 : 0);
      Node& moved = m_nodes[size_t(first + q)];
      moved.count = old.count;
      moved.sx = old.sx;
      moved.sy = old.sy;
      moved.point = old.point;
      Node& parent = m_nodes[size_t(node)];
      parent.child = first;
      parent.point = -1;
    }
    Node& nd = m_nodes[size_t(node)];
    ++nd.count;
    nd.sx += x;
    nd.sy += y;
    node = nd.child + ((x >= nd.cx ? 1 : 0) | (y >= nd.cy ? 2 : 0));
  }
}

void QuadTree::repulsion(double x, double y, double theta, double& fx, double& fy, double& sumQ) const {
  if (m_nodes.empty()) return;
  int32_t stack[256];
  int top = 0;
  stack[top++] = 0;
  double theta2 = theta * theta;
  while (top > 0) {
    const Node& nd = m_nodes[size_t(stack[--top])];
    if (nd.count == 0) continue;
    double inv = 1.0 / double(nd.count);
    double dx = x - nd.sx * inv, dy = y - nd.sy * inv;
    double d2 = dx * dx + dy * dy;
    double width = 2 * nd.half;
    if (nd.child < 0 || width * width < theta2 * d2) {
      double count = double(nd.count);
      if (nd.child < 0 && d2 == 0) {
        // The leaf holding i itself (with any points on top of it): each other one adds
        // q = 1 and no force; i adds nothing.
        sumQ += count - 1;
        continue;
      }
      double q = 1.0 / (1.0 + d2);
      sumQ += count * q;
      double m = count * q * q;
      fx += m * dx;
      fy += m * dy;
    } else {
      if (top + 4 > 256) continue;  // cannot happen above 2^-120 cell widths
      for (int c = 0; c < 4; ++c) stack[top++] = nd.child + c;
    }
  }
}

}  // namespace latentlab
