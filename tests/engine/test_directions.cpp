// Attribute directions (engine/latent/directions.h): class directions move one class mean
// onto the other and their decoded endpoints are the intended classes for the project
// classifier between the pair's two classes (ten-way, only partly: see the first test); PCA and SeFa agree with numpy (tools/reference/directions_reference.py, run at
// test time on the same latents and on the weights read from the safetensors file); group
// directions separate their groups; orthogonalising keeps the other coordinates; sliders and
// saved edits add up; files round-trip and bad ones name the field; every registry entry
// makes unit directions that its spec makes again.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "engine/data/dataset.h"
#include "engine/data/image_tensor.h"
#include "engine/data/npy_tensor.h"
#include "engine/explore/explorer.h"
#include "engine/latent/directions.h"
#include "engine/models/conv_classifier.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
const std::string kVae = t::sourcePath("assets/models/fashion-vae-16");

struct Fixture {
  std::shared_ptr<ExploreModel> model;
  LatentSet set;
};
// 2,000 test images encoded once for the whole file.
Fixture& fixture() {
  static Fixture f = [] {
    torch::set_num_threads(1);
    Fixture x;
    x.model = ExploreModel::load(kVae, "cpu");
    DatasetOptions o;
    o.limit = 2000;
    x.set = x.model->encode(openDataset("fashion-mnist:test", o));
    return x;
  }();
  return f;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
  return s;
}
double dot(const std::vector<float>& a, const nlohmann::json& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i].get<double>();
  return s;
}
std::vector<float> classMean(const LatentSet& s, int c) {
  std::vector<double> m(size_t(s.dim), 0);
  int n = 0;
  for (int64_t i = 0; i < s.count; ++i)
    if (s.labels[size_t(i)] == c) {
      for (int k = 0; k < s.dim; ++k) m[size_t(k)] += s.row(i)[k];
      ++n;
    }
  std::vector<float> out(m.size());
  for (size_t k = 0; k < m.size(); ++k) out[k] = float(m[k] / n);
  return out;
}
}  // namespace

TEST_CASE("a class direction moves one class mean onto the other; decoded endpoints are those classes") {
  auto& f = fixture();
  auto clf = loadClassifierBundle(t::sourcePath("assets/models/fashion-classifier"));
  int good = 0, good10 = 0;
  for (int a = 0; a < 10; ++a) {
    int b = (a + 3) % 10;  // ten distinct ordered pairs
    CAPTURE(a);
    Direction d = classDirection(f.set, a, b);
    CHECK(d.name == "class:" + f.set.classNames[size_t(a)] + "->" + f.set.classNames[size_t(b)]);
    CHECK(std::sqrt(dot(d.vector, d.vector)) == doctest::Approx(1.0).epsilon(1e-6));
    auto ma = classMean(f.set, a), mb = classMean(f.set, b);
    // The slider at `score` sigma from mean A lands on mean B.
    auto moved = applySliders(ma, {d}, {d.score});
    for (int k = 0; k < f.set.dim; ++k) CHECK(moved[size_t(k)] == doctest::Approx(mb[size_t(k)]).epsilon(1e-4));
    // sigma is the pooled standard deviation of the projections (computed here from scratch).
    double ss = 0;
    int n = 0;
    for (int c : {a, b}) {
      auto m = classMean(f.set, c);
      for (int64_t i = 0; i < f.set.count; ++i)
        if (f.set.labels[size_t(i)] == c) {
          double p = dot(std::vector<float>(f.set.row(i), f.set.row(i) + f.set.dim), d.vector) - dot(m, d.vector);
          ss += p * p, ++n;
        }
    }
    CHECK(d.sigma == doctest::Approx(std::sqrt(ss / (n - 2))).epsilon(1e-5));
    torch::NoGradGuard ng;
    auto images = f.model->decodeBatch([&] {
      auto z = ma;
      z.insert(z.end(), moved.begin(), moved.end());
      return z;
    }(), 2);
    auto logits = clf->model->forward(imagesToTensor(images));
    auto pred = logits.argmax(1);
    // "A or B?": the evaluator's choice between the pair's two classes at each endpoint.
    bool startA = logits[0][a].item<float>() > logits[0][b].item<float>();
    bool endB = logits[1][b].item<float>() > logits[1][a].item<float>();
    if (startA && endB) ++good;
    if (pred[0].item<int64_t>() == a && pred[1].item<int64_t>() == b) ++good10;
  }
  MESSAGE("pairs with both decoded endpoints classified as intended: " << good << " / 10 between the pair's two classes, "
                                                                       << good10 << " / 10 among all ten");
  CHECK(good >= 8);
  // Ten-way (the evaluator's arg-max over all ten classes, as `latentlab eval` scores samples),
  // the issue's "8 of 10 pairs" is NOT met by this model's class means: the decoded means of
  // Coat, Sandal and Shirt (averages of several shapes: a blurred top, a blurred shoe) are
  // called Pullover (p 0.70), Ankle boot (p 0.60) and Pullover (p 0.91); their own class gets
  // p 0.27, 0.03, 0.06. A pair with one of them fails, so any fixed scheme in which every class
  // starts one pair and ends another (a -> a+k) passes at most 6 (k = 1); only pairs picked to
  // put the failing classes together could reach 8. These (a -> a+3) pairs pass 4. Measured 2026-11-29 with fashion-classifier (test
  // accuracy 0.918), the same bundle `latentlab eval` uses: the same 7 of 10 classes with
  // means over 2,000 or 10,000 test images or 2,000 or 60,000 training images; fashion-vae-2
  // decodes 6 of 10 means as their class (Dress, Coat, Sandal, Shirt fail); fashion-ldm's
  // autoencoder is fashion-vae-16 itself; fashion-gan has no encoder (its map's class means
  // are of prior samples, whose z does not depend on the class: they lie 0.3-0.4 sigma apart,
  // the chance distance of 1,000 N(0, I) draws per class in 64 dimensions). Moving every Coat, Sandal,
  // ... item by the means' difference instead passes 5 of these 10 pairs by majority. What
  // holds ten-way is asserted here: 7 of the 10 decoded class means are their own class, and
  // 4 of the 10 pairs pass.
  std::vector<float> means;
  for (int c = 0; c < 10; ++c) {
    auto m = classMean(f.set, c);
    means.insert(means.end(), m.begin(), m.end());
  }
  torch::NoGradGuard ng;
  auto own = clf->model->forward(imagesToTensor(f.model->decodeBatch(means, 10))).argmax(1);
  int ownRight = 0;
  for (int c = 0; c < 10; ++c) ownRight += own[c].item<int64_t>() == c;
  CHECK(ownRight >= 7);
  CHECK(good10 >= 4);

  // The ceiling of the ten-way criterion on this data and evaluator: the classes' own pixel
  // averages (the same 2,000 images, no model at all) are not all their class either — Coat,
  // Sandal and Shirt (and Dress over 10,000 images) are averages of several shapes. A decoder
  // that renders a class mean faithfully inherits that, whatever its latent: fashion-vq's class
  // means of code vectors, decoded as they are or snapped to the codebook, are the same 7 of 10
  // (measured in PyTorch, session 5). Asserted, so a change of data or evaluator shows here.
  DatasetOptions o;
  o.limit = 2000;
  Dataset data = openDataset("fashion-mnist:test", o);
  std::vector<std::vector<double>> sum(10);
  std::vector<int> count(10, 0);
  for (int64_t i = 0; i < data.count; ++i) {
    Image im = data.image(i);
    auto& acc = sum[size_t(data.label(i))];
    acc.resize(im.pixels.size(), 0.0);
    for (size_t k = 0; k < im.pixels.size(); ++k) acc[k] += im.pixels[k];
    ++count[size_t(data.label(i))];
  }
  std::vector<Image> pixelMeans;
  for (int c = 0; c < 10; ++c) {
    Image m(28, 28, 1);
    for (size_t k = 0; k < m.pixels.size(); ++k) m.pixels[k] = uint8_t(std::lround(sum[size_t(c)][k] / count[size_t(c)]));
    pixelMeans.push_back(m);
  }
  auto pixelPred = clf->model->forward(imagesToTensor(pixelMeans)).argmax(1);
  int pixelOwn = 0;
  for (int c = 0; c < 10; ++c) pixelOwn += pixelPred[c].item<int64_t>() == c;
  MESSAGE("pixel-space class means classified as their own class: " << pixelOwn << " / 10");
  CHECK(pixelOwn <= 7);
}

TEST_CASE("PCA and SeFa directions match numpy (orthonormal, variance shares, eigenvectors of W^T W)") {
  auto& f = fixture();
  std::string tmp = t::tempDir("directions");
  writeTensorNpy(tmp + "/z.npy", torch::from_blob(f.set.z.data(), {f.set.count, f.set.dim}, torch::kFloat32));
  auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/directions_reference.py") +
                         " " + tmp + "/z.npy " + kVae + "/vae.safetensors dec_fc1.weight 16");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto ref = nlohmann::json::parse(r.out);
  const int k = 16;
  auto pca = pcaDirections(f.set, k);
  REQUIRE(pca.size() == size_t(k));
  double shareSum = 0;
  for (int i = 0; i < k; ++i) {
    CAPTURE(i);
    CHECK(pca[size_t(i)].name == "pca:" + std::to_string(i));
    CHECK(pca[size_t(i)].score == doctest::Approx(ref["pca_share"][size_t(i)].get<double>()).epsilon(1e-5));
    shareSum += pca[size_t(i)].score;
    for (int j = 0; j < k; ++j)
      CHECK(dot(pca[size_t(i)].vector, pca[size_t(j)].vector) == doctest::Approx(i == j ? 1.0 : 0.0).epsilon(1e-5).scale(1));
    // Leading components are well separated here; the sign is a convention (numpy's is arbitrary).
    if (i < 6) CHECK(std::fabs(dot(pca[size_t(i)].vector, ref["pca_vectors"][size_t(i)])) > 1 - 1e-4);
  }
  CHECK(shareSum == doctest::Approx(1.0));

  auto w = f.model->firstLinearWeight();
  auto sefa = sefaDirections(w, 8);
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(sefa[size_t(i)].score == doctest::Approx(ref["sefa_values"][size_t(i)].get<double>()).epsilon(1e-5));
    CHECK(std::fabs(dot(sefa[size_t(i)].vector, ref["sefa_vectors"][size_t(i)])) > 1 - 1e-4);
    if (i > 0) CHECK(sefa[size_t(i)].score <= sefa[size_t(i - 1)].score);
  }
}

TEST_CASE("SeFa of the GAN's generator matches numpy on its fc layer's latent columns") {
  std::string gan = t::sourcePath("assets/models/fashion-gan");
  auto m = ExploreModel::load(gan, "cpu");
  std::string tmp = t::tempDir("directions_gan");
  writeTensorNpy(tmp + "/z.npy", torch::randn({20, 4}));  // PCA part unused here
  auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/directions_reference.py") +
                         " " + tmp + "/z.npy " + gan + "/generator.safetensors fc.weight " +
                         std::to_string(m->info().latentDim));
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto ref = nlohmann::json::parse(r.out);
  auto sefa = sefaDirections(m->firstLinearWeight(), 4);
  for (int i = 0; i < 4; ++i) {
    CAPTURE(i);
    CHECK(sefa[size_t(i)].score == doctest::Approx(ref["sefa_values"][size_t(i)].get<double>()).epsilon(1e-5));
    CHECK(std::fabs(dot(sefa[size_t(i)].vector, ref["sefa_vectors"][size_t(i)])) > 1 - 1e-4);
  }
}

TEST_CASE("a group direction separates the groups: known axis on blobs, and on two classes of real latents") {
  // Two Gaussian blobs 4 apart along axis 2 of 8: the normal is that axis.
  std::mt19937 rng(7);
  std::normal_distribution<float> g(0.f, 1.f);
  LatentSet s;
  s.dim = 8;
  s.count = 400;
  for (int64_t i = 0; i < s.count; ++i)
    for (int k = 0; k < 8; ++k) s.z.push_back(g(rng) + (k == 2 && i >= 200 ? 4.f : 0.f));
  std::vector<int64_t> a, b;
  for (int64_t i = 0; i < 200; ++i) a.push_back(i), b.push_back(i + 200);
  Direction d = groupDirection(s, a, b, "left", "right");
  CHECK(d.name == "groups:left->right");
  CHECK(d.vector[2] > 0.95f);  // points from A to B
  // Bayes accuracy of two unit Gaussians 4 apart is Phi(2) = 0.977.
  CHECK(d.score > 0.93);
  CHECK(d.score <= 1.0);

  // Trousers vs bags: the reported accuracy cannot beat the best threshold on its own normal.
  auto& f = fixture();
  std::vector<int64_t> ga, gb;
  for (int64_t i = 0; i < f.set.count; ++i) {
    if (f.set.labels[size_t(i)] == 1) ga.push_back(i);
    if (f.set.labels[size_t(i)] == 8) gb.push_back(i);
  }
  Direction r = groupDirection(f.set, ga, gb);
  std::vector<std::pair<double, int>> proj;
  for (auto i : ga) proj.push_back({dot(f.set.latent(i), r.vector), 0});
  for (auto i : gb) proj.push_back({dot(f.set.latent(i), r.vector), 1});
  std::sort(proj.begin(), proj.end());
  int onesAbove = int(gb.size()), zerosBelow = 0, best = onesAbove;
  for (auto& [p, y] : proj) {
    (y == 0 ? zerosBelow : onesAbove) += y == 0 ? 1 : -1;
    best = std::max(best, zerosBelow + onesAbove);
  }
  double bestAcc = double(best) / double(proj.size());
  CHECK(r.score > 0.97);
  CHECK(r.score <= bestAcc + 1e-9);
  CHECK_THROWS_AS(groupDirection(f.set, {1, 2}, {2, 3}), BadInput);
  CHECK_THROWS_AS(groupDirection(f.set, {}, {2, 3}), BadInput);
}

TEST_CASE("orthogonalising leaves the other directions' coordinates unchanged") {
  std::mt19937 rng(11);
  std::normal_distribution<float> g(0.f, 1.f);
  auto rnd = [&](int n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v) x = g(rng);
    return v;
  };
  const int dim = 16;
  std::vector<Direction> others(3);
  for (int i = 0; i < 3; ++i) {
    auto v = rnd(dim);
    double n = std::sqrt(dot(v, v));
    for (auto& x : v) x = float(x / n);
    others[size_t(i)].name = "o" + std::to_string(i);
    others[size_t(i)].vector = v;  // not orthogonal to each other
  }
  Direction d;
  d.name = "d";
  d.sigma = 2.0;
  d.vector = rnd(dim);
  Direction o = orthogonalized(d, others);
  CHECK(std::sqrt(dot(o.vector, o.vector)) == doctest::Approx(1.0));
  CHECK(dot(o.vector, d.vector) > 0);
  CHECK(o.sigma == 2.0);
  auto z = rnd(dim);
  auto moved = applySliders(z, {o}, {2.5});
  for (const auto& other : others) CHECK(dot(moved, other.vector) == doctest::Approx(dot(z, other.vector)).epsilon(1e-5));
  // The unorthogonalised direction does change them.
  auto plain = applySliders(z, {d}, {2.5});
  CHECK(std::fabs(dot(plain, others[0].vector) - dot(z, others[0].vector)) > 1e-3);
  // A direction inside the others' span has nothing left.
  Direction inside;
  inside.name = "inside";
  inside.vector.resize(dim);
  for (int k = 0; k < dim; ++k) inside.vector[size_t(k)] = others[0].vector[size_t(k)] - 0.5f * others[2].vector[size_t(k)];
  CHECK_THROWS_AS(orthogonalized(inside, others), BadInput);
}

TEST_CASE("sliders add up in sigma units; a saved edit repeats them at 1") {
  auto& f = fixture();
  auto pca = pcaDirections(f.set, 3);
  auto cls = classDirection(f.set, 7, 9);
  std::vector<Direction> dirs = {pca[0], pca[2], cls};
  std::vector<double> vals = {1.5, -2.0, 0.75};
  auto base = f.set.latent(5);
  auto z = applySliders(base, dirs, vals);
  for (int k = 0; k < f.set.dim; ++k) {
    double want = base[size_t(k)];
    for (size_t i = 0; i < dirs.size(); ++i) want += vals[i] * dirs[i].sigma * dirs[i].vector[size_t(k)];
    CHECK(z[size_t(k)] == doctest::Approx(want).epsilon(1e-5));
  }
  Direction e = editAsDirection(dirs, vals, "my edit");
  CHECK(e.source == "edit");
  auto again = applySliders(base, {e}, {1.0});
  for (int k = 0; k < f.set.dim; ++k) CHECK(again[size_t(k)] == doctest::Approx(z[size_t(k)]).epsilon(1e-4));
  CHECK_THROWS_AS(editAsDirection(dirs, {0, 0, 0}, "none"), BadInput);
  auto tr = traverseDirection(base, cls, -3, 3, 7);
  REQUIRE(tr.size() == size_t(7 * f.set.dim));
  CHECK(tr[size_t(3 * f.set.dim)] == doctest::Approx(base[0]));  // the middle step is the base
}

TEST_CASE("direction files round-trip; bad ones name the file and the field") {
  auto& f = fixture();
  std::string tmp = t::tempDir("direction_files");
  auto pca = pcaDirections(f.set, 2);
  pca.push_back(classDirection(f.set, 5, 7));
  saveDirections(tmp + "/d.json", pca);
  auto back = loadDirections(tmp + "/d.json", 16);
  REQUIRE(back.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(back[i].name == pca[i].name);
    CHECK(back[i].source == pca[i].source);
    CHECK(back[i].units == pca[i].units);
    CHECK(back[i].model == pca[i].model);
    CHECK(back[i].sigma == pca[i].sigma);
    CHECK(back[i].score == pca[i].score);
    for (size_t k = 0; k < 16; ++k) CHECK(back[i].vector[k] == doctest::Approx(pca[i].vector[k]).epsilon(1e-6));
  }
  CHECK_THROWS_WITH_AS(loadDirections(tmp + "/d.json", 8), doctest::Contains("directions[0].vector has 16 values"), BadInput);
  struct Bad {
    std::string text, expect;
  };
  std::vector<Bad> bad = {
      {R"({"format": "latentlab-directions/1", "directions": [{"name": "x", "vector": [1, 0], "colour": 1}]})", "directions[0].colour"},
      {R"({"format": "latentlab-directions/1", "directions": [{"name": "x"}]})", "directions[0].vector is missing"},
      {R"({"format": "latentlab-directions/1", "directions": [{"name": "x", "vector": [1, "a"]}]})", "directions[0].vector must be"},
      {R"({"format": "latentlab-directions/1", "directions": [{"name": "x", "vector": [0, 0]}]})", "all zeros"},
      {R"({"format": "latentlab-directions/1", "directions": [{"name": "x", "vector": [1], "sigma": -1}]})", "directions[0].sigma"},
      {R"({"format": "latentlab-directions/2", "directions": []})", "format must be"},
      {R"({"format": "latentlab-directions/1", "directions": [], "format": "x"})", "duplicate"},
      {R"({"directions": []})", "format is missing"},
      {R"([1, 2])", "must be a JSON object"},
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    CAPTURE(bad[i].text);
    std::string p = tmp + "/bad" + std::to_string(i) + ".json";
    t::writeText(p, bad[i].text);
    try {
      loadDirections(p);
      FAIL("no error");
    } catch (const BadInput& e) {
      std::string msg = e.what();
      CHECK(msg.find(p) != std::string::npos);
      CHECK(msg.find(bad[i].expect) != std::string::npos);
      CHECK(msg.find('\n') == std::string::npos);
    }
  }
}

TEST_CASE("every direction source makes unit directions of the latent's size that its name makes again") {
  auto& f = fixture();
  std::string tmp = t::tempDir("direction_sources");
  saveDirections(tmp + "/one.json", {classDirection(f.set, 0, 1)});
  DirectionRequest req;
  req.latents = &f.set;
  req.model = f.model.get();
  for (int64_t i = 0; i < f.set.count; ++i) {
    if (f.set.labels[size_t(i)] == 5) req.groupA.push_back(i);
    if (f.set.labels[size_t(i)] == 7) req.groupB.push_back(i);
  }
  REQUIRE(directionSources().size() >= 5);
  for (const auto& src : directionSources()) {
    CAPTURE(src.name);
    CHECK(findDirectionSource(src.name) == &src);
    CHECK(!src.description.empty());
    DirectionRequest r = req;
    std::string spec = src.name == "file" ? "file:" + tmp + "/one.json" : src.example;
    auto dirs = resolveDirections(spec, r);
    REQUIRE(!dirs.empty());
    for (const auto& d : dirs) {
      CHECK(d.vector.size() == size_t(f.set.dim));
      CHECK(std::sqrt(dot(d.vector, d.vector)) == doctest::Approx(1.0).epsilon(1e-5));
      CHECK(d.sigma > 0);
      if (src.name != "file") CHECK(d.source == src.name);
      // Its name resolves to the same vector (groups need the same groups, which r holds).
      auto again = resolveDirections(src.name == "file" ? spec : d.name, r);
      REQUIRE(again.size() >= 1);
      CHECK(dot(again[0].vector, d.vector) == doctest::Approx(1.0).epsilon(1e-5));
    }
    auto names = src.names(r);
    if (src.name == "pca" || src.name == "sefa") CHECK(names.size() == size_t(f.set.dim));
    if (src.name == "class") CHECK(names.size() == 90);
  }
  CHECK_THROWS_WITH_AS(resolveDirections("bogus:1", req), doctest::Contains("bogus:1"), BadInput);
  CHECK_THROWS_WITH_AS(resolveDirections("class:Sneaker->Hat", req), doctest::Contains("no class \"Hat\""), BadInput);
  CHECK_THROWS_AS(resolveDirections("pca:16", req), BadInput);
  DirectionRequest empty;
  CHECK_THROWS_WITH_AS(resolveDirections("pca:0", empty), doctest::Contains("needs encoded data"), BadInput);
}
