// The CLI on a user's TorchScript GAN generator (issue 11): `info`, and `render sample`,
// `render decode` and `render interp` giving PyTorch's images of the same module to 1e-4, for
// the single-file class-conditional fixture (gen_shapes.pt) and the folder-form unconditional
// one (gen_blobs: 2x4x3 latent, range [-1, 1], 1 x 64 x 48); the bad generators exit 3 with
// one line naming the file and the fault. `project` and `eval`: test_own_model_gan_tools.cpp.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli_cases.h"
#include "gan_torchscript_fixtures.h"

namespace t = latentlab::test;
using json = nlohmann::json;

namespace {
const std::string& fixtures() {
  static const std::string dir = t::ganFixtures("gen_shapes gen_blobs gen_bad");
  return dir;
}
std::string fx(const std::string& name) { return fixtures() + "/" + name; }
}  // namespace

TEST_CASE("info on a TorchScript generator: kind, classes and the parameter count") {
  auto r = t::runLatentlab("info --model " + fx("gen_shapes.pt") + " --json");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = json::parse(r.out);
  CHECK(j["kind"] == "gan");
  CHECK(j["networks"]["generator"] == 168);  // Linear(16, 8) + Embedding(4, 8)
  CHECK(j["classes"].size() == 4);
  CHECK(j["latent_shape"] == json::array({16}));
}

TEST_CASE("render sample, decode and interp on TorchScript generators match PyTorch") {
  std::string d = t::tempDir("own_model_gan_render");
  struct Run {
    std::string args, reference;
  };
  const std::string shapes = fx("gen_shapes.pt"), blobs = fx("gen_blobs");
  const Run runs[] = {
      // Seeded prior samples, truncated, classes in turn.
      {"render sample --model " + shapes + " --count 8 --seed 5 --truncation 0.6",
       shapes + " --count 8 --seed 5 --psi 0.6 --cycle-classes"},
      // No --truncation: the model's recommended psi (0.8); a class by name.
      {"render sample --model " + shapes + " --count 3 --seed 1 --class ring", shapes + " --count 3 --seed 1 --psi 0.8 --class 2"},
      // Folder form, unconditional, range [-1, 1] shown as [0, 1], non-square.
      {"render sample --model " + blobs + " --count 4 --seed 2 --truncation 1", blobs + " --count 4 --seed 2"},
      // Latents and labels made by PyTorch.
      {"render decode --model " + shapes + " --latents " + fx("gen_shapes_z.npy") + " --labels " + fx("gen_shapes_c.npy"),
       shapes + " --z " + fx("gen_shapes_z.npy") + " --labels " + fx("gen_shapes_c.npy")},
      // A straight line between two seeds' latents.
      {"render interp --model " + shapes + " --from prior:3 --to prior:8 --steps 4 --truncation 1 --mode lerp --class square",
       shapes + " --seeds 3,8 --lerp 4 --class 1"},
  };
  t::PytorchImages refs;
  for (const Run& r : runs) refs.add(r.reference);
  refs.run();
  for (size_t i = 0; i < std::size(runs); ++i) {
    CAPTURE(runs[i].args);
    const std::string npy = d + "/x" + std::to_string(i) + ".npy";
    auto r = t::runLatentlab(runs[i].args + " --threads 1 -o " + d + "/x.png --npy " + npy);
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    CHECK(t::maxAbsDiff(latentlab::npyToTensor(latentlab::readNpy(npy)), refs.get(i)) < 1e-4f);
  }
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
