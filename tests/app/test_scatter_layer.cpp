// The map's CPU points layer (app/map/points_layer.h): each dot's pixels against the dot
// formula computed here independently (distance of each pixel centre from the dot centre),
// drawing order, hidden classes, and when the layer redraws: not for an unchanged view, by
// shifting for a whole-pixel pan (pixel-identical to drawing the panned view afresh),
// wholly for zoom, dot size, hidden classes and a new layout.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

#include "app/map/points_layer.h"

using namespace latentlab;

namespace {
int channel(ImU32 c, int k) { return int((c >> (8 * k)) & 0xff); }

// The layer's look, written out directly: background, then each dot blended over it with
// alpha = clamp(3 (1 - d / (side / 2))) at a pixel whose centre is d away from the dot.
void expectDot(const Image& img, double cx, double cy, float side, ImU32 col, int tolerance) {
  int bad = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
      double a = std::clamp(3.0 * (1.0 - d / (side * 0.5)), 0.0, 1.0);
      for (int k = 0; k < 3; ++k) {
        double want = channel(PointsLayer::kBackground, k) + (channel(col, k) - channel(PointsLayer::kBackground, k)) * a;
        if (std::abs(img.at(x, y)[k] - want) > tolerance) ++bad;
      }
    }
  CHECK(bad == 0);
}

LayerView view64() {
  LayerView v;
  v.width = 64, v.height = 48;
  v.centerU = -100, v.centerV = 100;  // the axes far off the layer
  v.pixelsPerUnitX = v.pixelsPerUnitY = 1;
  v.side = 5;
  return v;
}

// Pixel (px, py) of the layer for plane point (u, v): px = (u - cu) ppu + w / 2.
MapPoints onePoint(const LayerView& v, double px, double py, int label) {
  MapPoints p;
  p.uv = {float((px - v.width * 0.5) / v.pixelsPerUnitX + v.centerU),
          float(v.centerV - (py - v.height * 0.5) / v.pixelsPerUnitY)};
  p.labels = {label};
  p.version = 1;
  return p;
}

size_t differing(const Image& a, const Image& b) {
  REQUIRE(a.width == b.width);
  REQUIRE(a.height == b.height);
  size_t n = 0;
  for (size_t i = 0; i < a.pixels.size(); i += 4) n += !std::equal(&a.pixels[i], &a.pixels[i] + 4, &b.pixels[i]);
  return n;
}
}  // namespace

TEST_CASE("a dot's pixels follow the dot formula") {
  LayerView v = view64();
  SUBCASE("centred in a sub-pixel step: exact to one level") {
    PointsLayer layer;
    double cx = 40 + 5.5 / kSub, cy = 20 + 9.5 / kSub;
    REQUIRE(layer.update(onePoint(v, cx, cy, 2), {}, v));
    expectDot(layer.image(), cx, cy, v.side, classColor(2), 1);
  }
  SUBCASE("anywhere: within the sub-pixel step's error") {
    // A dot off by at most (1 / (2 kSub)) sqrt(2) pixels moves alpha by 3 / (side / 2) per pixel.
    int tol = int(std::ceil(255 * 3.0 * (std::sqrt(2.0) / (2 * kSub)) / (v.side * 0.5))) + 1;
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> px(10, 54), py(10, 38);
    for (int t = 0; t < 20; ++t) {
      PointsLayer layer;
      double cx = px(rng), cy = py(rng);
      REQUIRE(layer.update(onePoint(v, cx, cy, t % 10), {}, v));
      expectDot(layer.image(), cx, cy, v.side, classColor(t % 10), tol);
    }
  }
  SUBCASE("a larger dot at 2x") {
    v.side = 2 * 6 + 1;
    PointsLayer layer;
    double cx = 30 + 0.5 / kSub, cy = 25 + 15.5 / kSub;
    REQUIRE(layer.update(onePoint(v, cx, cy, -1), {}, v));
    expectDot(layer.image(), cx, cy, v.side, classColor(-1), 1);
  }
}

TEST_CASE("later dots are drawn over earlier ones; hidden classes are not drawn; axes mark the origin") {
  LayerView v = view64();
  MapPoints p = onePoint(v, 20.5, 20.5, 0);
  MapPoints q = onePoint(v, 20.5, 20.5, 3);
  p.uv.insert(p.uv.end(), q.uv.begin(), q.uv.end());
  p.labels.push_back(3);
  PointsLayer layer;
  layer.update(p, {}, v);
  const uint8_t* c = layer.image().at(20, 20);
  for (int k = 0; k < 3; ++k) CHECK(int(c[k]) == channel(classColor(3), k));
  layer.update(p, {false, false, false, true}, v);
  c = layer.image().at(20, 20);
  for (int k = 0; k < 3; ++k) CHECK(int(c[k]) == channel(classColor(0), k));
  layer.update(p, {true, false, false, true}, v);
  c = layer.image().at(20, 20);
  for (int k = 0; k < 3; ++k) CHECK(int(c[k]) == channel(PointsLayer::kBackground, k));
  // The origin in view: a line of the axes' colour through it, in both directions.
  v.centerU = v.centerV = 0;
  MapPoints none;
  none.version = 2;
  layer.update(none, {}, v);
  for (int k = 0; k < 3; ++k) {
    CHECK(int(layer.image().at(32, 3)[k]) == channel(PointsLayer::kAxes, k));
    CHECK(int(layer.image().at(60, 24)[k]) == channel(PointsLayer::kAxes, k));
    CHECK(int(layer.image().at(31, 23)[k]) == channel(PointsLayer::kBackground, k));
  }
}

TEST_CASE("the layer redraws when what it shows changes, and only then") {
  std::mt19937 rng(11);
  std::normal_distribution<float> nd(0, 12);
  MapPoints pts;
  for (int i = 0; i < 3000; ++i) {
    pts.uv.push_back(nd(rng));
    pts.uv.push_back(nd(rng));
    pts.labels.push_back(i % 10);
  }
  pts.version = 1;
  LayerView v;
  v.width = 300, v.height = 200;
  v.pixelsPerUnitX = v.pixelsPerUnitY = 8;  // a power of two: the pan arithmetic is exact
  v.side = 4;
  PointsLayer layer;
  REQUIRE(layer.update(pts, {}, v));
  uint64_t ver = layer.version();
  Image before = layer.image();

  // The same inputs: nothing to do, the same pixels.
  CHECK_FALSE(layer.update(pts, {}, v));
  CHECK(layer.version() == ver);
  CHECK(differing(layer.image(), before) == 0);

  // Whole-pixel pans (as a right-drag makes): shifted, and the same as drawing afresh.
  for (auto [dx, dy] : {std::pair{7, -3}, std::pair{-20, 11}, std::pair{0, 5}, std::pair{-299, 0}}) {
    v.centerU -= dx / 8.0;
    v.centerV += dy / 8.0;
    size_t shifted = layer.shiftedRedraws(), full = layer.fullRedraws();
    REQUIRE(layer.update(pts, {}, v));
    CHECK(layer.shiftedRedraws() == shifted + 1);
    CHECK(layer.fullRedraws() == full);
    PointsLayer fresh;
    fresh.update(pts, {}, v);
    CHECK(differing(layer.image(), fresh.image()) == 0);
    CHECK(differing(layer.image(), before) > 0);
  }
  // A pan by a fraction of a pixel, or beyond the layer: drawn wholly.
  size_t full = layer.fullRedraws();
  v.centerU += 0.3 / 8.0;
  REQUIRE(layer.update(pts, {}, v));
  CHECK(layer.fullRedraws() == full + 1);
  v.centerU += 400 / 8.0;
  REQUIRE(layer.update(pts, {}, v));
  CHECK(layer.fullRedraws() == full + 2);

  auto redrawnWholly = [&](const std::vector<bool>& hidden) {
    size_t f = layer.fullRedraws();
    Image old = layer.image();
    bool changed = layer.update(pts, hidden, v);
    return changed && layer.fullRedraws() == f + 1 && differing(layer.image(), old) > 0;
  };
  v.centerU = v.centerV = 0;
  layer.update(pts, {}, v);
  v.pixelsPerUnitX = v.pixelsPerUnitY = 9;  // zoom
  CHECK(redrawnWholly({}));
  v.side = 6;  // dot size
  CHECK(redrawnWholly({}));
  CHECK(redrawnWholly({false, false, true}));  // a hidden class
  pts.uv[0] += 3;  // a new layout frame
  ++pts.version;
  CHECK(redrawnWholly({false, false, true}));
  // Hiding class 2 removed its colour from the layer.
  size_t class2 = 0;
  const Image& img = layer.image();
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x)
      class2 += img.at(x, y)[0] == channel(classColor(2), 0) && img.at(x, y)[1] == channel(classColor(2), 1) &&
                img.at(x, y)[2] == channel(classColor(2), 2);
  CHECK(class2 == 0);
}

// Not a test (skipped by ctest): the layer's CPU times in bench/README.md. Run with
//   build/tests/app_test_scatter_layer -tc='*timing*' --no-skip
TEST_CASE("points layer timing at 70,000 points" * doctest::skip()) {
  std::mt19937 rng(5);
  std::normal_distribution<float> nd(0, 1);
  MapPoints pts;
  for (int i = 0; i < 70000; ++i) {
    pts.uv.push_back(nd(rng));
    pts.uv.push_back(nd(rng));
    pts.labels.push_back(i % 10);
  }
  pts.version = 1;
  LayerView v;
  v.width = 860, v.height = 880;  // the map at 1600 x 1000
  v.pixelsPerUnitX = v.pixelsPerUnitY = 110;
  v.side = 4;
  auto ms = [](auto t0) { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(); };
  std::vector<double> full, pan;
  PointsLayer layer;
  for (int r = 0; r < 20; ++r) {
    v.pixelsPerUnitX = v.pixelsPerUnitY = 110 + (r % 2);  // a zoom step: drawn wholly
    auto t0 = std::chrono::steady_clock::now();
    layer.update(pts, {}, v);
    full.push_back(ms(t0));
    for (int k = 0; k < 10; ++k) {  // a right-drag's 5 x 2 pixel steps: shifted
      v.centerU -= 5 / v.pixelsPerUnitX;
      v.centerV += 2 / v.pixelsPerUnitY;
      t0 = std::chrono::steady_clock::now();
      layer.update(pts, {}, v);
      pan.push_back(ms(t0));
    }
  }
  std::sort(full.begin(), full.end());
  std::sort(pan.begin(), pan.end());
  MESSAGE("70,000 points, 860 x 880 layer: whole redraw p50 " << full[full.size() / 2] << " ms, max " << full.back()
                                                                << " ms; pan step p50 " << pan[pan.size() / 2]
                                                                << " ms, max " << pan.back() << " ms");
}
