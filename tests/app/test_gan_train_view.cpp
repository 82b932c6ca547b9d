// The Train view (app/gan/train_panel.h) driven by clicks on its buttons in a headless ImGui
// frame, its jobs on the app's EngineClient: Step does exactly one step, the step-kind combo's
// "D only" makes the next Step train D alone (no G loss), Play runs steps until Pause stops
// them, Reset starts over from the seed (step 0, same first step as before), and a session
// replays its saved steps to the same numbers.
#include <doctest/doctest.h>

#include <imgui_internal.h>  // the open combo's pop-up window, to click its entries

#include <cmath>
#include <nlohmann/json.hpp>

#include "app/gan/train_panel.h"
#include "train_view_bench.h"

using namespace latentlab;

namespace {
// Small and fast: 512 images, batch 32, 2 grid rows; no classifier histogram.
struct TrainBench : test::TrainViewBench<TrainPanel> {
  TrainBench() : TrainViewBench(ImVec2(1200, 700)) {
    panel.options.limit = 512;
    panel.options.batchSize = 32;
    panel.options.gridPerClass = 2;
    panel.options.dataSpec = "fashion-mnist:test";
    panel.setShowEvery(0);
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
