// Real-window layout check (issue 9): the bundled autoencoder, latent diffusion and pixel
// diffusion models at 1024 x 700 / 1x and 1920 x 1080 / 2x under Xvfb. From each screenshot's
// sidecar: every panel window lies inside the framebuffer, no two panels overlap, and every
// toolbar widget a panel reports ("<panel>/<widget>", e.g. "map/plane", "diffusion/run",
// "model/encode", "image/notes") lies inside its panel's window, so nothing is clipped.
// The PNGs stay in the test's temp folder (printed) for a person to look at.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_support.h"

using namespace latentlab;
using nlohmann::json;

namespace {
struct Rect {
  double x, y, w, h;
};
Rect rectOf(const json& v) { return {v[0].get<double>(), v[1].get<double>(), v[2].get<double>(), v[3].get<double>()}; }
// Within half a pixel (the sidecar scales ImGui units by the framebuffer scale).
bool inside(const Rect& a, const Rect& outer) {
  const double e = 0.5;
  return a.x >= outer.x - e && a.y >= outer.y - e && a.x + a.w <= outer.x + outer.w + e &&
         a.y + a.h <= outer.y + outer.h + e;
}
double overlapArea(const Rect& a, const Rect& b) {
  double w = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
  double h = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

void checkLayout(const std::string& model, int width, int height, int scale, const std::string& dir) {
  std::string png = dir + "/" + model + "-" + std::to_string(width) + "x" + std::to_string(height) + "-" +
                    std::to_string(scale) + "x.png";
  std::string cmd = "xvfb-run -a -s \"-screen 0 2000x1200x24\" " + std::string(LATENTLAB_BIN) + " --model " +
                    test::sourcePath("assets/models/" + model) + " --size " + std::to_string(width) + " " +
                    std::to_string(height) + " --scale " + std::to_string(scale) + " --screenshot " + png;
  CAPTURE(cmd);
  auto r = test::runCommand(cmd);
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  MESSAGE("screenshot: " << png);
  json side = json::parse(test::readText(png + ".json"));
  REQUIRE(side["framebuffer"] == json({width, height}));
  Rect fb{0, 0, double(width), double(height)};

  std::map<std::string, Rect> windows;
  for (auto& [key, v] : side.items())
    if (key.rfind("window:", 0) == 0) windows[key.substr(7)] = rectOf(v);
  // Every model shows its model panel, performance and either a map or a diffusion panel.
  CHECK(windows.count("model"));
  CHECK(windows.count("perf"));
  CHECK((windows.count("map") || windows.count("diffusion") || windows.count("tokens")));
  for (auto& [id, w] : windows) {
    CAPTURE(id);
    CHECK(w.w > 0);
    CHECK(w.h > 0);
    CHECK(inside(w, fb));
  }
  for (auto a = windows.begin(); a != windows.end(); ++a)
    for (auto b = std::next(a); b != windows.end(); ++b) {
      CAPTURE(a->first);
      CAPTURE(b->first);
      CHECK(overlapArea(a->second, b->second) < 1.0);
    }

  // Every reported widget lies inside its panel's window.
  std::map<std::string, int> widgets;
  for (auto& [key, v] : side.items()) {
    auto slash = key.find('/');
    if (key.rfind("window:", 0) == 0 || slash == std::string::npos || key[0] == '/') continue;
    std::string panel = key.substr(0, slash);
    CAPTURE(key);
    Rect item = rectOf(v);
    CAPTURE(item.x);
    CAPTURE(item.y);
    CAPTURE(item.w);
    CAPTURE(item.h);
    REQUIRE(windows.count(panel));
    const Rect& w = windows[panel];
    CAPTURE(w.x);
    CAPTURE(w.y);
    CAPTURE(w.w);
    CAPTURE(w.h);
    CHECK(item.w > 0);
    CHECK(item.h > 0);
    CHECK(inside(item, w));
    ++widgets[panel];
  }
  // The toolbars were reported (the check above would pass vacuously otherwise).
  for (const char* panel : {"model", "perf"}) {
    CAPTURE(panel);
    CHECK(widgets[panel] >= 1);
  }
  CHECK(side.contains("model/notes"));
  CHECK((side.contains("model/encode") || side.contains("model/data-use")));
  if (windows.count("map")) {
    CHECK(side.contains("map/plane"));
    CHECK(side.contains("map/notes"));
  }
  if (windows.count("diffusion")) {
    CHECK(side.contains("diffusion/notes"));
    CHECK(side.contains("diffusion/tab-denoise"));
    CHECK(side.contains("diffusion/tab-schedule"));
  }
  if (windows.count("manifold")) CHECK(side.contains("manifold/decode-grid"));
  if (windows.count("tokens")) {
    CHECK(side.contains("tokens/tokens-run"));
    CHECK(side.contains("tokens/tokens-resample"));
    CHECK(side.contains("next-token/tokens-top-p"));
  }
  if (windows.count("image")) CHECK(side.contains("image/filter-bilinear"));
}
}  // namespace

TEST_CASE("every panel and toolbar widget fits its window at 1024x700 1x and 1920x1080 2x") {
  std::string dir = test::tempDir("gui-layout");
  for (const char* model : {"fashion-vae-16", "fashion-ldm", "fashion-ddpm", "fashion-vq"}) {
    REQUIRE(std::filesystem::exists(test::sourcePath(std::string("assets/models/") + model + "/model.json")));
    checkLayout(model, 1024, 700, 1, dir);
    checkLayout(model, 1920, 1080, 2, dir);
  }
}
