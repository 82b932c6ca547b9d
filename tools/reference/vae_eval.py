#!/usr/bin/python3
"""Reference numbers for `latentlab eval` of an autoencoder bundle (tests/cli/test_cli_render.cpp):
the conv VAE re-implemented in PyTorch (bench/python_reference.py) encodes the first N
Fashion-MNIST test images, read straight from the IDX file, and decodes the posterior means.
Prints JSON: count, mse_per_pixel, kl (nats per image), kl_per_dim, and the ELBO terms with
the Gaussian decoder of sigma = model.json's training.decoder_sigma.
Run with Debian's python3-torch.  Usage: vae_eval.py BUNDLE N"""
import gzip, json, math, os, sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
from python_reference import load_bundle_vae  # noqa: E402

bundle, n = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(1)
model, _ = load_bundle_vae(bundle)
sigma = json.load(open(bundle + "/model.json"))["training"]["decoder_sigma"]
raw = gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()
x = torch.from_numpy(np.frombuffer(raw[16:16 + n * 784], np.uint8).reshape(n, 1, 28, 28).astype(np.float32) / 255)
with torch.no_grad():
    mu, logvar = model.encode(x)
    recon = model.decode(mu)
sq = ((recon.double() - x.double()) ** 2).sum().item()
mu, logvar = mu.double(), logvar.double()
kl_dims = (0.5 * (mu ** 2 + logvar.exp() - 1 - logvar)).sum(0) / n
pixels = 784
recon_nll = sq / n / (2 * sigma ** 2) + 0.5 * pixels * math.log(2 * math.pi * sigma ** 2)
kl = kl_dims.sum().item()
print(json.dumps({"count": n, "mse_per_pixel": sq / (n * pixels), "kl": kl, "kl_per_dim": kl_dims.tolist(),
                  "decoder_sigma": sigma, "recon_nll": recon_nll, "elbo": -(recon_nll + kl)}))
