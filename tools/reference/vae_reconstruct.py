#!/usr/bin/python3
"""Reference reconstructions for the parity test: the conv VAE re-implemented in PyTorch
(bench/python_reference.py), loaded from a LatentLab bundle, reconstructs the first N
Fashion-MNIST test images (decoder at the posterior mean) and writes them to OUT.npy.
Usage: vae_reconstruct.py BUNDLE N OUT.npy"""
import gzip, os, sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
from python_reference import load_bundle_vae  # noqa: E402

bundle, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
model, _ = load_bundle_vae(bundle)
raw = gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()
x = torch.from_numpy(np.frombuffer(raw[16:16 + n * 784], np.uint8).reshape(n, 1, 28, 28).astype(np.float32) / 255)
with torch.no_grad():
    np.save(out, model.decode(model.encode(x)[0]).numpy().astype(np.float32))
