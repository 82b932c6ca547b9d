// The CLI on a user's TorchScript GAN generator (issue 11): `info`, and `render sample`,
// `render decode` and `render interp` giving PyTorch's images of the same module to 1e-4, for
// the single-file class-conditional fixture (gen_shapes.pt) and the folder-form unconditional
// one (gen_blobs: 2x4x3 latent, range [-1, 1], 1 x 64 x 48); `probe` counts a generator's
// parameters and times a call; --class on an unconditional one is refused. `project`, `eval`
// and the bad generators: test_own_model_gan_tools.cpp (two files so that each runs in a few
// seconds).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli_cases.h"
#include "gan_torchscript_fixtures.h"

namespace t = latentlab::test;
using json = nlohmann::json;

namespace {
const std::string& fixtures() {
  static const std::string dir = t::ganFixtures("gen_shapes gen_blobs");
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

TEST_CASE("probe on TorchScript generators: their parameter count and the time of one call") {
  struct Case {
    std::string file;
    int64_t parameters;
  };
  const Case cases[] = {
      {fx("gen_shapes.pt"), 168},  // Linear(16, 8) + Embedding(4, 8): 16*8 + 8 + 4*8
      {fx("gen_blobs"), 681},      // Conv 2->8 1x1, 8->8 3x3, 8->1 3x3: 24 + 584 + 73
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    auto r = t::runLatentlab("probe " + c.file + " --json");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    auto j = json::parse(r.out);
    CHECK(j["kind"] == "gan");
    CHECK(j["parameters"] == c.parameters);
    CHECK(j["ms_per_call"].get<double>() > 0);  // -1 meant "no call was timed"
  }
}

TEST_CASE("generators refuse what they cannot do: --class when unconditional, recon, a class direction") {
  std::string d = t::tempDir("own_model_gan_class");
  auto r = t::runLatentlab("render sample --model " + fx("gen_blobs") + " --class 1 --count 2 --threads 1 -o " + d +
                           "/x.png");
  CHECK(r.exitCode == 3);
  CHECK(t::lineCount(r.err) == 1);
  CHECK_MESSAGE(r.err.find("is unconditional") != std::string::npos, r.err);
  // render recon on a generator: it has no encoder, said before any advice on the data's shape.
  auto recon = t::runLatentlab("render recon --model " + fx("gen_shapes.pt") + " --count 2 -o " + d + "/r.png");
  CHECK(recon.exitCode == 3);
  CHECK(t::lineCount(recon.err) == 1);
  CHECK_MESSAGE(recon.err.find("has no autoencoder") != std::string::npos, recon.err);
  // A class "direction" of a generator: its prior latents do not depend on the class.
  auto traverse = t::runLatentlab("render traverse --model " + fx("gen_shapes.pt") +
                                  " --direction \"class:disc->ring\" --steps 3 -o " + d + "/t.png");
  CHECK(traverse.exitCode == 3);
  CHECK(t::lineCount(traverse.err) == 1);
  CHECK_MESSAGE(traverse.err.find("class is an input, not a direction") != std::string::npos, traverse.err);
}

TEST_CASE("example_models.py --help prints its usage instead of writing fixtures into ./--help") {
  std::string d = t::tempDir("own_model_gan_help");
  auto r = t::runCommand("cd " + d + " && " + std::string(PYTHON_WITH_TORCH) + " " +
                         t::sourcePath("tools/export/example_models.py") + " --help");
  CHECK(r.exitCode == 0);
  CHECK(r.out.find("example_models.py OUT_DIR [NAME...]") != std::string::npos);
  CHECK(t::runCommand("test -e " + d + "/--help").exitCode != 0);
}
