// Map coordinates <-> latent: the screen/plane mapping and the plane/latent mapping are exact
// inverses, and picking finds the nearest visible point. Also the geometry drawn on the map:
// axis ticks, label placement and the manifold grid's tiles.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "app/map_view.h"
#include "app/panels/axis_ticks.h"
#include "app/panels/grid_geometry.h"
#include "app/panels/label_layout.h"
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

TEST_CASE("nice ticks: 1, 2 or 5 times a power of ten, inside the range, at most as many as asked") {
  Ticks t = niceTicks(-3.2, 4.9, 6);
  CHECK(t.step == doctest::Approx(2.0));
  REQUIRE(t.values.size() == 4);
  CHECK(t.values.front() == doctest::Approx(-2.0));
  CHECK(t.values.back() == doctest::Approx(4.0));
  t = niceTicks(0, 999, 6);
  CHECK(t.step == doctest::Approx(200.0));
  CHECK(t.values.size() == 5);  // 0 ... 800
  t = niceTicks(0.013, 0.061, 10);
  CHECK(t.step == doctest::Approx(0.005));
  for (double lo : {-7.3, 0.0, 12.5})
    for (double span : {0.01, 1.0, 37.0, 5000.0})
      for (int n : {2, 3, 5, 11}) {
        Ticks k = niceTicks(lo, lo + span, n);
        CHECK(int(k.values.size()) <= n);
        CHECK(k.values.size() >= 1);
        double m = k.step / std::pow(10.0, std::floor(std::log10(k.step) + 1e-9));
        CHECK((std::fabs(m - 1) < 1e-9 || std::fabs(m - 2) < 1e-9 || std::fabs(m - 5) < 1e-9));
        for (double v : k.values) {
          CHECK(v >= lo - 1e-9);
          CHECK(v <= lo + span + 1e-9);
        }
      }
  CHECK(niceTicks(1, 1, 5).values.empty());
  CHECK(tickLabel(0.5, 0.5) == "0.5");
  CHECK(tickLabel(-2, 1) == "-2");
  CHECK(tickLabel(-1e-17, 0.2) == "0.0");
  CHECK(tickLabel(0.05, 0.05) == "0.05");
  CHECK(tickLabel(1000, 500) == "1000");
}

TEST_CASE("labels of coinciding points are placed apart and off every point") {
  std::vector<LabelRequest> req;
  for (int i = 0; i < 5; ++i) req.push_back({ImVec2(300, 200), ImVec2(float(40 + 10 * i), 14)});
  req.push_back({ImVec2(310, 205), ImVec2(60, 14)});
  std::vector<ImVec4> r = placeLabels(req, ImVec4(0, 0, 800, 600), 6);
  REQUIRE(r.size() == req.size());
  for (size_t i = 0; i < r.size(); ++i) {
    CHECK(r[i].z == req[i].size.x);
    for (size_t j = i + 1; j < r.size(); ++j) CHECK_FALSE(rectsOverlap(r[i], r[j]));
    for (const LabelRequest& p : req) {  // no label covers a named point
      bool covers = p.anchor.x > r[i].x && p.anchor.x < r[i].x + r[i].z && p.anchor.y > r[i].y && p.anchor.y < r[i].y + r[i].w;
      CHECK_FALSE(covers);
    }
  }
  // Near an edge the labels stay inside.
  std::vector<ImVec4> e = placeLabels({{ImVec2(795, 3), ImVec2(50, 14)}, {ImVec2(795, 3), ImVec2(30, 14)}},
                                      ImVec4(0, 0, 800, 600), 6);
  for (const ImVec4& b : e) {
    CHECK(b.x >= 0);
    CHECK(b.y >= 0);
    CHECK(b.x + b.z <= 800);
  }
  CHECK_FALSE(rectsOverlap(e[0], e[1]));
}

TEST_CASE("the manifold grid's tiles exactly cover the visible map, each centred on its decode") {
  MapView v;
  v.centerU = 1.5;
  v.centerV = -0.7;
  v.halfExtent = 2.5;
  for (MapRect r : {MapRect{10, 40, 900, 600}, MapRect{0, 0, 300, 700}})
    for (int k : {2, 3, 10, 32}) {
      PlaneRect g = gridDecodeBounds(v, r, k);
      float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
      for (int row = 0; row < k; ++row)
        for (int col = 0; col < k; ++col) {
          ImVec4 t = gridTileRect(v, r, g, k, row, col);
          x0 = std::min(x0, t.x), y0 = std::min(y0, t.y);
          x1 = std::max(x1, t.x + t.z), y1 = std::max(y1, t.y + t.w);
          // The tile's centre is the screen position of the plane point decoded for it.
          double u = g.u0 + (g.u1 - g.u0) * col / (k - 1), vv = g.v1 - (g.v1 - g.v0) * row / (k - 1);
          float sx, sy;
          v.toScreen(r, u, vv, sx, sy);
          CHECK(t.x + t.z * 0.5f == doctest::Approx(sx).epsilon(1e-4));
          CHECK(t.y + t.w * 0.5f == doctest::Approx(sy).epsilon(1e-4));
          if (col > 0) CHECK(t.x == doctest::Approx(gridTileRect(v, r, g, k, row, col - 1).x + t.z).epsilon(1e-4));
        }
      // Not cut at any edge, no gap either: the union is the map.
      CHECK(x0 == doctest::Approx(r.x).epsilon(1e-4));
      CHECK(y0 == doctest::Approx(r.y).epsilon(1e-4));
      CHECK(x1 == doctest::Approx(r.x + r.w).epsilon(1e-4));
      CHECK(y1 == doctest::Approx(r.y + r.h).epsilon(1e-4));
    }
}
