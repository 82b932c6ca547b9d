// Real-window screenshot under Xvfb of a steering session (issue 10): the Interpolation panel
// with a three-point path (its preview is the engine's decode of endpoint A, pixel for pixel),
// the Directions panel with a moved slider (its picture is the decode of the cursor's latent
// plus value x sigma along the direction), the Latent inspector, and the path and the move
// drawn on the map (their labels inside the map). The PNG stays in the test's temp folder.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/data/image_io.h"
#include "engine/explore/explorer.h"
#include "test_support.h"

using namespace latentlab;
using nlohmann::json;

namespace {
std::string model() { return test::sourcePath("assets/models/fashion-vae-16"); }
std::vector<float> rectOf(const json& side, const std::string& key) {
  REQUIRE_MESSAGE(side.contains(key), key);
  return side[key].get<std::vector<float>>();
}
bool inside(const std::vector<float>& a, const std::vector<float>& o) {
  return a[0] >= o[0] - 0.5f && a[1] >= o[1] - 0.5f && a[0] + a[2] <= o[0] + o[2] + 0.5f && a[1] + a[3] <= o[1] + o[3] + 0.5f;
}
// The picture shown in `r` (nearest-filtered, any zoom) equals `img` at every source pixel's centre.
int mismatches(const Image& shot, const std::vector<float>& r, const Image& img) {
  int bad = 0;
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      int sx = int(r[0] + (x + 0.5f) * r[2] / img.width), sy = int(r[1] + (y + 0.5f) * r[3] / img.height);
      bad += std::abs(int(shot.at(sx, sy)[0]) - int(img.at(x, y)[0])) > 1;
    }
  return bad;
}
}  // namespace

TEST_CASE("screenshot of an interpolation path and moved sliders: exact pictures, path and move on the map") {
  std::string dir = test::tempDir("gui-steer");
  const int d = 16;
  std::vector<float> origin(d, 0.f), u(d, 0.f), v(d, 0.f), a(d, 0.f), b(d, 0.f), e1(d, 0.f);
  u[0] = 1.f;
  v[3] = 1.f;
  a[0] = -1.2f, a[3] = 0.8f, a[7] = 0.5f;
  b[0] = 1.5f, b[3] = -0.4f;
  e1[1] = 1.f;
  double cu = 0.8, cv = -0.6, sigma = 0.5, value = 2.0;
  json dirJson = {{"name", "file: z1"}, {"source", "file"}, {"units", "sigma"}, {"sigma", sigma}, {"vector", e1}};
  json session = {
      {"format", "latentlab-session/1"},
      {"model", model()},
      {"data", "fashion-mnist:test"},
      {"device", "cpu"},
      {"map", {{"plane", {{"mode", "custom"}, {"origin", origin}, {"u", u}, {"v", v}}}}},
      {"cursor", {cu, cv}},
      {"image", {{"filter", "nearest"}}},
      {"panels",
       {{"interp",
         {{"open", true},
          {"steps", 6},
          {"frame", 0},
          {"endpoints", json::array({{{"kind", "cursor"}, {"z", a}, {"label", "left"}},
                                     {{"kind", "cursor"}, {"z", b}, {"label", "right"}, {"slerp", false}},
                                     {{"kind", "prior"}, {"seed", 2}, {"label", "prior seed 2"}}})}}},
        {"directions", {{"open", true}, {"sliders", json::array({{{"direction", dirJson}, {"value", value}}})}}},
        {"inspector", {{"open", true}}},
        // Room for the three steering panels in the right column (the View menu does this).
        {"manifold", {{"open", false}}},
        {"image", {{"open", false}}},
        {"perf", {{"open", false}}}}}};
  test::writeText(dir + "/s.json", session.dump(2));
  std::string png = dir + "/steer.png";
  auto r = test::runCommand("xvfb-run -a -s \"-screen 0 1600x1000x24\" " + std::string(LATENTLAB_BIN) + " --session " +
                            dir + "/s.json --screenshot " + png);
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  MESSAGE("screenshot: " << png);
  Image shot = loadImageFile(png);
  json side = json::parse(test::readText(png + ".json"));

  for (const char* w : {"window:interp", "window:directions", "window:inspector", "map"}) rectOf(side, w);
  CHECK(inside(rectOf(side, "interp/strip"), rectOf(side, "window:interp")));
  CHECK(inside(rectOf(side, "interp/preview"), rectOf(side, "window:interp")));
  CHECK(inside(rectOf(side, "directions/image"), rectOf(side, "window:directions")));
  CHECK(inside(rectOf(side, "inspector/bars"), rectOf(side, "window:inspector")));
  // The path's endpoints and the moved latent are labelled on the map.
  for (const char* label : {"overlay-label:A", "overlay-label:B", "overlay-label:C", "overlay-label:moved"})
    CHECK(inside(rectOf(side, label), rectOf(side, "map")));

  auto m = ExploreModel::load(model(), "cpu");
  // Frame 0 of the path is endpoint A itself.
  CHECK(mismatches(shot, rectOf(side, "interp/preview"), m->decode(a)) == 0);
  // The sliders' picture: the cursor's latent moved by value x sigma along the direction.
  std::vector<float> z(d, 0.f);
  z[0] = float(cu), z[3] = float(cv);
  z[1] += float(value * sigma);
  CHECK(mismatches(shot, rectOf(side, "directions/image"), m->decode(z)) == 0);
  // ...and it is not the unmoved cursor's picture.
  z[1] = 0;
  CHECK(mismatches(shot, rectOf(side, "directions/image"), m->decode(z)) > 20);
}
