#include "engine/projection/knn.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <queue>

#include "engine/projection/fast_math.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

float squaredDistance(const float* a, const float* b, int d) {
  float s = 0;
  for (int i = 0; i < d; ++i) {
    float t = a[i] - b[i];
    s += t * t;
  }
  return s;
}

// Keeps the k smallest (distance, index) pairs; ties broken by index so the result does not
// depend on visiting order.
struct TopK {
  int k;
  std::vector<std::pair<float, int32_t>> heap;  // max-heap
  void push(float d, int32_t j) {
    std::pair<float, int32_t> e{d, j};
    if (int(heap.size()) < k) {
      heap.push_back(e);
      std::push_heap(heap.begin(), heap.end());
    } else if (e < heap.front()) {
      std::pop_heap(heap.begin(), heap.end());
      heap.back() = e;
      std::push_heap(heap.begin(), heap.end());
    }
  }
};

void report(const std::function<void(double, const std::string&)>& progress, double f, const char* what) {
  if (progress) progress(f, what);
}

// Brute force, four candidates at a time: the points are copied dimension-major so one
// 4-wide subtraction serves four candidates, and each candidate's squared distance is still
// summed over the dimensions in order (the same float as squaredDistance()), so the graph is
// the one the plain double loop gives. Most candidates fail the "nearer than the k-th" test
// and never touch the heap.
KnnGraph exactGraph(const float* x, int64_t n, int d, int k, const CancelToken& cancel,
                    const std::function<void(double, const std::string&)>& progress) {
  KnnGraph g;
  g.n = n;
  g.k = k;
  g.index.resize(size_t(n) * k);
  g.dist.resize(size_t(n) * k);
  const int64_t padded = (n + 3) / 4 * 4;
  std::vector<float> columns(size_t(padded) * d, 0.f);
  for (int64_t j = 0; j < n; ++j)
    for (int c = 0; c < d; ++c) columns[size_t(c) * size_t(padded) + size_t(j)] = x[size_t(j) * d + c];
  TopK top{k, {}};
  alignas(16) float block[4];
  for (int64_t i = 0; i < n; ++i) {
    if ((i & 255) == 0) {
      cancel.throwIfCancelled();
      report(progress, double(i) / n, "exact neighbours");
    }
    top.heap.clear();
    const float* xi = x + size_t(i) * d;
    float worst = std::numeric_limits<float>::infinity();
    for (int64_t j = 0; j < padded; j += 4) {
      Float4 acc = {0, 0, 0, 0};
      for (int c = 0; c < d; ++c) {
        Float4 col;
        std::memcpy(&col, columns.data() + size_t(c) * size_t(padded) + size_t(j), 16);
        Float4 t = col - xi[c];
        acc += t * t;
      }
      std::memcpy(block, &acc, 16);
      for (int l = 0; l < 4; ++l) {
        const int64_t jl = j + l;
        if (block[l] > worst || jl >= n || jl == i) continue;
        top.push(block[l], int32_t(jl));
        if (int(top.heap.size()) == k) worst = top.heap.front().first;
      }
    }
    std::sort_heap(top.heap.begin(), top.heap.end());
    for (int m = 0; m < k; ++m) {
      g.index[size_t(i) * k + m] = top.heap[size_t(m)].second;
      g.dist[size_t(i) * k + m] = std::sqrt(top.heap[size_t(m)].first);
    }
  }
  return g;
}

KnnGraph approxGraph(const float* x, int64_t n, int d, int k, const KnnOptions& o, const CancelToken& cancel,
                     const std::function<void(double, const std::string&)>& progress) {
  hnswlib::L2Space space(static_cast<size_t>(d));
  hnswlib::HierarchicalNSW<float> index(&space, size_t(n), size_t(o.M), size_t(o.efConstruction), size_t(o.seed));
  for (int64_t i = 0; i < n; ++i) {  // one thread, in data order: the graph is repeatable
    if ((i & 1023) == 0) {
      cancel.throwIfCancelled();
      report(progress, 0.7 * double(i) / n, "building the neighbour graph (hnswlib)");
    }
    index.addPoint(x + size_t(i) * d, hnswlib::labeltype(i));
  }
  index.setEf(size_t(o.efSearch > 0 ? o.efSearch : std::max(3 * (k + 1), 64)));
  KnnGraph g;
  g.n = n;
  g.k = k;
  g.exact = false;
  g.index.resize(size_t(n) * k);
  g.dist.resize(size_t(n) * k);
  std::vector<std::pair<float, int32_t>> found;
  for (int64_t i = 0; i < n; ++i) {
    if ((i & 1023) == 0) {
      cancel.throwIfCancelled();
      report(progress, 0.7 + 0.3 * double(i) / n, "querying neighbours (hnswlib)");
    }
    auto pq = index.searchKnn(x + size_t(i) * d, size_t(k + 1));
    found.clear();
    while (!pq.empty()) {
      if (int64_t(pq.top().second) != i) found.push_back({pq.top().first, int32_t(pq.top().second)});
      pq.pop();
    }
    std::sort(found.begin(), found.end());
    if (int(found.size()) < k) throw BadInput("neighbour search found fewer than k neighbours (duplicate-heavy data?)");
    for (int m = 0; m < k; ++m) {
      g.index[size_t(i) * k + m] = found[size_t(m)].second;
      g.dist[size_t(i) * k + m] = std::sqrt(std::max(0.f, found[size_t(m)].first));
    }
  }
  return g;
}

}  // namespace

KnnGraph nearestNeighbors(const float* x, int64_t n, int d, int k, const KnnOptions& opts, const CancelToken& cancel,
                          const std::function<void(double, const std::string&)>& progress) {
  if (k < 1 || k >= n)
    throw BadInput("neighbours: k = " + std::to_string(k) + " needs between 2 and " + std::to_string(n) +
                   " points (k < N)");
  if (d < 1) throw BadInput("neighbours: the points have no coordinates");
  // Brute force costs n^2 d, the graph about n log n d: the crossover measured at 16-d moves
  // down as sqrt(16 / d) for wider points (n^2 d stays at the 16-d budget).
  const double width = std::sqrt(double(std::max(d, 16)) / 16.0);
  bool exact = opts.forceExact || (!opts.forceApprox && double(n) * width < double(opts.exactBelow));
  return exact ? exactGraph(x, n, d, k, cancel, progress) : approxGraph(x, n, d, k, opts, cancel, progress);
}

void nearestRows(const float* x, int64_t n, int d, const float* query, int k, std::vector<int32_t>& index,
                 std::vector<float>& dist) {
  TopK top{std::max(1, int(std::min<int64_t>(k, n))), {}};
  for (int64_t j = 0; j < n; ++j) top.push(squaredDistance(query, x + size_t(j) * d, d), int32_t(j));
  std::sort_heap(top.heap.begin(), top.heap.end());
  index.clear();
  dist.clear();
  for (auto& e : top.heap) {
    index.push_back(e.second);
    dist.push_back(std::sqrt(e.first));
  }
}

}  // namespace latentlab
