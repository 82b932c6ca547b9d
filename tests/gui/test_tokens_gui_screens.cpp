// Real window under Xvfb with the bundled fashion-vq: a session asks the Tokens view for seed
// 3's Sneaker grid with its first 30 tokens shown. The screenshot shows 30 coloured token cells
// and 19 empty ones (in raster order), the decoded picture beside them (a shape, not a flat
// box), and the Next token bars for token 31. The PNG stays in build/tests/tmp for a person
// to look at.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/data/image_io.h"
#include "test_support.h"

using namespace latentlab;
using nlohmann::json;

namespace {
double spread(const Image& shot, const std::vector<float>& r) {
  double s = 0, s2 = 0, n = 0;
  for (int y = int(r[1]); y < int(r[1] + r[3]) && y < shot.height; ++y)
    for (int x = int(r[0]); x < int(r[0] + r[2]) && x < shot.width; ++x) {
      const uint8_t* p = shot.at(x, y);
      double v = (double(p[0]) + p[1] + p[2]) / 3.0;
      s += v, s2 += v * v, n += 1;
    }
  if (n == 0) return 0;
  return std::sqrt(std::max(0.0, s2 / n - (s / n) * (s / n)));
}
}  // namespace

TEST_CASE("screenshot of fashion-vq: 30 of 49 tokens drawn, their picture, the next-token bars") {
  std::string dir = test::tempDir("tokens-shot");
  json session = {{"format", "latentlab-session/1"},
                  {"model", test::sourcePath("assets/models/fashion-vq")},
                  {"data", "fashion-mnist:test"},
                  {"device", "cpu"},
                  {"panels", {{"tokens", {{"class", 7}, {"seed", 3}, {"steps", 30}}}}}};
  test::writeText(dir + "/s.json", session.dump(2));
  auto r = test::runCommand("xvfb-run -a -s \"-screen 0 1600x1000x24\" " + std::string(LATENTLAB_BIN) + " --session " +
                            dir + "/s.json --screenshot " + dir + "/tokens.png");
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
    bool dark = std::abs(int(p[0]) - 30) < 12 && std::abs(int(p[1]) - 30) < 12 && std::abs(int(p[2]) - 36) < 12;
    if (!dark) ++coloured;
    if (dark && firstEmpty < 0) firstEmpty = i;
  }
  CHECK(coloured == 30);
  CHECK(firstEmpty == 30);
  MESSAGE("grey-level spread: picture " << spread(shot, image) << ", bars " << spread(shot, bars));
  CHECK(spread(shot, image) > 20);  // part of a sneaker on black, not an empty box
  CHECK(spread(shot, bars) > 10);   // bars and their code pictures
}
