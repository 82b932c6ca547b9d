#include "engine/projection/quadtree.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>

#include "engine/projection/fast_math.h"

namespace latentlab {

namespace {
constexpr int32_t kGroup = 128;  // points per shared walk: 64..256 all near the best at 10,000 (bench/README.md)
constexpr int kMaxDepth = 40;   // below 2^-40 of the layout's width points count as coincident

struct SourceList {  // structure of arrays, padded to a multiple of 4 with weightless entries
  std::vector<float> x, y, count;
  void clear() { x.clear(), y.clear(), count.clear(); }
  void add(float px, float py, float c) { x.push_back(px), y.push_back(py), count.push_back(c); }
  void pad() {
    while (x.size() % 4) add(0.f, 0.f, 0.f);
  }
};
}  // namespace

void QuadTree::build(const float* y, int64_t n) {
  m_nodes.clear();
  m_groups.clear();
  m_order.resize(size_t(n));
  m_px.resize(size_t(n));
  m_py.resize(size_t(n));
  if (n == 0) return;
  for (int64_t i = 0; i < n; ++i) {
    m_order[size_t(i)] = int32_t(i);
    m_px[size_t(i)] = y[2 * i];  // data order while building; tree order after
    m_py[size_t(i)] = y[2 * i + 1];
  }
  float x0 = m_px[0], x1 = x0, y0 = m_py[0], y1 = y0;
  for (int64_t i = 0; i < n; ++i) {
    x0 = std::min(x0, m_px[size_t(i)]);
    x1 = std::max(x1, m_px[size_t(i)]);
    y0 = std::min(y0, m_py[size_t(i)]);
    y1 = std::max(y1, m_py[size_t(i)]);
  }
  m_nodes.reserve(size_t(n) * 2 + 1);
  Node root;
  root.cx = 0.5f * (x0 + x1);
  root.cy = 0.5f * (y0 + y1);
  root.half = 0.5f * std::max(x1 - x0, y1 - y0) * (1 + 1e-5f) + 1e-9f;
  root.count = int32_t(n);
  m_nodes.push_back(root);
  split(0, 0);
  std::vector<float> px(static_cast<size_t>(n)), py(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    px[size_t(i)] = y[2 * size_t(m_order[size_t(i)])];
    py[size_t(i)] = y[2 * size_t(m_order[size_t(i)]) + 1];
  }
  m_px.swap(px);
  m_py.swap(py);
  // Groups: the largest cells of at most kGroup points (and larger leaves of coincident points).
  std::vector<int32_t> stack{0};
  while (!stack.empty()) {
    int32_t k = stack.back();
    stack.pop_back();
    const Node& nd = m_nodes[size_t(k)];
    if (nd.count == 0) continue;
    if (nd.child < 0 || nd.count <= kGroup) {
      m_groups.push_back(k);
    } else {
      for (int c = 3; c >= 0; --c) stack.push_back(nd.child + c);
    }
  }
}

// Node `node` owns m_order[first, first + count) (positions in m_px/m_py by data index):
// its centre of mass, then, unless it is one point or coincident ones, four children that
// partition its range by quadrant.
void QuadTree::split(int32_t node, int depth) {
  const int32_t first = m_nodes[size_t(node)].first, count = m_nodes[size_t(node)].count;
  int32_t* idx = m_order.data() + first;
  double sx = 0, sy = 0;
  float lx = m_px[size_t(idx[0])], hx = lx, ly = m_py[size_t(idx[0])], hy = ly;
  for (int32_t m = 0; m < count; ++m) {
    float px = m_px[size_t(idx[m])], py = m_py[size_t(idx[m])];
    sx += px;
    sy += py;
    lx = std::min(lx, px), hx = std::max(hx, px), ly = std::min(ly, py), hy = std::max(hy, py);
  }
  Node& nd = m_nodes[size_t(node)];
  nd.comX = float(sx / count);
  nd.comY = float(sy / count);
  if (count == 1 || (lx == hx && ly == hy) || depth >= kMaxDepth) return;  // a leaf
  const float cx = nd.cx, cy = nd.cy, half = nd.half * 0.5f;
  auto above = [&](int32_t i) { return m_py[size_t(i)] >= cy; };
  auto right = [&](int32_t i) { return m_px[size_t(i)] >= cx; };
  // Quadrant q = (x >= cx) | (y >= cy) << 1, in order 0..3: [!above: !right, right][above: ...]
  int32_t* mid = std::partition(idx, idx + count, [&](int32_t i) { return !above(i); });
  int32_t* q1 = std::partition(idx, mid, [&](int32_t i) { return !right(i); });
  int32_t* q3 = std::partition(mid, idx + count, [&](int32_t i) { return !right(i); });
  int32_t bounds[5] = {0, int32_t(q1 - idx), int32_t(mid - idx), int32_t(q3 - idx), count};
  const int32_t firstChild = int32_t(m_nodes.size());
  m_nodes[size_t(node)].child = firstChild;
  for (int q = 0; q < 4; ++q) {
    Node c;
    c.half = half;
    c.cx = cx + (q & 1 ? half : -half);
    c.cy = cy + (q & 2 ? half : -half);
    c.first = first + bounds[q];
    c.count = bounds[q + 1] - bounds[q];
    m_nodes.push_back(c);
  }
  for (int q = 0; q < 4; ++q)
    if (m_nodes[size_t(firstChild + q)].count > 0) split(firstChild + q, depth + 1);
}

void QuadTree::groupRepulsion(int32_t group, double theta2, double* fx, double* fy, double* rowQ) const {
  thread_local SourceList list;
  list.clear();
  const Node& target = m_nodes[size_t(group)];
  const float tx0 = target.cx - target.half, tx1 = target.cx + target.half;
  const float ty0 = target.cy - target.half, ty1 = target.cy + target.half;
  int32_t stack[4 * kMaxDepth + 8];
  int top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const Node& s = m_nodes[size_t(stack[--top])];
    if (s.count == 0) continue;
    if (s.child < 0) {  // a near leaf: its points one by one (the group's own points too)
      for (int32_t m = s.first; m < s.first + s.count; ++m) list.add(m_px[size_t(m)], m_py[size_t(m)], 1.f);
      continue;
    }
    // Distance from the centre of mass to the group's square: no point of the group is nearer.
    float dx = std::max({tx0 - s.comX, 0.f, s.comX - tx1}), dy = std::max({ty0 - s.comY, 0.f, s.comY - ty1});
    double width = 2.0 * s.half;
    if (width * width < theta2 * double(dx * dx + dy * dy)) {
      list.add(s.comX, s.comY, float(s.count));
    } else {
      for (int c = 0; c < 4; ++c) stack[top++] = s.child + c;
    }
  }
  list.pad();
  const size_t len = list.x.size();
  for (int32_t m = target.first; m < target.first + target.count; ++m) {
    const float px = m_px[size_t(m)], py = m_py[size_t(m)];
    Float4 ax = {0, 0, 0, 0}, ay = ax, aq = ax;
    for (size_t j = 0; j < len; j += 4) {
      Float4 sx, sy, sc;
      std::memcpy(&sx, list.x.data() + j, 16);
      std::memcpy(&sy, list.y.data() + j, 16);
      std::memcpy(&sc, list.count.data() + j, 16);
      Float4 dx = px - sx, dy = py - sy;
      Float4 q = 1.f / (1.f + dx * dx + dy * dy);
      Float4 cq = sc * q;
      aq += cq;
      cq *= q;
      ax += cq * dx;
      ay += cq * dy;
    }
    const size_t i = size_t(m_order[size_t(m)]);
    fx[i] += (double(ax[0]) + ax[1]) + (double(ax[2]) + ax[3]);
    fy[i] += (double(ay[0]) + ay[1]) + (double(ay[2]) + ay[3]);
    // The list holds the point itself (q = 1, no force): the sum is over j != i.
    rowQ[i] = (double(aq[0]) + aq[1]) + (double(aq[2]) + aq[3]) - 1.0;
  }
}

void QuadTree::repulsion(double theta, double* fx, double* fy, double* rowQ, int threads) const {
  const double theta2 = theta * theta;
  const int64_t groups = int64_t(m_groups.size());
  auto work = [&](int64_t from, int64_t to) {
    for (int64_t g = from; g < to; ++g) groupRepulsion(m_groups[size_t(g)], theta2, fx, fy, rowQ);
  };
  threads = std::max(1, std::min<int>(threads, int(groups / 64) + 1));
  if (threads == 1) {
    work(0, groups);
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work, groups * t / threads, groups * (t + 1) / threads);
  for (auto& th : pool) th.join();
}

}  // namespace latentlab
