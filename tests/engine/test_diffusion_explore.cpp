// The GUI's diffusion facade (DiffusionSampler) beyond plain sampling: a run started from a
// recorded step ends exactly where the uninterrupted run ends (for a variance-preserving
// sampler and for Euler, whose state has its own scaling); forward noising follows
// q(x_t | x_0) = sqrt(a) x0 + sqrt(1 - a) noise with one fixed noise for every t; the
// schedule the panel plots is the engine's; the timesteps a run visits are diffusers'. Uses the bundled fashion-ldm (latent diffusion).
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/data/dataset.h"
#include "engine/explore/diffusion_sampling.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;

namespace {

std::shared_ptr<DiffusionSampler> ldm() {
  return DiffusionSampler::load(test::sourcePath("assets/models/fashion-ldm"), "cpu");
}

std::vector<SampleFrame> runAll(DiffusionSampler& s, const SampleRequest& r) {
  std::vector<SampleFrame> frames;
  s.sample(r, [&](const SampleFrame& f) { frames.push_back(f); });
  return frames;
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, double(std::abs(a[i] - b[i])));
  return m;
}

}  // namespace

TEST_CASE("a run started from a recorded step ends where the whole run ends") {
  auto s = ldm();
  const DiffusionInfo& info = s->info();
  CHECK(info.sampleSize == 16);
  CHECK(info.latentDim == 16);
  CHECK(info.alphaBars.size() == size_t(info.maxSteps));
  for (const char* sampler : {"ddim", "euler"}) {
    CAPTURE(sampler);
    SampleRequest r;
    r.seed = 11;
    r.classIndex = 3;
    r.sampler = sampler;
    r.steps = 12;
    auto whole = runAll(*s, r);
    REQUIRE(whole.size() == 12);
    for (auto& f : whole) {
      CHECK(f.state.size() == 16);
      CHECK(f.latent.size() == 16);
      CHECK(f.latentX0.size() == 16);
    }
    SampleRequest branch = r;
    branch.startIndex = 5;
    branch.startXt = whole[4].state;
    auto rest = runAll(*s, branch);
    REQUIRE(rest.size() == 7);
    CHECK(rest.front().index == 5);
    CHECK(rest.front().timestep == whole[5].timestep);
    CHECK(maxAbsDiff(rest.back().state, whole.back().state) < 1e-5);
    CHECK(rest.back().x0.pixels == whole.back().x0.pixels);

    // From the same step with another class the end differs: the branch really re-runs.
    branch.classIndex = 8;
    auto other = runAll(*s, branch);
    CHECK(maxAbsDiff(other.back().state, whole.back().state) > 0.1);
  }
}

TEST_CASE("starting from a recorded step refuses what cannot line up") {
  auto s = ldm();
  SampleRequest r;
  r.steps = 10;
  r.startIndex = 3;
  CHECK_THROWS_AS(s->sample(r, {}), BadInput);  // no x_t
  r.startXt = std::vector<float>(15, 0.f);
  CHECK_THROWS_AS(s->sample(r, {}), BadInput);  // wrong size
  r.startXt = std::vector<float>(16, 0.f);
  r.startIndex = 10;
  CHECK_THROWS_AS(s->sample(r, {}), BadInput);  // past the last step
  r.startIndex = 3;
  r.startXt[2] = std::nanf("");
  CHECK_THROWS_AS(s->sample(r, {}), BadInput);  // not finite
}

TEST_CASE("forward noising is sqrt(a) x0 + sqrt(1 - a) noise with one noise for every t") {
  auto s = ldm();
  const DiffusionInfo& info = s->info();
  Dataset data = openDataset("fashion-mnist:test");
  Image img = data.image(3);
  NoisedImage clean = s->forwardNoise(img, -1, 5);
  CHECK(clean.alphaBar == 1.0);
  REQUIRE(clean.latent.size() == 16);
  NoisedImage a = s->forwardNoise(img, 200, 5);
  NoisedImage b = s->forwardNoise(img, 700, 5);
  CHECK(a.alphaBar == doctest::Approx(info.alphaBars[200]).epsilon(1e-12));
  CHECK(b.alphaBar == doctest::Approx(info.alphaBars[700]).epsilon(1e-12));
  CHECK(a.alphaBar > b.alphaBar);
  // Recover the (scaled) noise from t = 200 and predict t = 700 from it.
  double sa = std::sqrt(a.alphaBar), na = std::sqrt(1 - a.alphaBar);
  double sb = std::sqrt(b.alphaBar), nb = std::sqrt(1 - b.alphaBar);
  double worst = 0, spread = 0;
  for (size_t i = 0; i < 16; ++i) {
    double noise = (a.latent[i] - sa * clean.latent[i]) / na;
    double predicted = sb * clean.latent[i] + nb * noise;
    worst = std::max(worst, std::abs(predicted - b.latent[i]));
    spread = std::max(spread, std::abs(noise));
  }
  CHECK(worst < 1e-4);
  CHECK(spread > 0.1);  // there is noise at all
  // Another seed, another noise; the same seed, the same picture.
  CHECK(s->forwardNoise(img, 700, 6).latent != b.latent);
  CHECK(s->forwardNoise(img, 700, 5).image.pixels == b.image.pixels);
  CHECK(b.image.width == 28);
  CHECK_THROWS_AS(s->forwardNoise(img, info.maxSteps, 5), BadInput);
  CHECK_THROWS_AS(s->forwardNoise(Image(14, 14, 1), 10, 5), BadInput);
}

namespace {

// The timesteps diffusers' DDIMScheduler.set_timesteps visits, written here from its
// formulas and the bundle's own model.json (not from the engine): numpy rounds half to
// even, as std::nearbyint does in the default rounding mode.
std::vector<int64_t> diffusersTimesteps(const nlohmann::json& sched, int steps) {
  const int64_t T = sched.at("num_train_timesteps").get<int64_t>();
  const std::string spacing = sched.value("timestep_spacing", "leading");
  const int64_t offset = sched.value("steps_offset", int64_t(0));
  std::vector<int64_t> ts;
  for (int i = 0; i < steps; ++i) {
    if (spacing == "trailing") {  // round(arange(T, 0, -T / steps)) - 1
      ts.push_back(int64_t(std::nearbyint(double(T) - double(i) * double(T) / steps)) - 1);
    } else if (spacing == "leading") {  // (arange(0, steps) * (T // steps))[::-1] + offset
      ts.push_back(int64_t(steps - 1 - i) * (T / steps) + offset);
    } else {  // linspace(0, T - 1, steps).round()[::-1]
      double x = steps > 1 ? double(steps - 1 - i) * double(T - 1) / double(steps - 1) : 0.0;
      ts.push_back(int64_t(std::nearbyint(x)));
    }
  }
  return ts;
}

}  // namespace

TEST_CASE("the panel's timesteps are the schedule's, descending, one per step") {
  auto s = ldm();
  auto manifest = nlohmann::json::parse(test::readText(test::sourcePath("assets/models/fashion-ldm/model.json")));
  const auto& sched = manifest.at("scheduler");
  REQUIRE(sched.at("timestep_spacing") == "trailing");  // the formula checked below
  // 25 divides 1000; 16 gives halves (937.5, 812.5) where rounding half to even matters;
  // 7 does not divide; 1 is a single step from pure noise.
  for (int steps : {25, 16, 7, 1}) {
    CAPTURE(steps);
    auto ts = s->timesteps(steps);
    CHECK(ts == diffusersTimesteps(sched, steps));
    REQUIRE(ts.size() == size_t(steps));
    for (size_t i = 1; i < ts.size(); ++i) CHECK(ts[i] < ts[i - 1]);
    CHECK(ts.front() == sched.at("num_train_timesteps").get<int64_t>() - 1);  // trailing starts at T - 1
    CHECK(ts.back() >= 0);
  }
  // Spot values from numpy (np.round(np.arange(1000, 0, -1000 / 16)) - 1).
  CHECK(s->timesteps(16)[1] == 937);
  CHECK(s->timesteps(16)[3] == 811);
  CHECK_THROWS_AS(s->timesteps(0), BadInput);
}
