// tools/export/latentlab_export.py, run the way a PyTorch user runs it (Debian's python3-torch,
// --build FILE.py:FUNCTION): a good VAE is exported and `latentlab info` (the real C++ loader,
// via --latentlab) accepts it with the latent shape the export found; each model LatentLab
// would refuse is refused by the script first, exit 3, one line saying what to change.
#include <doctest/doctest.h>

#include "test_support.h"

namespace t = latentlab::test;

namespace {

// Users' models: one builder function per case.
const char* kModels = R"PY(
import numpy as np
import torch, torch.nn as nn

class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(3 * 32 * 32, 12)
        self.dec = nn.Linear(6, 3 * 32 * 32)
    def encode(self, x):
        h = self.enc(x.flatten(1))
        return h[:, :6], h[:, 6:]
    def decode(self, z):
        return torch.sigmoid(self.dec(z)).view(-1, 3, 32, 32)

class NoDecode(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(3 * 32 * 32, 6)
    def encode(self, x):
        return self.enc(x.flatten(1))

class IntOut(VAE):
    def decode(self, z):
        return (torch.sigmoid(self.dec(z)).view(-1, 3, 32, 32) * 255).long()

class WrongShape(VAE):
    def decode(self, z):
        return torch.sigmoid(self.dec(z)).view(-1, 3, 64, 16)

class WrongRange(VAE):
    def decode(self, z):
        return torch.sigmoid(self.dec(z)).view(-1, 3, 32, 32) * 255

class ReadsFile(VAE):
    def encode(self, x):
        h = self.enc(x.flatten(1)) + torch.from_file("/etc/hostname", size=12)
        return h[:, :6], h[:, 6:]

class NumpyInside(VAE):
    def decode(self, z):
        return torch.sigmoid(self.dec(torch.from_numpy(np.tanh(z.numpy())))).view(-1, 3, 32, 32)

def vae():
    torch.manual_seed(0)
    return VAE()
def no_decode(): return NoDecode()
def int_out(): return IntOut()
def wrong_shape(): return WrongShape()
def wrong_range(): return WrongRange()
def reads_file(): return ReadsFile()
def numpy_inside(): return NumpyInside()
def nan_weights():
    m = VAE()
    with torch.no_grad():
        m.dec.bias[0] = float("nan")
    return m
def state_dict(): return VAE().state_dict()
)PY";

struct Env {
  std::string dir = t::tempDir("own_model_export");
  Env() { t::writeText(dir + "/models.py", kModels); }
  t::RunResult run(const std::string& fn, const std::string& out, const std::string& more = "") const {
    return t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/export/latentlab_export.py") +
                         " autoencoder --build " + dir + "/models.py:" + fn + " --image 3x32x32 -o " + dir + "/" +
                         out + " " + more);
  }
};

int lineCount(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("a good VAE is exported and the C++ loader accepts it") {
  Env env;
  auto r = env.run("vae", "vae.pt", std::string("--latentlab ") + LATENTLAB_BIN);
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(r.out.find("wrote") != std::string::npos);
  auto info = t::runLatentlab("info --model " + env.dir + "/vae.pt --json");
  REQUIRE_MESSAGE(info.exitCode == 0, info.err);
  CHECK(info.out.find("\"latent_shape\": [\n    6\n  ]") != std::string::npos);
}

TEST_CASE("what LatentLab would refuse, the export script refuses first, saying what to change") {
  Env env;
  const char* cases[][2] = {
      {"no_decode", "no decode method"},
      {"int_out", "return a float tensor"},
      {"wrong_shape", "expected (2, 3, 32, 32)"},
      {"wrong_range", "far outside value_range"},
      {"reads_file", "aten::from_file"},
      {"numpy_inside", "make its methods TorchScript-compatible"},
      {"nan_weights", "NaN or Inf"},
      {"state_dict", "load_state_dict"},
  };
  for (auto& c : cases) {
    CAPTURE(c[0]);
    auto r = env.run(c[0], std::string(c[0]) + ".pt");
    CHECK(r.exitCode == 3);
    CHECK(lineCount(r.err) == 1);
    CHECK(r.err.find("latentlab_export: refused: ") == 0);
    CHECK(r.err.find(c[1]) != std::string::npos);
    CHECK(t::runCommand("test -e " + env.dir + "/" + c[0] + ".pt").exitCode != 0);  // nothing written
  }
}
