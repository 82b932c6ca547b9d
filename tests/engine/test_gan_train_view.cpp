// The Train view's engine (engine/train/gan_live.h): 20 steps from a seed make D better on a
// fixed real batch, a seed replays the same run, "D only" leaves the generator as it was and
// "G only" leaves the discriminator, and the fixed grid is one image per (row, class).
#include <doctest/doctest.h>

#include <cmath>

#include "engine/data/dataset.h"
#include "engine/train/gan_live.h"
#include "engine/util/errors.h"

using namespace latentlab;

namespace {
const Dataset& smallTrain() {
  static Dataset d = [] {
    DatasetOptions o;
    o.limit = 512;
    return openDataset("fashion-mnist:train", o);
  }();
  return d;
}
GanLiveOptions smallOptions(uint64_t seed = 3) {
  GanLiveOptions o;
  o.batchSize = 32;
  o.seed = seed;
  o.gridPerClass = 2;
  return o;
}
bool sameImages(const std::vector<Image>& a, const std::vector<Image>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].pixels != b[i].pixels) return false;
  return true;
}
}  // namespace

TEST_CASE("20 steps from a seed lower D's loss on a fixed real batch, and the grid changes") {
  GanLive live(smallOptions(), &smallTrain());
  const double before = live.fixedBatchDLoss();
  // An untrained D is near chance: softplus(0) * 2 = ln 4 on both halves.
  CHECK(before == doctest::Approx(std::log(4.0)).epsilon(0.1));
  auto grid0 = live.renderGrid();
  for (int i = 0; i < 20; ++i) {
    GanLiveStats s = live.step();
    CHECK(s.step == i + 1);
    CHECK(std::isfinite(s.dLoss));
    CHECK(std::isfinite(s.gLoss));
    CHECK(s.dReal > 0);
    CHECK(s.dReal < 1);
  }
  const double after = live.fixedBatchDLoss();
  MESSAGE("D loss on the fixed batch: " << before << " -> " << after);
  CHECK(after < before - 0.05);
  auto grid20 = live.renderGrid();
  REQUIRE(grid20.size() == grid0.size());
  // "20 steps visibly change things": the mean absolute pixel change over the grid.
  double diff = 0;
  size_t count = 0;
  for (size_t i = 0; i < grid0.size(); ++i)
    for (size_t p = 0; p < grid0[i].pixels.size(); ++p, ++count)
      diff += std::abs(int(grid0[i].pixels[p]) - int(grid20[i].pixels[p]));
  CHECK(diff / double(count) > 5.0);  // of 255
}

TEST_CASE("a seed replays the same run; another seed does not") {
  GanLive a(smallOptions(7), &smallTrain()), b(smallOptions(7), &smallTrain()), c(smallOptions(8), &smallTrain());
  for (int i = 0; i < 3; ++i) {
    GanLiveStats sa = a.step(), sb = b.step();
    c.step();
    CHECK(sa.dLoss == sb.dLoss);
    CHECK(sa.gLoss == sb.gLoss);
  }
  CHECK(sameImages(a.renderGrid(), b.renderGrid()));
  CHECK_FALSE(sameImages(a.renderGrid(), c.renderGrid()));
}

TEST_CASE("D only leaves the generator as it was; G only leaves the discriminator") {
  GanLive live(smallOptions(), &smallTrain());
  live.step();
  auto grid = live.renderGrid();
  const double d0 = live.fixedBatchDLoss();
  GanLiveStats s = live.step(GanStepKind::Discriminator);
  CHECK(std::isfinite(s.dLoss));
  CHECK(std::isnan(s.gLoss));
  CHECK(sameImages(grid, live.renderGrid()));
  CHECK(live.fixedBatchDLoss() != d0);

  // G only: D's output on the fixed real images stays; the generated images move.
  const double dRealBefore = live.fixedBatchDLoss();
  s = live.step(GanStepKind::Generator);
  CHECK(std::isnan(s.dLoss));
  CHECK(std::isfinite(s.gLoss));
  CHECK_FALSE(sameImages(grid, live.renderGrid()));
  CHECK(live.fixedBatchDLoss() != dRealBefore);  // same D, different fakes
  CHECK(live.steps() == 3);
}

TEST_CASE("the fixed grid has one column per class and the asked rows; bad options are refused") {
  GanLive live(smallOptions(), &smallTrain());
  CHECK(live.numClasses() == 10);
  CHECK(live.gridColumns() == 10);
  CHECK(live.gridRows() == 2);
  auto grid = live.renderGrid();
  REQUIRE(grid.size() == 20);
  CHECK(grid[0].width == 28);
  CHECK(grid[0].channels == 1);

  GanLiveOptions bad = smallOptions();
  bad.optimizer = "lbfgs";
  CHECK_THROWS_AS(GanLive(bad, &smallTrain()), UsageError);
  bad = smallOptions();
  bad.batchSize = 1000;  // more than the 512 images
  CHECK_THROWS_AS(GanLive(bad, &smallTrain()), BadInput);
  CHECK_THROWS_AS(live.setLearningRates(0, 1e-3), UsageError);
}
