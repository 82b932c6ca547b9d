// kNN: exact neighbours equal scikit-learn's brute-force NearestNeighbors; hnswlib's graph
// finds >= 95 % of the exact neighbours at the settings the layouts use; a seed repeats it.
#include <doctest/doctest.h>

#include <set>

#include "engine/projection/knn.h"
#include "engine/util/errors.h"
#include "projection_fixtures.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("exact neighbours are scikit-learn's") {
  auto s = t::gaussianMixture(400, 12, 5, 3.0, 11);
  const int k = 10;
  KnnGraph g = nearestNeighbors(s.z.data(), s.count, s.dim, k);
  CHECK(g.exact);
  std::string dir = t::tempDir("knn_exact");
  t::saveF32(dir + "/x.npy", s.z, {s.count, s.dim});
  t::reference("knn " + dir + "/x.npy " + std::to_string(k) + " " + dir + "/idx.npy");
  NpyArray ref = readNpy(dir + "/idx.npy");
  REQUIRE(ref.shape == std::vector<int64_t>{s.count, k});
  int64_t same = 0;
  for (int64_t e = 0; e < s.count * k; ++e) same += ref.i64()[e] == g.index[size_t(e)];
  CHECK(same == s.count * k);
  for (int64_t i = 0; i < s.count; ++i)
    for (int m = 1; m < k; ++m) CHECK(g.dist[size_t(i * k + m)] >= g.dist[size_t(i * k + m - 1)]);
}

TEST_CASE("hnswlib's graph has recall >= 0.95 against exact neighbours, and repeats with its seed") {
  auto s = t::gaussianMixture(5000, 16, 10, 2.0, 3);
  const int k = 15;
  KnnOptions approx;
  approx.forceApprox = true;
  KnnGraph a = nearestNeighbors(s.z.data(), s.count, s.dim, k, approx);
  CHECK_FALSE(a.exact);
  KnnOptions exact;
  exact.forceExact = true;
  KnnGraph e = nearestNeighbors(s.z.data(), s.count, s.dim, k, exact);
  int64_t hits = 0;
  for (int64_t i = 0; i < s.count; ++i) {
    std::set<int32_t> truth(e.index.begin() + i * k, e.index.begin() + (i + 1) * k);
    for (int m = 0; m < k; ++m) hits += truth.count(a.index[size_t(i * k + m)]);
  }
  double recall = double(hits) / double(s.count * k);
  MESSAGE("hnswlib recall@15 on 5,000 16-d points: " << recall);
  CHECK(recall >= 0.95);
  KnnGraph again = nearestNeighbors(s.z.data(), s.count, s.dim, k, approx);
  CHECK(again.index == a.index);
  CHECK(again.dist == a.dist);
}

TEST_CASE("k must be below the number of points") {
  auto s = t::gaussianMixture(10, 3, 2, 1.0, 1);
  CHECK_THROWS_AS(nearestNeighbors(s.z.data(), s.count, s.dim, 10), BadInput);
  CHECK_THROWS_AS(nearestNeighbors(s.z.data(), s.count, s.dim, 0), BadInput);
}
