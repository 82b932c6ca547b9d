// Map coordinates <-> latent: the screen/plane mapping and the plane/latent mapping are exact
// inverses, and picking finds the nearest visible point.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "app/map_view.h"
#include "engine/explore/explorer.h"
#include "engine/explore/latent_plane.h"

using namespace latentlab;

namespace {
LatentSet randomSet(int n, int d, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  LatentSet s;
  s.count = n;
  s.dim = d;
  for (int i = 0; i < n * d; ++i) s.z.push_back(g(rng) * (i % d == d - 1 ? 10.f : 1.f + 0.1f * float(i % d)));  // one dominant spread
  s.labels.assign(size_t(n), 0);
  return s;
}
}  // namespace

TEST_CASE("screen <-> plane round trip through pan and zoom") {
  MapView v;
  MapRect r{100, 50, 800, 600};
  v.centerU = 0.3;
  v.centerV = -1.2;
  v.halfExtent = 2.5;
  v.zoomAt(r, 300, 200, 1.7);
  v.panPixels(r, 13, -7);
  for (double u : {-3.0, 0.0, 1.25}) {
    for (double w : {-2.0, 0.5, 4.0}) {
      float x, y;
      v.toScreen(r, u, w, x, y);
      double u2, w2;
      v.toPlane(r, x, y, u2, w2);
      CHECK(u2 == doctest::Approx(u).epsilon(1e-5));
      CHECK(w2 == doctest::Approx(w).epsilon(1e-5));
    }
  }
  // Zooming keeps the point under the mouse where it was.
  double u0, v0, u1, v1;
  v.toPlane(r, 400, 300, u0, v0);
  v.zoomAt(r, 400, 300, 2.0);
  v.toPlane(r, 400, 300, u1, v1);
  CHECK(u1 == doctest::Approx(u0));
  CHECK(v1 == doctest::Approx(v0));
}

TEST_CASE("a map point decodes exactly the latent it shows (PCA plane)") {
  LatentSet s = randomSet(500, 16, 1);
  LatentPlane p = pcaPlane(s);
  REQUIRE(p.valid());
  // PCA axes are unit length and orthogonal.
  double uu = 0, uv = 0;
  for (int k = 0; k < 16; ++k) {
    uu += p.axisU[size_t(k)] * p.axisU[size_t(k)];
    uv += p.axisU[size_t(k)] * p.axisV[size_t(k)];
  }
  CHECK(uu == doctest::Approx(1.0).epsilon(1e-4));
  CHECK(std::abs(uv) < 1e-4);
  // The leading axis follows the largest spread (dimension 15).
  CHECK(std::abs(p.axisU[15]) > 0.99);
  MapView view;
  view.fit(projectAll(p, s));
  MapRect r{0, 0, 640, 480};
  for (float x : {10.f, 320.f, 601.5f}) {
    double u, v;
    view.toPlane(r, x, 200.f, u, v);
    auto z = p.toLatent(u, v);
    auto [u2, v2] = p.project(z.data());
    CHECK(u2 == doctest::Approx(u).epsilon(1e-4));
    CHECK(v2 == doctest::Approx(v).epsilon(1e-4));
  }
}

TEST_CASE("plane through three points puts them at (0,0), (1,0), (0,1)") {
  LatentSet s = randomSet(3, 8, 2);
  LatentPlane p = planeThroughPoints(s.latent(0), s.latent(1), s.latent(2));
  auto a = p.project(s.row(0)), b = p.project(s.row(1)), c = p.project(s.row(2));
  CHECK(a.first == doctest::Approx(0).epsilon(1e-5));
  CHECK(b.first == doctest::Approx(1).epsilon(1e-5));
  CHECK(b.second == doctest::Approx(0).epsilon(1e-5));
  CHECK(c.second == doctest::Approx(1).epsilon(1e-5));
  auto z = p.toLatent(1, 0);
  for (int k = 0; k < 8; ++k) CHECK(z[size_t(k)] == doctest::Approx(s.row(1)[k]).epsilon(1e-5));
  // Collinear points are refused with a message, not a broken plane.
  std::vector<float> m(8);
  for (int k = 0; k < 8; ++k) m[size_t(k)] = 0.5f * (s.row(0)[k] + s.row(1)[k]);
  CHECK_THROWS(planeThroughPoints(s.latent(0), s.latent(1), m));
}

TEST_CASE("a 2-d latent's map is the latent plane itself") {
  LatentSet s = randomSet(50, 2, 3);
  LatentPlane p = pcaPlane(s);
  auto z = p.toLatent(0.75, -2.0);
  CHECK(z[0] == doctest::Approx(0.75));
  CHECK(z[1] == doctest::Approx(-2.0));
}

TEST_CASE("picking finds the nearest visible point") {
  MapView v;
  v.halfExtent = 10;
  MapRect r{0, 0, 400, 400};
  std::vector<float> uv{0, 0, 1, 0, 5, 5, 1.2f, 0.1f};
  std::vector<int> labels{0, 1, 0, 2};
  float x, y;
  v.toScreen(r, 1.1, 0.0, x, y);  // between points 1 and 3, nearer to 1
  CHECK(pickNearest(v, r, uv, labels, {}, x, y, 50) == 1);
  std::vector<bool> hidden{false, true};
  CHECK(pickNearest(v, r, uv, labels, hidden, x, y, 50) == 3);  // class 1 hidden
  v.toScreen(r, -8, -8, x, y);
  CHECK(pickNearest(v, r, uv, labels, {}, x, y, 6) == -1);  // nothing within 6 px
}
