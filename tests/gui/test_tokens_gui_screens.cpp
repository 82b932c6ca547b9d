// Real window under Xvfb with the bundled fashion-vq: a session asks the Tokens view for seed
// 3's Sneaker grid with its first 30 tokens shown. The screenshot shows 30 coloured token cells
// and 19 empty ones (in raster order), the decoded picture beside them (a shape, not a flat
// box), and the Next token bars for token 31. The PNG stays in build/tests/tmp for a person
// to look at.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "window_shot.h"

using namespace latentlab;
using nlohmann::json;

TEST_CASE("screenshot of fashion-vq: 30 of 49 tokens drawn, their picture, the next-token bars") {
  std::string dir = test::tempDir("tokens-shot");
  json session = {{"format", "latentlab-session/1"},
                  {"model", test::sourcePath("assets/models/fashion-vq")},
                  {"data", "fashion-mnist:test"},
                  {"device", "cpu"},
                  {"panels", {{"tokens", {{"class", 7}, {"seed", 3}, {"steps", 30}}}}}};
  test::writeText(dir + "/s.json", session.dump(2));
  auto r = test::screenshotSession(dir + "/s.json", dir + "/tokens.png");
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  Image shot = loadImageFile(dir + "/tokens.png");
  json side = json::parse(test::readText(dir + "/tokens.png.json"));
  REQUIRE(side.contains("tokens-grid"));
  REQUIRE(side.contains("tokens-image"));
  REQUIRE(side.contains("next-bars"));
  auto grid = side["tokens-grid"].get<std::vector<float>>();
  auto image = side["tokens-image"].get<std::vector<float>>();
  auto bars = side["next-bars"].get<std::vector<float>>();
  REQUIRE(grid[2] > 150);
  // A drawn cell is filled with its code's colour; an empty one is the dark background
  // (30, 30, 36) inside a grey outline. Read each cell a few pixels in from its corner.
  const float cell = grid[2] / 7.f;
  int coloured = 0, firstEmpty = -1;
  for (int i = 0; i < 49; ++i) {
    int x = int(grid[0] + cell * float(i % 7) + 5), y = int(grid[1] + cell * float(i / 7) + 5);
    const uint8_t* p = shot.at(x, y);
    bool dark = std::abs(int(p[0]) - 30) < 12 && std::abs(int(p[1]) - 30) < 12 &&
                std::abs(int(p[2]) - 36) < 12;
    if (!dark) ++coloured;
    if (dark && firstEmpty < 0) firstEmpty = i;
  }
  CHECK(coloured == 30);
  CHECK(firstEmpty == 30);
  MESSAGE("grey-level spread: picture " << test::greySpread(shot, image) << ", bars "
                                        << test::greySpread(shot, bars));
  CHECK(test::greySpread(shot, image) > 20);  // part of a sneaker on black, not an empty box
  CHECK(test::greySpread(shot, bars) > 10);   // bars and their code pictures
}
