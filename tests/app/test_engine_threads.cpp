// Threads of the engine client: a run held by the Step button keeps nobody waiting (forward
// noising, cursor decodes, loading another model); one ExploreModel shared by two workers
// gives the same pictures as when each works alone; quitting never waits for a job that
// ignores cancellation, and no wake call happens after the wake was cleared.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <memory>

#include "app/engine_client.h"
#include "app_test_support.h"
#include "engine/explore/explorer.h"
#include "engine/jobs/job_runner.h"

using namespace latentlab;

namespace {
std::string bundled(const std::string& name) { return test::sourcePath("assets/models/" + name); }

bool waitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 12000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}
}  // namespace

TEST_CASE("a run held by Step keeps nobody waiting: forward noising, cursor decodes and a model load finish") {
  EngineClient e(1);
  AppState s;
  s.dataSpec = test::smallFashion();
  test::loadBundled(e, s, "fashion-ldm");
  e.encodeData(s.dataSpec);
  REQUIRE(test::pollUntil(e, s, [&] { return !e.encoding() && e.latents(); }));

  SampleRequest req;
  req.steps = 40;
  req.seed = 3;
  e.sample(req, 0, /*paused=*/true);
  REQUIRE(test::pollUntil(e, s, [&] { return e.sampleA.frames.size() == 1 && e.sampleA.gate->waiting(); }));

  e.forwardNoise(4, 500, 11, s.dataSpec);
  REQUIRE(test::pollUntil(e, s, [&] { return e.noised.index == 4; }));
  CHECK(e.noised.error.empty());
  CHECK(e.noised.t == 500);
  uint64_t decoded = e.cursorVersion;
  e.decodeCursor(std::vector<float>(16, 0.25f));
  REQUIRE(test::pollUntil(e, s, [&] { return e.cursorVersion != decoded; }));
  CHECK(!e.cursorImage.empty());
  // The run is still held where it was: nothing above waited for it, nor it for them.
  CHECK(e.samplePaused());
  CHECK(e.sampleA.sampling);
  CHECK(e.sampleA.frames.size() == 1);

  // A step still works after all that.
  e.stepSample();
  REQUIRE(test::pollUntil(e, s, [&] { return e.sampleA.frames.size() == 2 && e.sampleA.gate->waiting(); }));

  // Loading another model does not queue behind the held run either; the run is dropped.
  uint64_t generation = e.generation();
  e.loadModel(bundled("fashion-vae-2"), "cpu");
  REQUIRE(test::pollUntil(e, s, [&] { return !e.loading(); }));
  CHECK(e.modelError.empty());
  CHECK(e.generation() == generation + 1);
  CHECK(!e.sampling());
  CHECK(test::pollUntil(e, s, [&] { return e.idle(); }));
}

TEST_CASE("results of the previous model are dropped after a switch") {
  EngineClient e(1);
  AppState s;
  s.dataSpec = test::smallFashion();
  test::loadBundled(e, s, "fashion-vae-16");
  e.encodeData(s.dataSpec);
  REQUIRE(test::pollUntil(e, s, [&] { return !e.encoding() && e.latents(); }));
  // Ask the old model for work, then switch before looking at any result.
  e.decodeCursor(std::vector<float>(16, 0.5f));
  e.reconstruct(3);
  e.loadModel(bundled("fashion-vae-2"), "cpu");
  auto quiet = [](const JobRunner& r) { return !r.status().busy && r.status().queued == 0; };
  REQUIRE(waitFor([&] { return quiet(e.interactive()) && quiet(e.background()); }));
  uint64_t cursor = e.cursorVersion;
  REQUIRE(test::pollUntil(e, s, [&] { return !e.loading(); }));
  for (int i = 0; i < 5; ++i) e.poll(s);
  // Whatever the old model computed was never applied: no image of the 16-d decoder.
  CHECK(e.cursorImage.empty());
  CHECK(e.cursorLatent.empty());
  CHECK(e.selectedRecon.empty());
  CHECK(e.cursorVersion >= cursor);
  CHECK(e.latents() == nullptr);  // the new model's map is not encoded yet
}

TEST_CASE("one ExploreModel on two workers: decodes and a grid together give the same pictures as alone") {
  auto model = ExploreModel::load(bundled("fashion-vae-16"), "cpu");
  LatentPlane plane = axesPlane(16, 1, 4);
  std::vector<std::vector<float>> latents;
  for (int i = 0; i < 40; ++i) {
    std::vector<float> z(16);
    for (int d = 0; d < 16; ++d) z[size_t(d)] = float(std::sin(0.7 * i + 1.3 * d));
    latents.push_back(z);
  }
  JobRunner a("a", 1), b("b", 1);
  auto gridJob = [&](std::shared_ptr<std::vector<Image>> out) {
    return [model, plane, out](JobContext&) -> std::any {
      *out = model->decodeGrid(plane, -2, 2, -2, 2, 12);
      return 0;
    };
  };
  auto decodeJob = [&](std::shared_ptr<std::vector<Image>> out) {
    return [model, latents, out](JobContext&) -> std::any {
      for (int round = 0; round < 3; ++round)
        for (auto& z : latents) out->push_back(model->decode(z));
      return 0;
    };
  };
  auto gridAlone = std::make_shared<std::vector<Image>>(), decAlone = std::make_shared<std::vector<Image>>();
  a.submit("grid", gridJob(gridAlone));
  REQUIRE(waitFor([&] { return a.idle() || !a.takeResults().empty(); }));
  REQUIRE(waitFor([&] { return gridAlone->size() == 144; }));
  b.submit("decode", decodeJob(decAlone));
  REQUIRE(waitFor([&] { return decAlone->size() == 120; }));

  auto gridTogether = std::make_shared<std::vector<Image>>(), decTogether = std::make_shared<std::vector<Image>>();
  a.submit("grid", gridJob(gridTogether));
  b.submit("decode", decodeJob(decTogether));
  REQUIRE(waitFor([&] { return gridTogether->size() == 144 && decTogether->size() == 120; }));
  REQUIRE(waitFor([&] { return !a.status().busy && !b.status().busy; }));
  for (size_t i = 0; i < 144; ++i) CHECK((*gridTogether)[i].pixels == (*gridAlone)[i].pixels);
  for (size_t i = 0; i < 120; ++i) CHECK((*decTogether)[i].pixels == (*decAlone)[i].pixels);
  // And the grid's cells are the decodes of their latents (row 0 at the top, v = 2).
  CHECK((*gridAlone)[0].pixels == model->decode(plane.toLatent(-2, 2)).pixels);
  CHECK((*gridAlone)[143].pixels == model->decode(plane.toLatent(2, -2)).pixels);
}

TEST_CASE("quitting does not wait for a job that ignores cancel, and the wake is never called after") {
  auto finished = std::make_shared<std::atomic<bool>>(false);
  auto started = std::make_shared<std::atomic<bool>>(false);
  auto wakes = std::make_shared<std::atomic<int>>(0);
  auto runner = std::make_unique<JobRunner>("load", 1);
  runner->setWakeCallback([wakes] { ++*wakes; });
  runner->submit("load", [finished, started](JobContext&) -> std::any {
    started->store(true);
    // Like a model load inside LibTorch: it never looks at its cancel flag.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    finished->store(true);
    return 0;
  });
  REQUIRE(waitFor([&] { return started->load(); }));
  CHECK(!runner->shutdown(0.2));  // abandoned, not waited for
  CHECK(!finished->load());       // so shutdown returned while the job still ran
  runner.reset();                 // destroying the runner does not wait either
  CHECK(!finished->load());
  REQUIRE(waitFor([&] { return finished->load(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(*wakes == 0);  // the job ended after the wake was cleared: no call

  // A job that does stop when cancelled is joined: shutdown says all is clean.
  JobRunner r("stoppable", 1);
  auto seen = std::make_shared<std::atomic<bool>>(false);
  r.submit("encode", [seen](JobContext& ctx) -> std::any {
    seen->store(true);
    while (!ctx.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return 0;
  });
  REQUIRE(waitFor([&] { return seen->load(); }));
  CHECK(r.shutdown(5.0));
}
