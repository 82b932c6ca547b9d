// Seed interpolation for diffusion models (issue 10): the starting noise a seed draws can be
// read (DiffusionSampler::startingNoise) and passed back (SampleRequest::startNoise); a run
// from seed A's noise is seed A's run, whatever the request's own seed (DDIM, eta 0, no step
// noise), and a slerp between two seeds' noises keeps near the noise's norm where lerp shrinks.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/explore/diffusion_sampling.h"
#include "engine/latent/latent_path.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("a run from a seed's starting noise is that seed's run") {
  auto s = DiffusionSampler::load(t::sourcePath("assets/models/fashion-ldm"), "cpu");
  SampleRequest req;
  req.sampler = "ddim";
  req.steps = 6;
  req.classIndex = 7;
  req.seed = 3;
  Image plain = s->sample(req, nullptr);
  auto noise3 = s->startingNoise(3);
  CHECK(int64_t(noise3.size()) == s->info().sampleSize);
  CHECK(noise3 == s->startingNoise(3));
  CHECK(noise3 != s->startingNoise(4));
  SampleRequest other = req;
  other.seed = 99;
  Image seed99 = s->sample(other, nullptr);
  other.startNoise = noise3;
  Image fromNoise = s->sample(other, nullptr);
  CHECK(fromNoise.pixels == plain.pixels);
  CHECK(seed99.pixels != plain.pixels);

  // Slerp between two seeds' noise stays near the noise's typical norm; lerp's midpoint shrinks
  // toward 0 (two nearly orthogonal draws: by about 1/sqrt(2)), which is why seeds are slerped.
  auto noise4 = s->startingNoise(4);
  auto norm = [](const std::vector<float>& v, size_t row, size_t n) {
    double q = 0;
    for (size_t i = 0; i < n; ++i) q += double(v[row * n + i]) * v[row * n + i];
    return std::sqrt(q);
  };
  const size_t n = noise3.size();
  auto sl = latentPath({noise3, noise4}, 5, {InterpMode::Slerp});
  auto li = latentPath({noise3, noise4}, 5, {InterpMode::Lerp});
  double ends = 0.5 * (norm(sl, 0, n) + norm(sl, 4, n));
  CHECK(std::fabs(norm(sl, 2, n) - ends) < std::fabs(norm(li, 2, n) - ends));
  CHECK(norm(li, 2, n) < ends);
  other.startNoise = std::vector<float>(3, 0.f);
  CHECK_THROWS_AS(s->sample(other, nullptr), BadInput);
}
