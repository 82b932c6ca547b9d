// Real window under Xvfb with the bundled fashion-gan: a session that asks the Train view to
// replay 30 steps from seed 1 and the Seed grid to sit at seed 7. The screenshot shows the map
// of 10,000 generated samples, a seed grid of distinct generated images, and the Train view's
// grid of a GAN 30 steps into training (not blank, not one flat colour); the sidecar says the
// Train view got its 30 steps. The PNGs stay in build/tests/tmp for a person to look at.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "window_shot.h"

using namespace latentlab;
using nlohmann::json;

TEST_CASE("screenshot of fashion-gan: map of samples, seed grid, Train view after 30 steps") {
  std::string dir = test::tempDir("gan-shot");
  json session = {{"format", "latentlab-session/1"},
                  {"model", test::sourcePath("assets/models/fashion-gan")},
                  {"data", "fashion-mnist:test"},
                  {"device", "cpu"},
                  {"panels",
                   {{"train", {{"open", true}, {"seed", 1}, {"steps", 30}}},
                    {"seeds", {{"open", true}, {"x", 7}, {"y", 0}}}}}};
  test::writeText(dir + "/s.json", session.dump(2));
  auto r = test::screenshotSession(dir + "/s.json", dir + "/gan.png");
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  Image shot = loadImageFile(dir + "/gan.png");
  json side = json::parse(test::readText(dir + "/gan.png.json"));
  CHECK(side["points"].get<int>() == 10000);
  REQUIRE(side.contains("seed-grid"));
  REQUIRE(side.contains("train-grid"));
  REQUIRE(side.contains("train-steps"));
  CHECK(side["train-steps"].get<std::vector<float>>()[2] == 30);  // (x, y, w = steps, h) record
  auto seeds = side["seed-grid"].get<std::vector<float>>();
  auto train = side["train-grid"].get<std::vector<float>>();
  CHECK(seeds[2] > 100);
  CHECK(train[2] > 100);
  MESSAGE("grey-level spread: seed grid " << test::greySpread(shot, seeds) << ", train grid "
                                          << test::greySpread(shot, train));
  CHECK(test::greySpread(shot, seeds) > 20);  // clothes on black, not an empty box
  CHECK(test::greySpread(shot, train) > 8);   // a 30-step GAN's pictures: blotchy, but pictures
}
