#!/usr/bin/python3
"""Reference decodes for tests/cli/test_render_decode.cpp: the conv VAE re-implemented in
PyTorch (bench/python_reference.py) decodes the latents of Z.npy and writes the images
(float32 N x C x H x W in [0, 1]) to OUT.npy.
Usage: decode_latents.py BUNDLE Z.npy OUT.npy   (run with Debian's python3-torch)"""
import os, sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
from python_reference import load_bundle_vae  # noqa: E402

bundle, zpath, out = sys.argv[1], sys.argv[2], sys.argv[3]
torch.set_num_threads(1)
model, _ = load_bundle_vae(bundle)
z = torch.from_numpy(np.load(zpath).astype(np.float32))
with torch.no_grad():
    x = model.decode(z)
np.save(out, x.numpy().astype(np.float32))
