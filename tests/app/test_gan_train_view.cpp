// The Train view (app/gan/train_panel.h) driven by clicks on its buttons in a headless ImGui
// frame, its jobs on the app's EngineClient: Step does exactly one step, the step-kind combo's
// "D only" makes the next Step train D alone (no G loss), Play runs steps until Pause stops
// them, Reset starts over from the seed (step 0, same first step as before), and a session
// replays its saved steps to the same numbers.
#include <doctest/doctest.h>

#include <imgui_internal.h>  // the open combo's pop-up window, to click its entries

#include <chrono>
#include <cmath>
#include <functional>
#include <thread>
#include <nlohmann/json.hpp>

#include "app/gan/train_panel.h"
#include "app/panels/param_help.h"
#include "app/engine_client.h"
#include "app_test_support.h"

using namespace latentlab;

namespace {
// The Train view alone in a headless ImGui frame, with the app's real EngineClient as its
// FeatureJobs (no model is loaded: the Train view needs none, and the test skips a map).
struct TrainBench {
  AppState state;
  EngineClient engine{1};
  TextureSource textures;
  PointsDrawer points;
  TrainPanel panel;
  TrainBench() {
    test::startHeadlessImGui(ImVec2(1600, 1000));
    panel.setPlacement(ImVec2(0, 0), ImVec2(1200, 700));
    // Small and fast: 512 images, batch 32, 2 grid rows; no classifier histogram.
    panel.options.limit = 512;
    panel.options.batchSize = 32;
    panel.options.gridPerClass = 2;
    panel.options.dataSpec = "fashion-mnist:test";
    panel.setShowEvery(0);
  }
  ~TrainBench() {
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
  void clickKey(const char* key) {
    ImVec4 r = helpItemRect(key);
    REQUIRE_MESSAGE(r.z > 0, key);
    click(ImVec2(std::floor(r.x + r.z * 0.5f), std::floor(r.y + r.w * 0.5f)));
  }
  std::vector<GanLiveStats> history() {
    auto rec = panel.record();
    std::lock_guard<std::mutex> lock(rec->mutex);
    return rec->history;
  }
};
}  // namespace

TEST_CASE("Train view: Step, D only, Play / Pause and Reset through clicks") {
  TrainBench b;
  TrainPanel& p = b.panel;
  b.frame();
  b.clickKey("train-step");
  REQUIRE(b.until([&] { return p.steps() == 1 && !p.busy(); }));
  auto h = b.history();
  REQUIRE(h.size() == 1);
  CHECK(h[0].kind == GanStepKind::Both);
  CHECK(std::isfinite(h[0].dLoss));
  CHECK(std::isfinite(h[0].gLoss));
  const double firstD = h[0].dLoss;
  {
    auto rec = p.record();
    std::lock_guard<std::mutex> lock(rec->mutex);
    CHECK(rec->grid.size() == 20);  // 2 rows x 10 classes
  }

  // The step-kind combo: its second entry is "D only".
  b.clickKey("train-step-kind");
  ImGuiContext& g = *GImGui;
  REQUIRE(g.OpenPopupStack.Size > 0);
  ImGuiWindow* popup = g.OpenPopupStack.back().Window;
  REQUIRE(popup);
  float fs = ImGui::GetFontSize(), sp = ImGui::GetStyle().ItemSpacing.y;
  b.click(ImVec2(std::floor(popup->Pos.x + popup->Size.x * 0.5f),
                 std::floor(popup->Pos.y + ImGui::GetStyle().WindowPadding.y + (fs + sp) + fs * 0.5f)));
  b.clickKey("train-step");
  REQUIRE(b.until([&] { return p.steps() == 2 && !p.busy(); }));
  h = b.history();
  CHECK(h[1].kind == GanStepKind::Discriminator);
  CHECK(std::isfinite(h[1].dLoss));
  CHECK(std::isnan(h[1].gLoss));

  // Play runs by itself; Pause (the same button) stops it.
  b.clickKey("train-play");
  CHECK(p.playing());
  REQUIRE(b.until([&] { return p.steps() >= 12; }));
  b.clickKey("train-play");
  CHECK_FALSE(p.playing());
  REQUIRE(b.until([&] { return !p.busy(); }));
  const int64_t paused = p.steps();
  for (int i = 0; i < 30; ++i) b.frame();
  CHECK(p.steps() == paused);
  h = b.history();
  for (size_t i = 2; i < h.size(); ++i) CHECK(h[i].kind == GanStepKind::Both);

  // Reset: back to step 0, and the seeded GAN's first step is the same as before.
  b.clickKey("train-reset");
  CHECK(p.steps() == 0);
  b.clickKey("train-step");
  REQUIRE(b.until([&] { return p.steps() == 1 && !p.busy(); }));
  CHECK(b.history()[0].dLoss == firstD);
}

TEST_CASE("Train view: a session keeps the steps and replays them to the same numbers") {
  TrainBench b;
  TrainPanel& p = b.panel;
  p.options.seed = 4;
  b.frame();
  b.clickKey("train-play");
  REQUIRE(b.until([&] { return p.steps() >= 6; }));
  p.pause();
  REQUIRE(b.until([&] { return !p.busy(); }));
  auto before = b.history();
  nlohmann::json saved;
  p.saveState(saved);
  CHECK(saved["steps"] == before.size());
  CHECK(saved["seed"] == 4);

  std::vector<std::string> warnings;
  p.options.seed = 9;
  p.restoreState(saved, warnings);
  CHECK(warnings.empty());
  CHECK(p.options.seed == 4);
  REQUIRE(b.until([&] { return p.steps() == int64_t(before.size()) && !p.busy(); }));
  auto after = b.history();
  REQUIRE(after.size() == before.size());
  for (size_t i = 0; i < after.size(); ++i) CHECK(after[i].dLoss == before[i].dLoss);

  nlohmann::json bad = {{"seed", "x"}, {"optimizer", "lbfgs"}, {"steps", -3}};
  p.restoreState(bad, warnings);
  CHECK(warnings.size() == 3);
  CHECK(p.options.seed == 4);
}
