// The VAE Train view (app/train_vae/vae_train_panel.h) driven by clicks in a headless ImGui
// frame, its jobs on the app's real EngineClient: Step does exactly one step and encodes the
// map, the beta slider dragged to its end is the beta of the very next step (loss = recon +
// beta * kl in the reported terms), Play runs until Pause and then the step counter stands
// still, the map under the mouse decodes an image, Save writes a bundle that loads, and Reset
// starts over from the seed. Tiny data (smallFashion) and a few dozen steps only.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/engine_client.h"
#include "app/panels/param_help.h"
#include "app/train_vae/vae_train_panel.h"
#include "app_test_support.h"
#include "engine/models/manifest.h"

using namespace latentlab;

namespace {
struct VaeTrainBench {
  AppState state;
  EngineClient engine{1};
  TextureSource textures;
  PointsDrawer points;
  VaeTrainPanel panel;
  VaeTrainBench() {
    test::startHeadlessImGui(ImVec2(1600, 1000));
    panel.setPlacement(ImVec2(0, 0), ImVec2(1200, 800));
    const std::string spec = test::smallFashion(300);
    panel.options.dataSpec = spec;
    panel.options.mapSpec = spec;
    panel.options.mapCount = 100;
    panel.options.batchSize = 16;
    panel.jobSeconds = 0.05;
  }
  ~VaeTrainBench() {
    engine.shutdown(10);
    ImGui::DestroyContext();
  }
  void frame(ImVec2 mouse, bool down = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    engine.poll(state);
    ImGui::NewFrame();
    UiRequests requests;
    PanelContext ctx{state, requests, textures, points, &engine, &engine};
    panel.draw(ctx, true);
    ImGui::Render();
  }
  void frame() { frame(ImGui::GetIO().MousePos); }
  bool until(const std::function<bool()>& done) {
    for (int i = 0; i < 6000; ++i) {
      frame();
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  void click(ImVec2 p) {
    frame(p);
    frame(p, true);
    frame(p);
    frame(p);
  }
  ImVec2 at(const char* key, float fx = 0.5f) {
    ImVec4 r = helpItemRect(key);
    REQUIRE_MESSAGE(r.z > 0, key);
    return ImVec2(std::floor(r.x + r.z * fx), std::floor(r.y + r.w * 0.5f));
  }
  void clickKey(const char* key, float fx = 0.5f) { click(at(key, fx)); }
  std::vector<VaeLiveStats> history() {
    auto rec = panel.record();
    std::lock_guard<std::mutex> lock(rec->mutex);
    return rec->history;
  }
};
}  // namespace

TEST_CASE("VAE Train view: Step, beta slider, Play / Pause, decode under the mouse, Save, Reset") {
  VaeTrainBench b;
  VaeTrainPanel& p = b.panel;
  b.frame();
  b.clickKey("vtrain-step");
  REQUIRE(b.until([&] { return p.steps() == 1 && !p.busy(); }));
  auto h = b.history();
  REQUIRE(h.size() == 1);
  CHECK(h[0].beta == 1.0);
  const double firstLoss = h[0].loss;
  {
    auto rec = p.record();
    std::lock_guard<std::mutex> lock(rec->mutex);
    CHECK(rec->map.step == 1);  // Step re-encodes the map
    CHECK(rec->map.xy.size() == 200);
    CHECK(rec->map.labels.size() == 100);
  }

  // The beta slider pressed at its right end: beta 316 (10^2.5), used by the very next step.
  b.frame();
  {
    // The item's rectangle includes the label; the slider frame is its first 7 font heights.
    ImVec2 c = b.at("vtrain-beta");
    c.x = std::floor(helpItemRect("vtrain-beta").x + ImGui::GetFontSize() * 7 - 2);
    b.click(c);
  }
  CHECK(p.options.beta == doctest::Approx(std::pow(10.0, 2.5)).epsilon(0.03));
  b.clickKey("vtrain-step");
  REQUIRE(b.until([&] { return p.steps() == 2 && !p.busy(); }));
  h = b.history();
  CHECK(h[1].beta == p.options.beta);
  CHECK(h[1].loss == doctest::Approx(h[1].recon + h[1].beta * h[1].kl).epsilon(1e-5));

  // Play runs by itself; Pause (the same button) stops the step counter.
  b.clickKey("vtrain-play");
  CHECK(p.playing());
  REQUIRE(b.until([&] { return p.steps() >= 12; }));
  b.clickKey("vtrain-play");
  CHECK_FALSE(p.playing());
  REQUIRE(b.until([&] { return !p.busy(); }));
  const int64_t paused = p.steps();
  for (int i = 0; i < 30; ++i) {
    b.frame();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(p.steps() == paused);

  // The mouse over the map decodes the latent under it with the current weights.
  b.frame(b.at("vtrain-map-area", 0.3f));
  REQUIRE(b.until([&] { return !p.cursorImage().empty(); }));
  CHECK(p.cursorImage().width == 28);
  CHECK(p.cursorImage().height == 28);

  // Save: a bundle the explorer can open.
  const std::string dir = test::tempDir("vae-train-view") + "/saved";
  p.setSavePath(dir);
  b.frame();
  b.clickKey("vtrain-save");
  REQUIRE(b.until([&] { return p.saveMessage().rfind("Saved to", 0) == 0 || p.saveMessage().rfind("Could", 0) == 0; }));
  CHECK(p.saveMessage() == "Saved to " + dir);
  Manifest m = readManifest(dir);
  CHECK(m.kind == "autoencoder");
  CHECK(m.latentShape == std::vector<int64_t>{2});
  CHECK(m.training["steps"] == paused);
  CHECK(std::filesystem::exists(dir + "/vae.safetensors"));

  // Reset: step 0, and the seeded VAE's first step is the one it took before (at beta 1).
  p.options.beta = 1.0;
  b.clickKey("vtrain-reset");
  CHECK(p.steps() == 0);
  b.clickKey("vtrain-step");
  REQUIRE(b.until([&] { return p.steps() == 1 && !p.busy(); }));
  CHECK(b.history()[0].loss == firstLoss);
}

TEST_CASE("VAE Train view: a session keeps its settings; bad values are refused with a warning") {
  VaeTrainPanel p;
  p.options.seed = 5, p.options.beta = 4, p.options.latentDim = 8, p.mapEvery = 30;
  nlohmann::json saved;
  p.saveState(saved);
  VaeTrainPanel q;
  std::vector<std::string> warnings;
  q.restoreState(saved, warnings);
  CHECK(warnings.empty());
  CHECK(q.options.seed == 5);
  CHECK(q.options.beta == 4);
  CHECK(q.options.latentDim == 8);
  CHECK(q.mapEvery == 30);
  q.restoreState(nlohmann::json{{"beta", -1}, {"learning_rate", "x"}}, warnings);
  CHECK(warnings.size() == 2);
  CHECK(q.options.beta == 4);
}
