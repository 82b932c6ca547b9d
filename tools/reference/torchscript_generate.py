#!/usr/bin/env python3
"""PyTorch's images of a TorchScript GAN generator: the reference LatentLab's tests compare with.

    torchscript_generate.py MODEL OUT.npy (--seeds 0,1,100 | --count N --seed S | --z Z.npy)
                            [--psi P] [--class K | --labels C.npy | --cycle-classes] [--lerp K]
    torchscript_generate.py --jobs JOBS.txt      (one "MODEL OUT.npy options" per line: one
                                                  python start for a test's references)

MODEL is a .pt file with latentlab.json inside, or a folder whose model.json names the file
("generator": {"torchscript": ...}). z is drawn as LatentLab documents it (docs/model-format.md):
--seeds: one latent per seed, torch.randn(1, D) from torch.Generator().manual_seed(seed);
--count/--seed: N latents from one generator seeded by S (render sample, eval, the map).
--lerp K: K latents on the straight line from the first seed's latent to the second's, ends
included (render interp --mode lerp). The latent is scaled by psi, reshaped to latent.shape and run by torch.jit.load's module;
the images are written as float32 N x C x H x W mapped from image.range to [0, 1].
Written independently of the C++ engine (only the file format and the seeding rule are shared).
"""
import argparse
import json
import os
import shlex
import sys
import zipfile

import numpy as np
import torch


def manifest_and_module(path):
    if os.path.isdir(path):
        with open(os.path.join(path, "model.json")) as f:
            m = json.load(f)
        return m, torch.jit.load(os.path.join(path, m["generator"]["torchscript"]))
    with zipfile.ZipFile(path) as z:
        meta = [n for n in z.namelist() if n.endswith("/extra/latentlab.json")]
        m = json.loads(z.read(meta[0]))
    return m, torch.jit.load(path)


def run(argv):
    p = argparse.ArgumentParser()
    p.add_argument("model")
    p.add_argument("out")
    p.add_argument("--seeds")
    p.add_argument("--count", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--z")
    p.add_argument("--psi", type=float, default=1.0)
    p.add_argument("--class", dest="cls", type=int)
    p.add_argument("--labels")
    p.add_argument("--cycle-classes", action="store_true")
    p.add_argument("--lerp", type=int)
    a = p.parse_args(argv)
    m, module = manifest_and_module(a.model)
    shape = list(m["latent"]["shape"])
    d = int(np.prod(shape))
    if a.seeds is not None:
        z = torch.cat([torch.randn(1, d, generator=torch.Generator().manual_seed(int(s))) for s in a.seeds.split(",")])
    elif a.count is not None:
        z = torch.randn(a.count, d, generator=torch.Generator().manual_seed(a.seed))
    else:
        z = torch.from_numpy(np.load(a.z)).float().reshape(-1, d)
    if a.lerp:
        t = torch.linspace(0, 1, a.lerp).unsqueeze(1)
        z = z[0:1] + t * (z[1:2] - z[0:1])
    n = z.shape[0]
    z = (z * a.psi).reshape([n] + shape)
    k = int((m.get("conditioning") or {}).get("num_classes", 0))
    args = [z]
    if k:
        if a.labels:
            c = torch.from_numpy(np.load(a.labels)).long()
        elif a.cls is not None:
            c = torch.full((n,), a.cls, dtype=torch.long)
        elif a.cycle_classes:
            c = torch.arange(n) % k
        else:
            c = torch.zeros(n, dtype=torch.long)
        args.append(c)
    lo, hi = m["image"].get("range", [0, 1])
    with torch.no_grad():
        x = (module(*args).float() - lo) / (hi - lo)
    np.save(a.out, x.numpy().astype(np.float32))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--jobs":
        with open(sys.argv[2]) as f:
            for line in f:
                if line.strip():
                    run(shlex.split(line))
    else:
        run(sys.argv[1:])


if __name__ == "__main__":
    main()
