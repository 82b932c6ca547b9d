// The Model and Performance panels headless, with the real EngineClient: the picker lists
// only models the window can open and names the loaded model even after a failed open, the
// error is wrapped with its full text on hover, the notes follow the model's kind, the
// device of a pixel diffusion model is shown, and the frame readout reports work, not the
// idle wait.
#include <doctest/doctest.h>
#include <imgui.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <string>

#include "app/bundled_models.h"
#include "app/panels/model_panel.h"
#include "app/panels/param_help.h"
#include "app/panels/performance_panel.h"
#include "app/perf_stats.h"
#include "app_test_support.h"
#include "engine/models/manifest.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {
struct Harness {
  EngineClient e{1};
  AppState s;
  TextureSource textures;
  PointsDrawer drawer;
  ModelPanel model;
  PerformancePanel perfPanel;
  PerfStats perf;
  ImVec2 size{420, 500};
  Harness() {
    test::startHeadlessImGui(ImVec2(1000, 800));
    model.setPlacement(ImVec2(0, 0), size);
    perfPanel.setPlacement(ImVec2(500, 0), ImVec2(400, 300));
  }
  ~Harness() { ImGui::DestroyContext(); }
  void frame(ImVec2 mouse = ImVec2(-100, -100)) {
    e.poll(s);
    ImGui::GetIO().MousePos = mouse;
    ImGui::NewFrame();
    UiRequests req;
    PanelContext ctx{s, req, textures, drawer};
    ctx.engine = &e;
    ctx.perf = &perf;
    model.draw(ctx, true);
    perfPanel.draw(ctx, true);
    ImGui::Render();
  }
  // What the app does with a picker choice: load, and draw frames until it is done (the app
  // sets state.modelDir only once a model has loaded).
  void open(const std::string& dir) {
    e.loadModel(dir, "cpu");
    for (int i = 0; i < 24000 && e.loading(); ++i) {
      frame();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE_FALSE(e.loading());
    if (e.modelError.empty()) s.modelDir = dir;
  }
};
}  // namespace

TEST_CASE("the model picker lists every bundled model the window can open, and nothing else") {
  std::vector<std::string> listed = listBundledModels();
  int openable = 0;
  for (auto& entry : fs::directory_iterator(test::sourcePath("assets/models"))) {
    if (!fs::exists(entry.path() / "model.json")) continue;
    std::string kind = readManifest(entry.path().string()).kind;
    bool shown = false;
    for (auto& dir : listed) shown |= fs::path(dir).filename() == entry.path().filename();
    CAPTURE(entry.path().string());
    // The window's kinds, written out here (not read from the kind table) so a change shows.
    CHECK(shown == (kind == "autoencoder" || kind == "diffusion" || kind == "latent-diffusion" || kind == "gan" ||
                    kind == "vq-autoregressive"));
    openable += shown;
  }
  CHECK(openable >= 4);  // two VAEs, the pixel and the latent diffusion model
  for (auto& dir : listed) CHECK(fs::path(dir).filename() != "fashion-classifier");
}

TEST_CASE("after a failed open the picker names the loaded model and the error is wrapped, in full on hover") {
  Harness h;
  h.open(test::sourcePath("assets/models/fashion-vae-2"));
  h.frame();
  CHECK(h.model.shownModel() == "fashion-vae-2");
  CHECK(h.model.shownError() == "");

  std::string bad = test::tempDir("bad-model-x") + "/no-such-model-folder";
  h.open(bad);
  REQUIRE(h.e.modelError != "");
  h.frame();
  h.frame();
  CHECK(h.model.shownModel() == "fashion-vae-2");  // still the model on screen
  CHECK(h.model.shownError().find("no-such-model-folder") != std::string::npos);
  CHECK(h.model.shownError().find(h.e.modelError) != std::string::npos);  // the whole message
  CHECK(h.model.shownError().find("fashion-vae-2") != std::string::npos);
  ImVec4 r = helpItemRect("model-error");
  REQUIRE(r.z > 0);
  CHECK(r.x + r.z <= h.size.x);  // wrapped to the panel, not cut at its edge
  CHECK(r.w > ImGui::GetFontSize() * 1.5f);  // a long message takes several lines
  h.frame(ImVec2(std::floor(r.x + 5), std::floor(r.y + 5)));
  h.frame(ImVec2(std::floor(r.x + 5), std::floor(r.y + 5)));
  CHECK(shownHelpKey() == "model-error");
}

TEST_CASE("a pixel diffusion model: notes about diffusion, its device in Performance") {
  Harness h;
  h.open(test::sourcePath("assets/models/fashion-ddpm"));
  REQUIRE(h.e.modelError == "");
  h.frame();
  CHECK(h.model.shownModel() == "fashion-ddpm");
  std::string notes = h.model.notesText();
  CHECK(notes.find("diffusion") != std::string::npos);
  CHECK(notes.find("autoencoder") == std::string::npos);
  CHECK(h.perfPanel.shownDevice() == "cpu");

  h.open(test::sourcePath("assets/models/fashion-vae-2"));
  h.frame();
  CHECK(std::string(h.model.notesText()).find("autoencoder") != std::string::npos);
}

TEST_CASE("the frame readout reports the work per frame, not the wait for input") {
  PerfStats p;
  for (int i = 0; i < 50; ++i) p.pushFrame(2.f + 0.01f * float(i), 255.f);  // idle: a quarter second between frames
  std::string r = PerformancePanel::readout(p);
  CHECK(r.find("work per frame") != std::string::npos);
  CHECK(r.find("p50 2.2") != std::string::npos);
  CHECK(r.find("255") == std::string::npos);
  // An app that only measures intervals gets them labelled as such.
  PerfStats old;
  old.push(255.f);
  CHECK(PerformancePanel::readout(old).find("includes waiting") != std::string::npos);
}
