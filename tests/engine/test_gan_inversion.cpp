// GAN inversion (engine/latent/gan_inversion.h) on the bundled fashion-gan: the reconstruction
// error falls monotonically on average over 10 test images, the returned image is what the
// bundle's own generator makes of the returned z, Cancel stops it between steps, the class
// search tries every class, and a wrong-sized image is refused with a message.
#include <doctest/doctest.h>

#include <torch/torch.h>

#include <atomic>

#include "engine/data/dataset.h"
#include "engine/data/image_tensor.h"
#include "engine/latent/gan_inversion.h"
#include "engine/models/gan_bundle.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;

namespace {
std::string ganDir() { return test::sourcePath("assets/models/fashion-gan"); }
const Dataset& testImages() {
  static Dataset d = [] {
    DatasetOptions o;
    o.limit = 10;
    return openDataset("fashion-mnist:test", o);
  }();
  return d;
}
double mse(const Image& a, const Image& b) {
  double s = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    double d = (double(a.pixels[i]) - double(b.pixels[i])) / 255.0;
    s += d * d;
  }
  return s / double(a.pixels.size());
}
}  // namespace

TEST_CASE("inversion lowers the reconstruction error monotonically on average over 10 test images") {
  auto inv = GanInverter::load(ganDir());
  auto gan = loadGanBundle(ganDir());
  GanInversionOptions o;
  o.steps = 60;
  const int every = 5;  // the average curve is compared at every 5th step
  std::vector<double> mean(size_t(o.steps) + 1, 0.0);
  const Dataset& d = testImages();
  for (int64_t i = 0; i < d.count; ++i) {
    o.classIndex = int(d.label(i));
    GanInversionResult r = inv->invert(d.image(i), o);
    REQUIRE(r.mseCurve.size() == size_t(o.steps) + 1);
    for (size_t k = 0; k < r.mseCurve.size(); ++k) mean[k] += r.mseCurve[k] / double(d.count);
    CHECK(r.classIndex == o.classIndex);
    // The returned image is the bundle's generator on the returned z (psi 1), and its error
    // is the reported one (up to 8-bit rounding).
    REQUIRE(r.z.size() == size_t(gan->latentDim()));
    auto z = torch::tensor(r.z).reshape({1, -1});
    Image again = tensorToImages(gan->generate(z, torch::full({1}, int64_t(r.classIndex), torch::kLong), 1.0))[0];
    CHECK(mse(again, r.image) < 1e-4);
    CHECK(mse(r.image, d.image(i)) == doctest::Approx(r.mse).epsilon(0.05));
  }
  for (size_t k = every; k < mean.size(); k += every) CHECK(mean[k] <= mean[k - every]);
  MESSAGE("mean MSE: step 0 " << mean[0] << ", 30 " << mean[30] << ", 60 " << mean[60]);
  CHECK(mean.back() < 0.6 * mean.front());
}

TEST_CASE("inversion stops on Cancel between steps") {
  auto inv = GanInverter::load(ganDir());
  std::atomic<bool> flag{false};
  GanInversionOptions o;
  o.steps = 1000;
  o.classIndex = 0;
  o.reportEvery = 1;
  int calls = 0, callsAfterCancel = 0;
  auto progress = [&](const GanInversionProgress& p) {
    if (flag) ++callsAfterCancel;
    if (++calls == 10) flag = true;
    CHECK(p.image.width == 28);
  };
  CHECK_THROWS_AS(inv->invert(testImages().image(0), o, progress, CancelToken{&flag}), Cancelled);
  CHECK(calls == 10);
  CHECK(callsAfterCancel == 0);
}

TEST_CASE("without a class every class is tried and the best is kept; bad input is refused") {
  auto inv = GanInverter::load(ganDir());
  GanInversionOptions o;
  o.steps = 5;
  o.searchSteps = 3;
  std::vector<int> tried;
  int lastStep = -1;
  auto progress = [&](const GanInversionProgress& p) {
    if (p.searching && (tried.empty() || tried.back() != p.classIndex)) tried.push_back(p.classIndex);
    CHECK(p.step >= lastStep);
    lastStep = p.step;
    CHECK(p.steps == 10 * 3 + 5);
  };
  GanInversionResult r = inv->invert(testImages().image(1), o, progress);
  CHECK(tried == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(r.classIndex >= 0);
  CHECK(r.classIndex < 10);
  CHECK(lastStep == 35);

  Image wrong(32, 32, 1);
  CHECK_THROWS_AS(inv->invert(wrong, o), BadInput);
  o.classIndex = 10;
  CHECK_THROWS_AS(inv->invert(testImages().image(0), o), BadInput);
  CHECK_THROWS_AS(GanInverter::load(test::sourcePath("assets/models/fashion-vae-2")), BadInput);
}
