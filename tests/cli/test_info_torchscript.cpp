// `latentlab info` and `latentlab probe` on a user's TorchScript files (made at test time by Debian's python3-torch,
// tools/export/example_models.py): one .pt with metadata inside, a bare .pt with --image (the
// latent shape found by encode, the range assumption said), and bad files refused with
// exit 3 and one line on stderr naming the file and the problem.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace t = latentlab::test;

namespace {

const std::string& fixtures() {
  static const std::string dir = [] {
    std::string d = t::tempDir("info_torchscript");
    auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/export/example_models.py") +
                           " " + d + " vae bare ldm bad");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    return d;
  }();
  return dir;
}

std::string fx(const std::string& name) { return fixtures() + "/" + name; }

int lineCount(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("info on one .pt file with metadata inside") {
  auto r = t::runLatentlab("info --model " + fx("vae.pt") + " --json");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["kind"] == "autoencoder");
  CHECK(j["name"] == "tiny VAE");
  CHECK(j["latent_shape"] == nlohmann::json::array({8}));
  CHECK(j["image"]["channels"] == 3);
  CHECK(j["parameters"].get<int64_t>() > 1000);
  CHECK(!j.contains("notes"));
}

TEST_CASE("info --image on a bare .pt finds the latent shape and says what it assumed") {
  auto r = t::runLatentlab("info --model " + fx("bare.pt") + " --image 3x32x32 --json");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["latent_shape"] == nlohmann::json::array({5}));
  CHECK(j["image"]["range"] == nlohmann::json::array({0.0, 1.0}));
  REQUIRE(j["notes"].size() == 2);
  CHECK(j["notes"][0].get<std::string>().find("value range assumed [0, 1]") != std::string::npos);
  auto text = t::runLatentlab("info --model " + fx("bare.pt") + " --image 3x32x32");
  CHECK(text.exitCode == 0);
  CHECK(text.out.find("note        latent shape [5] found by running encode") != std::string::npos);

  auto none = t::runLatentlab("info --model " + fx("bare.pt"));
  CHECK(none.exitCode == 3);
  CHECK(lineCount(none.err) == 1);
  CHECK(none.err.find("--image") != std::string::npos);
  auto bad = t::runLatentlab("info --model " + fx("bare.pt") + " --image 3by32");
  CHECK(bad.exitCode == 2);
}

TEST_CASE("info on a latent-diffusion .pt names its autoencoder file") {
  auto r = t::runLatentlab("info --model " + fx("ldm.pt") + " --json");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["kind"] == "latent-diffusion");
  CHECK(j["networks"].contains("autoencoder"));
  CHECK(j["networks"].contains("denoiser"));
}

TEST_CASE("bad files, one per check stage: exit 3 and one line saying what is wrong") {
  // One file per stage (pre-scan, torch.save hint, operator denylist, parameters, probe call);
  // every file of the catalogue and its message: tests/engine/test_torchscript_models.cpp.
  const char* cases[][2] = {
      {"bomb.pt", "zip bomb"},
      {"state_dict.pt", "state_dict"},
      {"writes_file.pt", "aten::save"},
      {"nan_weights.pt", "NaN or Inf"},
      {"wrong_shape.pt", "expected [2, 3, 32, 32]"},
  };
  for (auto& c : cases) {
    CAPTURE(c[0]);
    auto r = t::runLatentlab("info --model " + fx(c[0]) + " --image 3x32x32");
    CHECK(r.exitCode == 3);
    CHECK(lineCount(r.err) == 1);
    CHECK(r.err.find(c[0]) != std::string::npos);  // names the file
    CHECK(r.err.find(c[1]) != std::string::npos);
  }
  // The file the writes_file model would have written does not appear.
  CHECK(t::runCommand("test -e /tmp/latentlab-written-by-a-model").exitCode != 0);
}

TEST_CASE("probe runs the first load in a child process and reports what it found, or why not") {
  auto r = t::runLatentlab("probe " + fx("vae.pt") + " --json");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["kind"] == "autoencoder");
  CHECK(j["latent_shape"] == nlohmann::json::array({8}));
  CHECK(j["ms_per_call"].get<double>() > 0);
  auto bad = t::runLatentlab("probe " + fx("wrong_arity.pt"));
  CHECK(bad.exitCode == 3);
  CHECK(lineCount(bad.err) == 1);
  CHECK(bad.err.find("expected decode(z)") != std::string::npos);
}

TEST_CASE("probe stops a model that never returns and one that asks for too much memory") {
  // The child process is killed at the time limit; the app (this command) stays up and says why.
  auto slow = t::runLatentlab("probe " + fx("loops.pt") + " --time-limit 3");
  CHECK(slow.exitCode == 3);
  CHECK(lineCount(slow.err) == 1);
  CHECK(slow.err.find("took longer than 3 s") != std::string::npos);
  // 16 GiB asked for under a 2 GiB address-space limit: refused, naming the limit.
  auto hog = t::runLatentlab("probe " + fx("hogs.pt") + " --memory-limit 2");
  CHECK(hog.exitCode == 3);
  CHECK(lineCount(hog.err) == 1);
  CHECK(hog.err.find("needs more than 2") != std::string::npos);
  // The same good model still passes under those limits.
  auto ok = t::runLatentlab("probe " + fx("vae.pt") + " --time-limit 60 --memory-limit 4");
  CHECK_MESSAGE(ok.exitCode == 0, ok.err);
}
