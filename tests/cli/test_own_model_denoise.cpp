// `latentlab render denoise` on a user's TorchScript denoisers (issue 11): a v-prediction one
// (unconditional) and an epsilon one with a class and classifier-free guidance, DDIM with
// eta 0. Every step of the engine's trajectory (--trajectory) is checked against the same
// module run by PyTorch from the same starting noise, with the update rules of the
// independent reference tools/reference/sampler_reference.py, to 1e-4. Models exported at
// test time by tools/export/example_models.py (Debian's python3-torch).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "test_support.h"

namespace t = latentlab::test;

namespace {

const char* kReference = R"(import json, sys
import numpy as np
import torch
sys.path.insert(0, sys.argv[1] + "/tools/reference")
from sampler_reference import alphas_cumprod, timesteps_for, x0_from, eps_from
model_path, traj_path, steps = sys.argv[2], sys.argv[3], int(sys.argv[4])
cls, guidance = (int(sys.argv[5]), float(sys.argv[6])) if len(sys.argv) > 6 else (None, 1.0)
extra = {"latentlab.json": ""}
m = torch.jit.load(model_path, _extra_files=extra)
meta = json.loads(extra["latentlab.json"])
cfg = meta["scheduler"]
null = meta.get("conditioning", {}).get("num_classes", 0)
traj = np.load(traj_path).astype(np.float64)
acp = alphas_cumprod(cfg)
pred = cfg.get("prediction_type", "epsilon")
ts = timesteps_for(cfg, steps)
x = traj[0]
worst = 0.0
for i, t in enumerate(ts):
    a = acp[t]
    a_prev = acp[ts[i + 1]] if i + 1 < len(ts) else 1.0
    xt, tt = torch.from_numpy(x).float(), torch.full((x.shape[0],), float(t))
    with torch.no_grad():
        if cls is None:
            out = m(xt, tt).double().numpy()
        else:
            c = lambda k: torch.full((x.shape[0],), k, dtype=torch.int64)
            cond, unc = m(xt, tt, c(cls)).double().numpy(), m(xt, tt, c(null)).double().numpy()
            out = unc + guidance * (cond - unc)
    x0 = x0_from(pred, out, x, a)
    eps = eps_from(pred, out, x, a)
    if cfg.get("clip_sample", False):
        x0 = np.clip(x0, -cfg.get("clip_sample_range", 1.0), cfg.get("clip_sample_range", 1.0))
    x = a_prev ** 0.5 * x0 + (1 - a_prev) ** 0.5 * eps
    worst = max(worst, float(np.abs(x - traj[i + 1]).max()))
print(json.dumps({"steps": len(ts), "worst": worst, "cfg": cfg}))
)";

const std::string& fixtures() {
  static const std::string dir = [] {
    std::string d = t::tempDir("own_model_denoise");
    auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/export/example_models.py") +
                           " " + d + " denoiser denoiser_v");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    t::writeText(d + "/reference.py", kReference);
    return d;
  }();
  return dir;
}

// The largest difference of any step from PyTorch's.
double worstStep(const std::string& model, const std::string& classArgs, const std::string& refArgs) {
  std::string d = fixtures();
  auto r = t::runLatentlab("render denoise --model " + d + "/" + model + " --sampler ddim --steps 5 --eta 0 --count 2 --seed 3" +
                           classArgs + " --trajectory " + d + "/traj.npy -o " + d + "/x.png --device cpu");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto ref = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + d + "/reference.py " + t::sourcePath("") + " " + d +
                           "/" + model + " " + d + "/traj.npy 5" + refArgs);
  REQUIRE_MESSAGE(ref.exitCode == 0, ref.err);
  auto j = nlohmann::json::parse(ref.out);
  CHECK(j["steps"] == 5);
  return j["worst"].get<double>();
}

}  // namespace

TEST_CASE("render denoise with a TorchScript v-prediction denoiser follows PyTorch step by step") {
  CHECK(worstStep("denoiser_v.pt", " --guidance 1", "") < 1e-4);
}

TEST_CASE("render denoise with a class-conditional TorchScript epsilon denoiser and guidance follows PyTorch") {
  CHECK(worstStep("denoiser.pt", " --class 2 --guidance 3", " 2 3") < 1e-4);
}
