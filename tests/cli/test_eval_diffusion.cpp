// End to end: `latentlab train classifier` makes a tiny judge, `latentlab train diffusion`
// a tiny latent-diffusion model, and `latentlab eval` measures the model with the judge:
// class accuracy in [0, 1] that agrees with its per-class numbers, finite Frechet
// distances, reproducible under a seed; the classifier's own eval agrees with the accuracy
// recorded at training; bad models exit 3 and bad options exit 2.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/util/json_strict.h"
#include "test_support.h"

using namespace latentlab;
using nlohmann::json;

namespace {

struct TinyModels {
  std::string classifier, ldm;
};

const TinyModels& tinyModels() {
  static const TinyModels models = [] {
    std::string d = test::tempDir("eval-diffusion-models");
    TinyModels m{d + "/classifier", d + "/ldm"};
    auto r = test::runLatentlab(
        "train classifier --limit 600 --test-limit 200 --epochs 1 --batch 64 --features 32 "
        "--threads 1 --seed 3 -o " +
        m.classifier);
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    r = test::runLatentlab(
        "train diffusion --model-type latent-mlp --vae " +
        test::sourcePath("assets/models/fashion-vae-16") +
        " --limit 256 --epochs 1 --hidden 32 --blocks 1 --emb-dim 16 --threads 1 --device cpu "
        "--seed 2 -o " +
        m.ldm);
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    return m;
  }();
  return models;
}

json evalJson(const std::string& extra) {
  const auto& m = tinyModels();
  auto r = test::runLatentlab("eval --model " + m.ldm + " --classifier " + m.classifier +
                              " --count 30 --steps 3 --limit 300 --batch 16 --threads 1 --json " +
                              extra);
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("train classifier records its test accuracy, and eval on it agrees") {
  const auto& m = tinyModels();
  auto manifest = readJsonFile(m.classifier + "/model.json");
  CHECK(manifest["kind"] == "classifier");
  double recorded = manifest["training"]["test_accuracy"].get<double>();
  // 1 epoch on 600 images: far better than the 0.1 of chance, far from perfect.
  CHECK(recorded > 0.3);
  CHECK(recorded < 1.0);
  auto r = test::runLatentlab("eval --model " + m.classifier +
                              " --data fashion-mnist:test --limit 200 --threads 1 --json");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = json::parse(r.out);
  CHECK(j["count"] == 200);
  CHECK(j["accuracy"].get<double>() == doctest::Approx(recorded).epsilon(1e-12));
}

TEST_CASE("eval of a latent-diffusion model: class accuracy and Frechet distances") {
  auto j = evalJson("--seed 5");
  CHECK(j["kind"] == "latent-diffusion");
  CHECK(j["samples"] == 30);
  CHECK(j["test_count"] == 300);
  CHECK(j["reference_count"] == 30);  // as many real images as samples by default
  double acc = j["class_accuracy"].get<double>();
  CHECK(acc >= 0.0);
  CHECK(acc <= 1.0);
  // Equal samples per class: the overall accuracy is the mean of the per-class ones.
  REQUIRE(j["per_class_accuracy"].size() == 10);
  double mean = 0;
  for (auto& c : j["per_class_accuracy"]) mean += c["accuracy"].get<double>() / 10;
  CHECK(mean == doctest::Approx(acc).epsilon(1e-12));
  CHECK(j["per_class_accuracy"][0]["class"] == "T-shirt/top");
  double fdSamples = j["fd_samples"].get<double>(), fdReference = j["fd_reference"].get<double>();
  CHECK(std::isfinite(fdSamples));
  CHECK(std::isfinite(fdReference));
  CHECK(fdSamples > 0.0);
  CHECK(fdReference > 0.0);
  double refAcc = j["reference_accuracy"].get<double>();
  CHECK(refAcc > 0.3);  // real images, judged by the same classifier

  // A seed reproduces the numbers; another seed changes the samples' distance only.
  auto again = evalJson("--seed 5");
  CHECK(again["fd_samples"].get<double>() == fdSamples);
  CHECK(again["class_accuracy"].get<double>() == acc);
  auto other = evalJson("--seed 6");
  CHECK(other["fd_samples"].get<double>() != fdSamples);
  CHECK(other["fd_reference"].get<double>() == fdReference);
}

TEST_CASE("eval prints a readable report") {
  const auto& m = tinyModels();
  auto r = test::runLatentlab("eval --model " + m.ldm + " --classifier " + m.classifier +
                              " --count 20 --steps 2 --sampler dpmpp-2m --limit 100 --threads 1");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(r.out.find("class accuracy of samples") != std::string::npos);
  CHECK(r.out.find("Frechet distance") != std::string::npos);
  CHECK(r.out.find("20 real images (fashion-mnist:train)") != std::string::npos);
  CHECK(r.err.find("sampling") != std::string::npos);  // progress goes to stderr
}

TEST_CASE("eval refuses bad models and bad options") {
  const auto& m = tinyModels();
  std::string dir = test::tempDir("eval-bad");
  auto missing = test::runLatentlab("eval --model " + dir + "/nothing --threads 1");
  CHECK(missing.exitCode == 3);
  CHECK(missing.err.find("nothing") != std::string::npos);
  CHECK(std::count(missing.err.begin(), missing.err.end(), '\n') == 1);

  test::writeText(dir + "/model.json",
                  "{\"format\": \"latentlab-model/1\", \"name\": \"x\", \"kind\": \"diffusion\"}");
  CHECK(test::runLatentlab("eval --model " + dir + " --threads 1").exitCode == 3);

  // A judge that is not a classifier.
  auto notClassifier = test::runLatentlab("eval --model " + m.ldm + " --classifier " +
                                          test::sourcePath("assets/models/fashion-vae-16") +
                                          " --count 10 --threads 1");
  CHECK(notClassifier.exitCode == 3);
  CHECK(notClassifier.err.find("classifier") != std::string::npos);

  // 15 samples cannot be split equally over 10 classes; unknown sampler.
  CHECK(test::runLatentlab("eval --model " + m.ldm + " --classifier " + m.classifier +
                           " --count 15 --threads 1")
            .exitCode == 2);
  CHECK(test::runLatentlab("eval --model " + m.ldm + " --classifier " + m.classifier +
                           " --sampler nope --threads 1")
            .exitCode == 2);
}
