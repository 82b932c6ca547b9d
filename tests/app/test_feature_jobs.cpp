// The FeatureJobs hook (app/feature_jobs.h) that steering, maps, tokens and GAN views use:
// a result reaches its callback on poll(); a failure arrives as an error, not a crash; a
// newer request for the same slot replaces the older one (its callback never runs); a job
// asked under an older model is dropped when a new model has loaded meanwhile.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "app/engine_client.h"
#include "app_test_support.h"
#include "engine/tokens/token_model.h"
#include "engine/util/errors.h"

using namespace latentlab;

TEST_CASE("feature jobs: value, error, latest wins") {
  EngineClient e(1);
  AppState s;
  int got = -1;
  e.run(Worker::Background, "test/value", [](JobContext&) { return std::any(41 + 1); },
        [&](FeatureOutcome& o) { got = std::any_cast<int>(o.value); });
  REQUIRE(test::pollUntil(e, s, [&] { return got != -1; }));
  CHECK(got == 42);

  std::string error;
  e.run(Worker::Interactive, "test/error", [](JobContext&) -> std::any { throw BadInput("latents.npy: shape 3 x 5, expected N x 16"); },
        [&](FeatureOutcome& o) { error = o.error; CHECK(!o.value.has_value()); });
  REQUIRE(test::pollUntil(e, s, [&] { return !error.empty(); }));
  CHECK(error.find("expected N x 16") != std::string::npos);
  CHECK(!e.takeErrors().empty());

  // The first job blocks until cancelled; the second request for its slot replaces it.
  std::atomic<bool> started{false};
  int firstCalls = 0, second = 0;
  e.run(Worker::Background, "test/slot", [&](JobContext& ctx) {
          started = true;
          while (!ctx.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
          return std::any(1);
        },
        [&](FeatureOutcome&) { ++firstCalls; });
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  e.run(Worker::Background, "test/slot", [](JobContext&) { return std::any(2); },
        [&](FeatureOutcome& o) { second = std::any_cast<int>(o.value); });
  REQUIRE(test::pollUntil(e, s, [&] { return second == 2 && e.idle(); }));
  CHECK(firstCalls == 0);
}

TEST_CASE("feature jobs: a result of an older model is dropped") {
  EngineClient e(1);
  AppState s;
  test::loadBundled(e, s, "fashion-vae-2");
  std::atomic<bool> release{false};
  int calls = 0;
  e.run(Worker::Interactive, "test/old", [&](JobContext&) {
          while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
          return std::any(1);
        },
        [&](FeatureOutcome&) { ++calls; });
  uint64_t before = e.generation();
  test::loadBundled(e, s, "fashion-vae-16");
  REQUIRE(e.generation() != before);
  release = true;
  REQUIRE(test::pollUntil(e, s, [&] { return e.idle(); }));
  CHECK(calls == 0);
  CHECK(e.droppedOld() >= 1);
  CHECK(e.exploreModel() != nullptr);
}

TEST_CASE("a kind the window has no views for says it opens on the command line only") {
  EngineClient e(1);
  AppState s;
  e.loadModel(test::sourcePath("assets/models/fashion-classifier"), "cpu");
  REQUIRE(test::pollUntil(e, s, [&] { return !e.loading(); }));
  CHECK(e.exploreModel() == nullptr);
  CHECK(e.modelError.find("opens on the command line only") != std::string::npos);
}

TEST_CASE("a token model opens as a TokenModel and, for steering, its code-vector latent face") {
  EngineClient e(1);
  AppState s;
  e.loadModel(test::sourcePath("assets/models/fashion-vq"), "cpu");
  e.encodeData("fashion-mnist:test");
  REQUIRE(test::pollUntil(e, s, [&] { return !e.loading() && e.idle(); }));
  CHECK(e.modelError.empty());
  CHECK(e.dataError.empty());
  REQUIRE(e.tokenModel() != nullptr);
  CHECK(e.tokenModel()->length() == 49);
  // Since the token model is steerable (issue 10), its VQ-VAE is also opened through the latent
  // face: the 7 x 7 x 32 grid of code vectors, and the data set is encoded for the map.
  REQUIRE(e.exploreModel() != nullptr);
  CHECK(e.exploreModel()->info().latentDim == 7 * 7 * 32);
  CHECK(e.points().count() == 10000);
}
