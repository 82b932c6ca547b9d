// The diffusion sampling job and the Diffusion panel, headless: a run through EngineClient
// reports exactly the requested steps, its last predicted x0 is the final sample, cancel
// stops it early, and the panel starts the first run itself and follows the newest step.
#include <doctest/doctest.h>
#include <imgui.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "app/engine_client.h"
#include "app/panels/diffusion_panel.h"
#include "engine/util/errors.h"
#include "diffusion_panel_harness.h"

using namespace latentlab;
using namespace std::chrono_literals;
using test::pollUntil;

namespace {

void loadLdm(EngineClient& e, AppState& s) {
  test::loadBundled(e, s, "fashion-ldm");
  REQUIRE(e.diffusion() != nullptr);
}

}  // namespace

TEST_CASE("a sampling job reports every step and ends on its last predicted x0") {
  EngineClient e(1);
  AppState s;
  loadLdm(e, s);
  CHECK(e.diffusion()->latent);
  CHECK(e.diffusion()->numClasses == 10);
  CHECK(e.diffusion()->samplers.size() >= 4);

  SampleRequest r;
  r.seed = 7;
  r.classIndex = 9;
  r.sampler = "ddim";
  r.steps = 12;
  e.sample(r);
  CHECK(e.sampling());
  REQUIRE(pollUntil(e, s, [&] { return !e.sampling(); }));
  CHECK(e.sampleA.error == "");
  CHECK_FALSE(e.sampleA.cancelled);
  REQUIRE(e.sampleA.frames.size() == 12);
  for (size_t i = 0; i < e.sampleA.frames.size(); ++i) {
    CHECK(e.sampleA.frames[i].index == int(i));
    CHECK(e.sampleA.frames[i].steps == 12);
    CHECK(e.sampleA.frames[i].xt.width == 28);
    CHECK(e.sampleA.frames[i].x0.width == 28);
  }
  // Timesteps run downwards.
  CHECK(e.sampleA.frames.front().timestep > e.sampleA.frames.back().timestep);
  REQUIRE(!e.sampleA.final.empty());
  CHECK(e.sampleA.frames.back().x0.pixels == e.sampleA.final.pixels);
  // Early steps are noisy: x_t at the first step differs from the final picture.
  CHECK(e.sampleA.frames.front().xt.pixels != e.sampleA.final.pixels);
  CHECK(e.idle());

  // The same seed gives the same picture; another seed another one.
  Image first = e.sampleA.final;
  e.sample(r);
  REQUIRE(pollUntil(e, s, [&] { return !e.sampling(); }));
  CHECK(e.sampleA.final.pixels == first.pixels);
  r.seed = 8;
  e.sample(r);
  REQUIRE(pollUntil(e, s, [&] { return !e.sampling(); }));
  CHECK(e.sampleA.final.pixels != first.pixels);
}

TEST_CASE("cancelling a sampling job stops it early") {
  // The engine run itself: the token is checked between steps, so no step follows the cancel.
  auto model = DiffusionSampler::load(test::sourcePath("assets/models/fashion-ldm"), "cpu");
  std::atomic<bool> flag{false};
  int seen = 0;
  SampleRequest r;
  r.sampler = "ddpm";
  r.steps = 200;
  CHECK_THROWS_AS(model->sample(
                      r,
                      [&](const SampleFrame& f) {
                        ++seen;
                        if (f.index == 2) flag = true;
                      },
                      CancelToken{&flag}),
                  Cancelled);
  CHECK(seen == 3);

  // Through the client: the run ends at once, keeps its steps so far, and the worker frees up.
  EngineClient e(1);
  AppState s;
  loadLdm(e, s);
  r.steps = 1000;
  e.sample(r);
  REQUIRE(pollUntil(e, s, [&] { return e.sampleA.frames.size() >= 3; }));
  e.cancelSample();
  CHECK_FALSE(e.sampling());
  CHECK(e.sampleA.cancelled);
  REQUIRE(pollUntil(e, s, [&] { return e.idle(); }));
  size_t kept = e.sampleA.frames.size();
  CHECK(kept >= 3);
  CHECK(kept < 1000);
  CHECK(e.sampleA.final.empty());
  CHECK(e.sampler().status().dropped >= 1);  // the cancelled job ended and its result was dropped
}

TEST_CASE("a bad request becomes an error, not a crash") {
  EngineClient e(1);
  AppState s;
  loadLdm(e, s);
  SampleRequest r;
  r.sampler = "no-such-sampler";
  e.sample(r);
  REQUIRE(pollUntil(e, s, [&] { return !e.sampling(); }));
  CHECK(e.sampleA.error.find("ddim") != std::string::npos);
  CHECK(e.sampleA.frames.empty());
}

TEST_CASE("the panel starts the first run itself and follows the newest step") {
  test::DiffusionPanelHarness h;
  h.frame();
  CHECK(h.runs == 0);  // no model yet: nothing to run
  CHECK(h.panel.shownStep() == -1);
  loadLdm(h.e, h.s);
  h.frame();
  CHECK(h.runs == 1);
  CHECK(h.last.sample.steps == 50);
  CHECK(h.last.sample.classIndex == -1);
  for (int i = 0; i < 24000 && h.e.sampling(); ++i) {
    h.frame();
    std::this_thread::sleep_for(5ms);
  }
  h.frame();
  h.frame();
  CHECK(h.runs == 1);  // the automatic run happens once
  REQUIRE(h.e.sampleA.frames.size() == 50);
  CHECK(h.panel.shownStep() == 49);
  CHECK(h.panel.following());
}
