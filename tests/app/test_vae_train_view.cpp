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

#include "app/train_vae/vae_train_panel.h"
#include "engine/models/manifest.h"
#include "train_view_bench.h"

using namespace latentlab;

namespace {
// Tiny data (300 images, a 100-point map), batch 16, short jobs.
struct VaeTrainBench : test::TrainViewBench<VaeTrainPanel> {
  VaeTrainBench() : TrainViewBench(ImVec2(1200, 800)) {
    const std::string spec = test::smallFashion(300);
    panel.options.dataSpec = spec;
    panel.options.mapSpec = spec;
    panel.options.mapCount = 100;
    panel.options.batchSize = 16;
    panel.jobSeconds = 0.05;
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
