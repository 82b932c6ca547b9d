// The Diffusion panel's Step button, "Run from this step", Compare and Forward noising,
// headless: requests go through applyDiffusionRequests (what the app does with a click) to
// the real EngineClient and the bundled fashion-ldm.
#include <doctest/doctest.h>
#include <imgui.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <thread>

#include "app/diffusion_requests.h"
#include "app/engine_client.h"
#include "app/panels/diffusion_map_overlay.h"
#include "app/panels/label_layout.h"
#include "app/panels/param_help.h"
#include "engine/data/dataset.h"
#include "diffusion_panel_harness.h"

using namespace latentlab;
using namespace std::chrono_literals;
using test::pollUntil;

namespace {

void loadLdm(EngineClient& e, AppState& s) { test::loadBundled(e, s, "fashion-ldm"); }

// Runs the harness until no run is going (the automatic first run, a Run click...).
void finishRuns(test::DiffusionPanelHarness& h) {
  for (int i = 0; i < 24000 && h.e.sampling(); ++i) {
    h.frame();
    std::this_thread::sleep_for(5ms);
  }
  h.frame();
}

// Presses and releases the left button at `at` as a user does (hover, press, release),
// one frame each; true if any of those frames asked to resume a held run.
bool click(test::DiffusionPanelHarness& h, ImVec2 at) {
  ImGuiIO& io = ImGui::GetIO();
  bool resumed = false;
  io.MousePos = at;
  for (bool down : {false, true, false}) {
    io.MouseDown[0] = down;
    h.frame();
    resumed |= h.last.resumeSample;
  }
  return resumed;
}

ImVec2 centre(const ImVec4& r) { return ImVec2(std::floor(r.x + r.z * 0.5f), std::floor(r.y + r.w * 0.5f)); }

SampleRequest request(int steps) {
  SampleRequest r;
  r.seed = 4;
  r.classIndex = 1;
  r.sampler = "ddim";
  r.steps = steps;
  return r;
}

}  // namespace

TEST_CASE("Step holds the run after every step until the next Step or Continue") {
  EngineClient e(1);
  AppState s;
  loadLdm(e, s);
  UiRequests req;
  req.runSample = true;
  req.stepSample = true;
  req.sample = request(8);
  applyDiffusionRequests(req, e, s);
  REQUIRE(pollUntil(e, s, [&] { return e.sampleA.frames.size() == 1 && e.sampleA.gate->waiting(); }));
  CHECK(e.samplePaused());
  std::this_thread::sleep_for(300ms);
  e.poll(s);
  CHECK(e.sampleA.frames.size() == 1);  // held: no step without a click
  CHECK(e.sampling());

  UiRequests step;
  step.stepSample = true;
  applyDiffusionRequests(step, e, s);
  REQUIRE(pollUntil(e, s, [&] { return e.sampleA.frames.size() == 2 && e.sampleA.gate->waiting(); }));
  std::this_thread::sleep_for(200ms);
  e.poll(s);
  CHECK(e.sampleA.frames.size() == 2);

  UiRequests resume;
  resume.resumeSample = true;
  applyDiffusionRequests(resume, e, s);
  REQUIRE(pollUntil(e, s, [&] { return !e.sampling(); }));
  CHECK(e.sampleA.frames.size() == 8);
  CHECK_FALSE(e.samplePaused());

  // Stepped, the run is the same run: the final picture equals a free run's.
  Image stepped = e.sampleA.final;
  e.sample(request(8));
  REQUIRE(pollUntil(e, s, [&] { return !e.sampling(); }));
  CHECK(e.sampleA.final.pixels == stepped.pixels);

  // Cancel frees a held run at once.
  applyDiffusionRequests(req, e, s);
  REQUIRE(pollUntil(e, s, [&] { return e.sampleA.gate->waiting(); }));
  e.cancelSample();
  REQUIRE(pollUntil(e, s, [&] { return e.sampler().idle(); }));
  CHECK(e.sampleA.frames.size() == 1);
}

TEST_CASE("a run from a recorded step keeps the steps before it and replaces the rest") {
  EngineClient e(1);
  AppState s;
  loadLdm(e, s);
  e.sample(request(10));
  REQUIRE(pollUntil(e, s, [&] { return !e.sampling(); }));
  auto before = e.sampleA.frames;
  SampleRequest r = request(10);
  r.classIndex = 8;  // switch to "bag" half-way
  r.startIndex = 5;
  r.startXt = before[4].state;
  e.sample(r);
  REQUIRE(pollUntil(e, s, [&] { return !e.sampling(); }));
  CHECK(e.sampleA.error == "");
  REQUIRE(e.sampleA.frames.size() == 10);
  for (size_t i = 0; i < 5; ++i) CHECK(e.sampleA.frames[i].x0.pixels == before[i].x0.pixels);
  for (size_t i = 5; i < 10; ++i) CHECK(e.sampleA.frames[i].index == int(i));
  CHECK(e.sampleA.final.pixels != before.back().x0.pixels);
}

TEST_CASE("Compare runs the same seed twice with one setting changed") {
  test::DiffusionPanelHarness h;
  loadLdm(h.e, h.s);
  h.panel.fitToModel(*h.e.diffusion());
  h.panel.settings().classIndex = 2;
  h.panel.settings().steps = 10;
  h.panel.compare().setEnabled(true);
  h.panel.compare().setVary(CompareView::Vary::Guidance);
  h.panel.selectTab("compare");
  h.frame();  // the automatic first run: with Compare on, both runs
  CHECK(h.last.runSample);
  CHECK(h.last.runCompare);
  for (int i = 0; i < 24000 && h.e.sampling(); ++i) {
    h.frame();
    std::this_thread::sleep_for(5ms);
  }
  h.frame();
  const SampleTrack& a = h.e.sampleA;
  const SampleTrack& b = h.e.sampleB;
  REQUIRE(a.frames.size() == 10);
  REQUIRE(b.frames.size() == 10);
  CHECK(a.request.seed == b.request.seed);
  CHECK(a.request.classIndex == b.request.classIndex);
  CHECK(a.request.guidance == doctest::Approx(3.0));
  CHECK(b.request.guidance == doctest::Approx(1.0));
  CHECK(a.final.pixels != b.final.pixels);
  CHECK(h.s.diffusionTab == "compare");
}

TEST_CASE("Forward noising: the tab asks for the item and t, the result arrives, bad items give a message") {
  test::DiffusionPanelHarness h;
  loadLdm(h.e, h.s);
  h.panel.forwardNoise().set(7, 600);
  h.panel.selectTab("noise");
  h.frame();  // ImGui shows a newly selected tab's content from the next frame on
  if (!h.last.forwardNoise) h.frame();
  CHECK(h.last.forwardNoise);
  CHECK(h.last.noiseIndex == 7);
  CHECK(h.last.noiseT == 600);
  REQUIRE(pollUntil(h.e, h.s, [&] { return h.e.noised.index == 7 || !h.e.noised.error.empty(); }));
  CHECK(h.e.noised.index == 7);
  CHECK(h.e.noised.t == 600);
  CHECK(h.e.noised.result.image.width == 28);
  CHECK(h.e.noised.result.latent.size() == 16);
  Dataset data = openDataset("fashion-mnist:test");
  CHECK(h.e.noised.original.pixels == data.image(7).pixels);
  h.frame();
  CHECK_FALSE(h.last.forwardNoise);  // nothing changed: no new request

  h.panel.forwardNoise().set(99999, 600);
  h.frame();
  REQUIRE(pollUntil(h.e, h.s, [&] { return !h.e.noised.error.empty(); }));
  CHECK(h.e.noised.error.find("99999") != std::string::npos);
}

TEST_CASE("keys: Enter runs or continues, Shift+Enter steps, Left scrubs back") {
  test::DiffusionPanelHarness h;
  loadLdm(h.e, h.s);
  h.panel.fitToModel(*h.e.diffusion());
  h.panel.settings().steps = 6;
  h.frame();  // the automatic first run
  REQUIRE(h.last.runSample);
  finishRuns(h);
  REQUIRE(h.e.sampleA.frames.size() == 6);
  ImGuiIO& io = ImGui::GetIO();
  const int left = 301;  // any free slot of io.KeysDown for the key map
  io.KeyMap[ImGuiKey_LeftArrow] = left;
  int shown = h.panel.shownStep();
  CHECK(shown == 5);
  io.KeysDown[left] = true;
  h.frame();
  io.KeysDown[left] = false;
  h.frame();
  CHECK(h.panel.shownStep() == 4);
  CHECK_FALSE(h.panel.following());

  // Enter (routed by the app): a new free run.
  h.frame(ShortcutId::RunSample);
  CHECK(h.last.runSample);
  CHECK_FALSE(h.last.stepSample);
  REQUIRE(pollUntil(h.e, h.s, [&] { return !h.e.sampling(); }));
  // Shift+Enter: a run held after its first step; again: exactly one more step.
  h.frame(ShortcutId::StepSample);
  CHECK(h.last.runSample);
  CHECK(h.last.stepSample);
  REQUIRE(pollUntil(h.e, h.s, [&] { return h.e.sampleA.frames.size() == 1 && h.e.sampleA.gate->waiting(); }));
  h.frame();
  h.frame(ShortcutId::StepSample);
  CHECK_FALSE(h.last.runSample);
  CHECK(h.last.stepSample);
  CHECK_FALSE(h.last.resumeSample);
  REQUIRE(pollUntil(h.e, h.s, [&] { return h.e.sampleA.frames.size() == 2 && h.e.sampleA.gate->waiting(); }));
  // Enter on a held run continues it to the end.
  h.frame();
  h.frame(ShortcutId::RunSample);
  CHECK(h.last.resumeSample);
  CHECK_FALSE(h.last.runSample);
  REQUIRE(pollUntil(h.e, h.s, [&] { return !h.e.sampling(); }));
  CHECK(h.e.sampleA.frames.size() == 6);
}

TEST_CASE("Step clicked twice at the same spot does exactly two steps and never Continue") {
  // The bug: after the first Step the button row changed and Continue sat where Step had
  // been, so a second click on the same spot ran the whole sample.
  test::DiffusionPanelHarness h;
  loadLdm(h.e, h.s);
  h.panel.fitToModel(*h.e.diffusion());
  h.panel.settings().steps = 8;
  h.frame();  // the automatic first run
  finishRuns(h);
  REQUIRE(h.e.sampleA.frames.size() == 8);
  ImVec4 step = helpItemRect("step");
  REQUIRE(step.z > 0);
  ImVec2 at = centre(step);

  CHECK_FALSE(click(h, at));
  REQUIRE(pollUntil(h.e, h.s, [&] { return h.e.sampleA.frames.size() == 1 && h.e.sampleA.gate->waiting(); }));
  h.frame();
  CHECK(h.e.samplePaused());
  // The held run's row: Step is where it was.
  CHECK(helpItemRect("step").x == step.x);
  CHECK(helpItemRect("step").y == step.y);

  CHECK_FALSE(click(h, at));
  REQUIRE(pollUntil(h.e, h.s, [&] { return h.e.sampleA.frames.size() >= 2 && h.e.sampleA.gate->waiting(); }));
  std::this_thread::sleep_for(300ms);
  for (int i = 0; i < 3; ++i) h.frame();
  CHECK(h.e.sampleA.frames.size() == 2);  // two clicks, two steps
  CHECK(h.e.sampling());
  CHECK(h.e.samplePaused());

  // Continue has a place of its own and finishes the run.
  ImVec4 cont = helpItemRect("continue");
  REQUIRE(cont.z > 0);
  CHECK(cont.x > step.x + step.z);
  CHECK(click(h, centre(cont)));
  REQUIRE(pollUntil(h.e, h.s, [&] { return !h.e.sampling(); }));
  CHECK(h.e.sampleA.frames.size() == 8);
}

TEST_CASE("Compare's headings name the settings each column's pictures were made with") {
  test::DiffusionPanelHarness h;
  loadLdm(h.e, h.s);
  h.panel.fitToModel(*h.e.diffusion());
  h.panel.settings().classIndex = 7;
  h.panel.settings().steps = 4;
  h.panel.settings().sampler = "ddim";
  h.panel.compare().setEnabled(true);
  h.panel.compare().setVary(CompareView::Vary::Guidance);
  h.panel.selectTab("compare");
  h.frame();  // the automatic first run, with B
  finishRuns(h);
  REQUIRE(h.e.sampleB.frames.size() == 4);
  CHECK(h.e.sampleB.request.sampler == "ddim");
  CHECK(h.panel.compare().label(1).ran == "B: ddim, guidance 1.0");
  CHECK(h.panel.compare().label(1).pending == "");

  // The teacher switches B to the euler sampler: the pictures on screen are still ddim's, so
  // the heading must not claim otherwise, and it says what the next Run will do.
  h.panel.compare().setVary(CompareView::Vary::Sampler);
  h.panel.compare().setSamplerB("euler");
  h.frame();
  CHECK(h.panel.compare().label(1).ran == "B: ddim, guidance 1.0");
  CHECK(h.panel.compare().label(1).pending.find("euler") != std::string::npos);
  CHECK(h.panel.compare().label(0).pending == "");  // A is unchanged

  ImVec4 run = helpItemRect("run");
  REQUIRE(run.z > 0);
  click(h, centre(run));
  finishRuns(h);
  REQUIRE(h.e.sampleB.frames.size() == 4);
  CHECK(h.e.sampleB.request.sampler == "euler");
  CHECK(h.panel.compare().label(1).ran == "B: euler, guidance 3.0");
  CHECK(h.panel.compare().label(1).pending == "");
  CHECK(h.panel.compare().label(0).ran == "A: ddim, guidance 3.0");
}

TEST_CASE("the path labels on the map never overlap, even when the points coincide") {
  // A one-step run: the path's first step is its last, so "noise" and "x_t" name one point.
  test::DiffusionPanelHarness h;
  loadLdm(h.e, h.s);
  SampleRequest r = request(1);
  h.e.sample(r);
  REQUIRE(pollUntil(h.e, h.s, [&] { return !h.e.sampling(); }));
  REQUIRE(h.e.sampleA.frames.size() == 1);
  h.s.plane = axesPlane(16);
  h.s.diffusionTab = "denoise";
  h.s.diffusionShownStep = 0;
  const auto& f = h.e.sampleA.frames[0];
  h.s.view.centerU = f.latent[0];
  h.s.view.centerV = f.latent[1];
  h.s.view.halfExtent = 4;
  ImGui::NewFrame();
  UiRequests req;
  PanelContext ctx{h.s, req, h.textures, h.drawer};
  ctx.engine = &h.e;
  ImGui::Begin("map");
  drawDiffusionOverlay(ctx, ImGui::GetWindowDrawList(), MapRect{100, 100, 600, 500});
  ImGui::End();
  ImGui::Render();
  std::vector<ImVec4> labels;
  for (const char* name : {"overlay-label:noise", "overlay-label:x_t", "overlay-label:predicted x0"}) {
    REQUIRE(ctx.rects.count(name) == 1);
    labels.push_back(ctx.rects[name]);
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    CHECK(labels[i].z > 0);
    for (size_t j = i + 1; j < labels.size(); ++j) CHECK_FALSE(rectsOverlap(labels[i], labels[j]));
  }
}
