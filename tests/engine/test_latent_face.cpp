// The latent face (engine/explore/explorer.h) over every kind with a latent: a GAN opens
// through ExploreModel, decodes per-row classes exactly as an independent PyTorch generator
// (tools/reference/gan_generate.py) does, samples its prior deterministically, and makes a
// map of prior samples labelled by class whose decoded images the project classifier
// recognises as those classes. Autoencoders keep their encoder; bad class ids and encoder
// calls on a GAN are one-line BadInputs.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "engine/data/image_tensor.h"
#include "engine/data/npy.h"
#include "engine/data/npy_tensor.h"
#include "engine/explore/explorer.h"
#include "engine/models/conv_classifier.h"
#include "engine/util/errors.h"
#include "engine/util/json_strict.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
const std::string kGan = t::sourcePath("assets/models/fashion-gan");
const std::string kVae = t::sourcePath("assets/models/fashion-vae-16");
const std::string kLdm = t::sourcePath("assets/models/fashion-ldm");
}  // namespace

TEST_CASE("a GAN opens through the latent face with its classes, prior and recommended truncation") {
  torch::set_num_threads(1);
  auto m = ExploreModel::load(kGan, "cpu");
  auto mf = readJsonFile(kGan + "/model.json");
  const ModelInfo& i = m->info();
  CHECK(i.kind == "gan");
  CHECK_FALSE(i.hasEncoder);
  CHECK(i.conditional == mf["conditioning"]["num_classes"].get<int>());
  CHECK(i.conditional == 10);
  CHECK(i.latentDim == mf["latent"]["shape"][0].get<int>());
  CHECK(i.prior == "normal");
  CHECK(i.truncation == doctest::Approx(mf.value("truncation", 1.0)));
  CHECK(i.classes.size() == 10);
  CHECK(i.parameterCount > 1000);

  auto vae = ExploreModel::load(kVae, "cpu");
  CHECK(vae->info().hasEncoder);
  CHECK(vae->info().conditional == 0);
  auto ldm = ExploreModel::load(kLdm, "cpu");  // its VAE's latent
  CHECK(ldm->info().hasEncoder);
  CHECK(ldm->info().latentDim == 16);
}

TEST_CASE("GAN decodes with one class per row match an independent PyTorch generator") {
  torch::set_num_threads(1);
  auto m = ExploreModel::load(kGan, "cpu");
  const int n = 12, d = m->info().latentDim;
  auto z = m->priorSample(n, 5, 1.0);
  std::vector<int> classes(n);
  for (int k = 0; k < n; ++k) classes[size_t(k)] = (k * 7) % 10;
  std::string tmp = t::tempDir("latent_face");
  auto zt = torch::from_blob(z.data(), {n, d}, torch::kFloat32).clone();
  writeTensorNpy(tmp + "/z.npy", zt);
  writeTensorNpy(tmp + "/c.npy", torch::tensor(std::vector<int64_t>(classes.begin(), classes.end()), torch::kLong));
  auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/gan_generate.py") + " " +
                         kGan + " " + tmp + "/z.npy " + tmp + "/c.npy 1.0 " + tmp + "/ref.npy");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto ref = tensorToImages(npyToTensor(readNpy(tmp + "/ref.npy")));
  auto ours = m->decodeBatch(z, n, classes);
  REQUIRE(ours.size() == ref.size());
  for (int k = 0; k < n; ++k) {
    CAPTURE(k);
    REQUIRE(ours[size_t(k)].pixels.size() == ref[size_t(k)].pixels.size());
    int worst = 0;  // uint8 images of float outputs agreeing to 1e-4: at most one level apart
    for (size_t p = 0; p < ours[size_t(k)].pixels.size(); ++p)
      worst = std::max(worst, std::abs(int(ours[size_t(k)].pixels[p]) - int(ref[size_t(k)].pixels[p])));
    CHECK(worst <= 1);
  }
  // -1 is class 0; one class for the whole batch is the same as that class per row.
  std::vector<float> z0(z.begin(), z.begin() + d);
  CHECK(m->decode(z0, -1).pixels == m->decode(z0, 0).pixels);
  CHECK(m->decode(z0, 3).pixels != m->decode(z0, 0).pixels);
  CHECK(m->decodeBatch(z, n, 4)[7].pixels == m->decodeBatch(z, n, std::vector<int>(n, 4))[7].pixels);
}

TEST_CASE("prior samples are seeded, N(0, I), and scaled by psi") {
  auto m = ExploreModel::load(kVae, "cpu");
  auto a = m->priorSample(2000, 9, 1.0), b = m->priorSample(2000, 9, 1.0), c = m->priorSample(2000, 10, 1.0);
  CHECK(a == b);
  CHECK(a != c);
  REQUIRE(a.size() == size_t(2000) * 16);
  double sum = 0, sq = 0;
  for (float v : a) sum += v, sq += double(v) * v;
  double mean = sum / a.size(), var = sq / a.size() - mean * mean;
  // 32,000 standard normal values: the mean's standard error is 0.0056, the variance's 0.008.
  CHECK(std::fabs(mean) < 0.03);
  CHECK(std::fabs(var - 1.0) < 0.04);
  auto half = m->priorSample(2000, 9, 0.5);
  for (size_t k = 0; k < a.size(); k += 97) CHECK(half[k] == doctest::Approx(0.5 * a[k]));
  auto gan = ExploreModel::load(kGan, "cpu");
  auto rec = gan->priorSample(10, 1, -1), full = gan->priorSample(10, 1, 1.0);
  CHECK(rec[3] == doctest::Approx(full[3] * gan->info().truncation));
}

TEST_CASE("a GAN's map: prior samples labelled by class in blocks, decoded as those classes") {
  torch::set_num_threads(1);
  auto m = ExploreModel::load(kGan, "cpu");
  const int64_t n = 300;
  auto set = m->encodePrior(n, 3);
  CHECK(set.count == n);
  CHECK(set.dim == m->info().latentDim);
  CHECK(set.dataSpec == "prior:3");
  CHECK(set.classNames == m->info().classes);
  std::vector<int> perClass(10, 0);
  for (int64_t k = 0; k < n; ++k) {
    int l = set.labels[size_t(k)];
    REQUIRE(l >= 0);
    REQUIRE(l < 10);
    if (k > 0) CHECK(l >= set.labels[size_t(k - 1)]);  // classes in order
    perClass[size_t(l)]++;
  }
  for (int c : perClass) CHECK(c == 30);
  // The recommended truncation was applied: the same seed at psi 1 is the set divided by psi.
  auto full = m->priorSample(n, 3, 1.0);
  CHECK(set.z[17] == doctest::Approx(full[17] * m->info().truncation));

  Dataset data = m->decodeSet(set);
  CHECK(data.count == n);
  CHECK(data.labels.size() == size_t(n));
  CHECK(data.image(42).pixels == m->decode(set.latent(42), set.labels[42]).pixels);
  // The project classifier recognises the decoded map images as their labels (the bundled
  // GAN scores 0.95 class accuracy at its recommended psi, assets/README.md).
  auto clf = loadClassifierBundle(t::sourcePath("assets/models/fashion-classifier"));
  torch::NoGradGuard ng;
  auto logits = clf->model->forward(datasetToTensor(data, 0, n));
  auto labels = torch::tensor(std::vector<int64_t>(data.labels.begin(), data.labels.end()), torch::kLong);
  CHECK(classAccuracy(logits, labels) > 0.85);
}

TEST_CASE("wrong uses of the face are one-line BadInputs") {
  auto gan = ExploreModel::load(kGan, "cpu");
  std::vector<float> z(size_t(gan->info().latentDim), 0.f);
  CHECK_THROWS_AS(gan->decode(z, 10), BadInput);
  CHECK_THROWS_AS(gan->decode(z, -2), BadInput);
  Dataset fake;
  CHECK_THROWS_WITH_AS(gan->encode(fake), doctest::Contains("no encoder"), BadInput);
  CHECK_THROWS_AS(gan->reconstruct(Image(28, 28, 1)), BadInput);
  CHECK_THROWS_AS(gan->decodeBatch(z, 1, std::vector<int>{1, 2}), BadInput);
  CHECK_THROWS_WITH_AS(ExploreModel::load(t::sourcePath("assets/models/fashion-classifier"), "cpu"),
                       doctest::Contains("no latent"), BadInput);
  // An unconditioned decoder ignores the class id.
  auto vae = ExploreModel::load(kVae, "cpu");
  std::vector<float> zv(16, 0.3f);
  CHECK(vae->decode(zv, 5).pixels == vae->decode(zv).pixels);
}

TEST_CASE("the first linear layer on the latent: the VAE's dec_fc1 and the GAN's fc latent columns") {
  auto vae = ExploreModel::load(kVae, "cpu");
  auto w = vae->firstLinearWeight();
  CHECK(w.cols == 16);
  CHECK(w.rows == readJsonFile(kVae + "/model.json")["autoencoder"]["config"]["hidden"].get<int>());
  CHECK(w.values.size() == size_t(w.rows) * w.cols);
  auto gan = ExploreModel::load(kGan, "cpu");
  auto g = gan->firstLinearWeight();
  CHECK(g.cols == gan->info().latentDim);
  CHECK(g.rows > 0);
}
