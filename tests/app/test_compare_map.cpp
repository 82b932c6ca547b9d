// The difference heat map of `render compare` (app/compare/difference_map.h) on hand-worked
// values: equal pixels are black, a difference at or over the saturation is white, half of it
// is orange (red 1, green 0.5: the hot colour scale at t = 0.5), and the mean and maximum are
// over the channel-mean differences.
#include <doctest/doctest.h>

#include "app/compare/difference_map.h"

using namespace latentlab;

TEST_CASE("difference map: black where equal, white at saturation, the hot scale between") {
  // One channel, 1 x 3 pixels: differences 0, 1, 0.25.
  const float a[] = {0.f, 1.f, 0.25f}, b[] = {0.f, 0.f, 0.5f};
  DifferenceMap m = differenceMap(a, b, 1, 1, 3, 0.5);
  REQUIRE(m.heat.width == 3);
  REQUIRE(m.heat.height == 1);
  REQUIRE(m.heat.channels == 3);
  const uint8_t* p0 = m.heat.at(0, 0);
  const uint8_t* p1 = m.heat.at(1, 0);
  const uint8_t* p2 = m.heat.at(2, 0);
  CHECK((p0[0] == 0 && p0[1] == 0 && p0[2] == 0));
  CHECK((p1[0] == 255 && p1[1] == 255 && p1[2] == 255));
  CHECK((p2[0] == 255 && p2[1] == 128 && p2[2] == 0));  // t = 0.25 / 0.5: r = 1, g = 3 * 0.5 - 1 = 0.5
  CHECK(m.meanAbs == doctest::Approx(1.25 / 3));
  CHECK(m.maxAbs == doctest::Approx(1.0));

  // Three channels: the per-pixel difference is their mean.
  const float c[] = {0.f, 0.f, 0.f}, d[] = {0.3f, 0.f, 0.f};
  DifferenceMap n = differenceMap(c, d, 3, 1, 1, 0.5);
  CHECK(n.maxAbs == doctest::Approx(0.1));
  CHECK(n.meanAbs == doctest::Approx(0.1));
  DifferenceMap same = differenceMap(a, a, 1, 1, 3, 0.5);
  CHECK(same.maxAbs == 0);
  for (uint8_t v : same.heat.pixels) CHECK(v == 0);
}
