#!/usr/bin/python3
"""PyTorch's side of tests/gui/test_own_model_screens.cpp: what the window should show.

For each screenshot of a user's TorchScript model the test asks for the picture the same
module gives when PyTorch runs it, independently of the C++ engine:

  own_model_reference.py SOURCE_DIR JOBS.json

JOBS.json is a list of jobs, each with "model" (a .pt with its metadata inside, or a folder
with model.json) and "out" (an .npy written: the picture as the window shows it before 8-bit
quantisation, H x W x C float32 in [0, 1], the model's value range mapped to [0, 1] and
clamped), and either
  "decode": SIDECAR.json    an autoencoder: decode(the cursor's latent in the screenshot's
                            sidecar)
  "sample": {"seed": S, "steps": N, "guidance": G}
                            a denoiser: DDIM with eta 0 from torch.randn(generator seeded S),
                            unconditional (the null class) with classifier-free guidance G,
                            by the update rules of the independent
                            tools/reference/sampler_reference.py; a latent denoiser's result
                            goes through its autoencoder's decode
"""
import json
import os
import sys

import numpy as np
import torch


def load(model):
    """The TorchScript module, its metadata (model.json or the archive's latentlab.json), its folder."""
    if os.path.isdir(model):
        meta = json.load(open(os.path.join(model, "model.json")))
        part = meta["autoencoder"] if meta["kind"] == "autoencoder" else meta["denoiser"]
        return torch.jit.load(os.path.join(model, part["torchscript"])).eval(), meta, model
    extra = {"latentlab.json": ""}
    m = torch.jit.load(model, _extra_files=extra).eval()
    return m, json.loads(extra["latentlab.json"]), os.path.dirname(model)


def to_picture(x, meta):
    lo, hi = meta["image"].get("range", [0, 1])
    img = ((x.double() - lo) / (hi - lo)).clamp(0, 1)[0]  # C x H x W
    return img.permute(1, 2, 0).numpy().astype(np.float32)


def decode(model, sidecar, out):
    m, meta, _ = load(model)
    z = torch.tensor(json.load(open(sidecar))["cursor_latent"], dtype=torch.float32)
    shape = meta.get("latent", {}).get("shape", [z.numel()])
    with torch.no_grad():
        x = m.decode(z.reshape([1] + list(shape)))
    np.save(out, to_picture(x, meta))


def sample(source, model, seed, steps, guidance, out):
    sys.path.insert(0, os.path.join(source, "tools", "reference"))
    from sampler_reference import alphas_cumprod, eps_from, timesteps_for, x0_from
    m, meta, folder = load(model)
    cfg = meta["scheduler"]
    latent = meta["kind"] == "latent-diffusion"
    shape = meta["latent"]["shape"] if latent else [meta["image"][k] for k in ("channels", "height", "width")]
    null = meta.get("conditioning", {}).get("num_classes", 0)
    acp = alphas_cumprod(cfg)
    pred = cfg.get("prediction_type", "epsilon")
    ts = timesteps_for(cfg, steps)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn([1] + list(shape), generator=g).double().numpy()
    for i, t in enumerate(ts):
        a = acp[t]
        a_prev = acp[ts[i + 1]] if i + 1 < len(ts) else 1.0
        xt, tt = torch.from_numpy(x).float(), torch.full((1,), float(t))
        with torch.no_grad():
            if null:  # "unconditional": the null class, so guidance mixes two equal outputs
                unc = m(xt, tt, torch.full((1,), null, dtype=torch.int64)).double().numpy()
                o = unc + guidance * (unc - unc)
            else:
                o = m(xt, tt).double().numpy()
        x0 = x0_from(pred, o, x, a)
        eps = eps_from(pred, o, x, a)
        if cfg.get("clip_sample", False):
            r = cfg.get("clip_sample_range", 1.0)
            x0 = np.clip(x0, -r, r)
        x = a_prev ** 0.5 * x0 + (1 - a_prev) ** 0.5 * eps
    result = torch.from_numpy(x).float()
    if latent:
        vae = torch.jit.load(os.path.join(folder, meta["autoencoder"])).eval()
        scale = meta["denoiser"].get("config", {}).get("latent_scale", 1.0)
        with torch.no_grad():
            result = vae.decode(result / scale)
    np.save(out, to_picture(result, meta))


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    for job in json.load(open(argv[2])):
        if "decode" in job:
            decode(job["model"], job["decode"], job["out"])
        else:
            s = job["sample"]
            sample(argv[1], job["model"], s["seed"], s["steps"], s["guidance"], job["out"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
