// `project` (inversion) and `eval` on a user's TorchScript generator (issue 11): inversion
// differentiates through the module and finds the class of PyTorch's own images; a module
// that cuts the gradient to z exits 3 saying so; project names the generator's classes by the
// generator and the data's labels by the data, and data of another shape gets the @CxHxW hint;
// eval measures a generator with a classifier of its image shape, its truncation reaching the
// module, and refuses another shape (of the classifier, or of the data with the hint); the bad
// generators (wrong arity, output shape, dtype, NaN, class without conditioning) exit 3 with
// one line naming the file and the fault, from `render sample` and from `info` (the probe).
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli_cases.h"
#include "gan_torchscript_fixtures.h"

namespace t = latentlab::test;
using json = nlohmann::json;
using latentlab::npyToTensor;
using latentlab::readNpy;

namespace {
const std::string& fixtures() {
  static const std::string dir = t::ganFixtures("gen_shapes gen_blobs gen_bad generator");
  return dir;
}
std::string fx(const std::string& name) { return fixtures() + "/" + name; }
}  // namespace

TEST_CASE("project inverts through a TorchScript generator; one that cuts the gradient says so") {
  std::string d = t::tempDir("own_model_gan_project");
  // Two of PyTorch's own shapes (a disc and a ring) as the data: the generator can make them.
  auto ok = t::runLatentlab("project --model " + fx("gen_shapes.pt") + " --data npy:" + fx("gen_shapes_out.npy") +
                            " --items 0,2 --steps 40 --search-steps 10 --lr 0.1 --threads 1 -o " + d +
                            "/z.npy --classes " + d + "/c.npy");
  REQUIRE_MESSAGE(ok.exitCode == 0, ok.err);
  auto classes = npyToTensor(readNpy(d + "/c.npy"));
  CHECK(classes[0].item<int64_t>() == 0);
  CHECK(classes[1].item<int64_t>() == 2);
  CHECK((npyToTensor(readNpy(d + "/z.npy")).sizes() == torch::IntArrayRef({2, 16})));
  auto cut = t::runLatentlab("project --model " + fx("gen_detached.pt") + " --data npy:" + fx("gen_shapes_out.npy") +
                             " --items 0 --steps 5 --threads 1 -o " + d + "/z2.npy");
  CHECK(cut.exitCode == 3);
  CHECK(t::lineCount(cut.err) == 1);
  CHECK(cut.err.find("inversion needs gradients through the generator") != std::string::npos);
}

TEST_CASE("project names the generator's classes, the data's labels by the data's, and points at @CxHxW") {
  std::string d = t::tempDir("own_model_gan_project_names");
  const std::string shapes = "project --model " + fx("gen_shapes.pt") + " --data fashion-mnist:test@3x32x32 ";
  // Fashion-MNIST's test item 1 is a Pullover; the generator's class is asked by its own name.
  auto ring = t::runLatentlab(shapes + "--items 1 --class ring --steps 2 --threads 1 -o " + d + "/z.npy");
  REQUIRE_MESSAGE(ring.exitCode == 0, ring.err);
  CHECK_MESSAGE(ring.out.find("at z = 0); data label Pullover\n") != std::string::npos, ring.out);
  CHECK_MESSAGE(ring.out.find("item 1: class ring, pixel MSE") != std::string::npos, ring.out);
  // The search's choice is named by the generator: the name at the index written to --classes.
  auto search = t::runLatentlab(shapes + "--items 2 --steps 1 --search-steps 1 --threads 1 -o " + d +
                                "/z2.npy --classes " + d + "/c.npy");
  REQUIRE_MESSAGE(search.exitCode == 0, search.err);
  const char* names[] = {"disc", "square", "ring", "cross"};
  const int64_t c = npyToTensor(readNpy(d + "/c.npy"))[0].item<int64_t>();
  REQUIRE((c >= 0 && c < 4));
  CHECK_MESSAGE(search.out.find("item 2: class " + std::string(names[c]) + ", pixel MSE") != std::string::npos,
                search.out);
  CHECK_MESSAGE(search.out.find("after the class search); data label Trouser") != std::string::npos, search.out);
  // A data class name is not a generator class.
  auto wrong = t::runLatentlab(shapes + "--items 1 --class Trouser --threads 1 -o " + d + "/z3.npy");
  CHECK(wrong.exitCode == 3);
  CHECK(t::lineCount(wrong.err) == 1);
  CHECK_MESSAGE(wrong.err.find("disc, square, ring, cross") != std::string::npos, wrong.err);
  // Unconditional: no class is named and no search is claimed.
  const std::string blobs =
      "project --model " + fx("gen_blobs") + " --items 0 --steps 1 --threads 1 -o " + d + "/z4.npy";
  auto plain = t::runLatentlab(blobs + " --data fashion-mnist:test@1x64x48");
  REQUIRE_MESSAGE(plain.exitCode == 0, plain.err);
  CHECK(plain.out.find("class") == std::string::npos);
  CHECK_MESSAGE(plain.out.find("at z = 0); data label Ankle boot") != std::string::npos, plain.out);
  // Data of another shape: one line that says how to resize it.
  auto shape = t::runLatentlab(blobs + " --data fashion-mnist:test");
  CHECK(shape.exitCode == 3);
  CHECK(t::lineCount(shape.err) == 1);
  CHECK_MESSAGE(shape.err.find("--data fashion-mnist:test@1x64x48") != std::string::npos, shape.err);
}

TEST_CASE("eval measures a TorchScript generator with a classifier of its image shape") {
  std::string d = t::tempDir("own_model_gan_eval");
  const std::string data = " --data fashion-mnist:test@3x32x32 --reference fashion-mnist:train@3x32x32 --limit 60";
  auto tr = t::runLatentlab(
      "train classifier --data fashion-mnist:train@3x32x32 --test-data fashion-mnist:test@3x32x32 --limit 200 "
      "--test-limit 60 --epochs 1 --batch 50 --features 16 --threads 1 --seed 3 -o " +
      d + "/classifier");
  REQUIRE_MESSAGE(tr.exitCode == 0, tr.err);
  // generator.pt: 3 x 32 x 32, ten classes, like the classifier.
  const std::string args = "eval --model " + fx("generator.pt") + " --classifier " + d + "/classifier" + data +
                           " --count 20 --batch 10 --truncation 1,0 --seed 4 --threads 1 --json";
  auto r = t::runLatentlab(args);
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = json::parse(r.out);
  CHECK(j["kind"] == "gan");
  CHECK(j["samples"] == 20);
  REQUIRE(j["truncations"].size() == 2);
  for (const auto& row : j["truncations"]) {
    CHECK(std::isfinite(row["fd_samples"].get<double>()));
    CHECK(row["per_class_accuracy"].size() == 10);
  }
  // psi 0: every sample of a class is the same image (z = 0), so each class is judged all
  // right or all wrong: the truncation reached the TorchScript module.
  for (const auto& c : j["truncations"][1]["per_class_accuracy"]) {
    double a = c["accuracy"].get<double>();
    CHECK((a == 0.0 || a == 1.0));
  }
  // Data of another shape than the generator (and its classifier): one line pointing at the resize.
  auto data28 = t::runLatentlab("eval --model " + fx("generator.pt") + " --classifier " + d +
                                "/classifier --data fashion-mnist:test --reference fashion-mnist:train@3x32x32 "
                                "--limit 60 --count 10 --threads 1");
  CHECK(data28.exitCode == 3);
  CHECK(t::lineCount(data28.err) == 1);
  CHECK_MESSAGE(data28.err.find("--data fashion-mnist:test@3x32x32") != std::string::npos, data28.err);
  // A generator of another image shape than the classifier's: one line, exit 3.
  auto shape = t::runLatentlab("eval --model " + fx("gen_blobs") + " --classifier " + d + "/classifier" + data +
                               " --count 10 --threads 1");
  CHECK(shape.exitCode == 3);
  CHECK(t::lineCount(shape.err) == 1);
  CHECK_MESSAGE(shape.err.find("1 x 64 x 48") != std::string::npos, shape.err);
}

TEST_CASE("info counts the classes of a conditional generator that names none") {
  // generator.pt's latentlab.json: conditioning.num_classes 10 and no class names.
  auto r = t::runLatentlab("info --model " + fx("generator.pt"));
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK_MESSAGE(r.out.find("classes     10 (unnamed") != std::string::npos, r.out);
}

TEST_CASE("bad TorchScript generators: exit 3 and one line naming the file and the fault") {
  struct Case {
    const char* file;
    const char* message;
  };
  const Case cases[] = {
      {"gen_wrong_arity.pt", "forward takes 3 arguments, expected forward(z) or forward(z, class)"},
      {"gen_wrong_shape.pt", "returned shape [2, 3, 16, 16], expected [2, 3, 32, 32]"},
      {"gen_int_output.pt", "forward's output has dtype Byte, expected a float tensor"},
      {"gen_nan_output.pt", "forward's output holds NaN or Inf"},
      {"gen_no_class.pt", "conditioning.num_classes is 4 but forward takes no class"},
  };
  std::string d = t::tempDir("own_model_gan_bad");
  auto check = [](const t::RunResult& r, const Case& c) {
    CHECK(r.exitCode == 3);
    CHECK(t::lineCount(r.err) == 1);
    CHECK_MESSAGE(r.err.find(c.message) != std::string::npos, r.err);
    CHECK(r.err.find(c.file) != std::string::npos);
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    check(t::runLatentlab("render sample --model " + fx(c.file) + " --count 2 --threads 1 -o " + d + "/x.png"), c);
  }
  check(t::runLatentlab("info --model " + fx(cases[1].file)), cases[1]);  // through the probe's child process
}
