#!/usr/bin/python3
"""Reference directions for tests/engine/test_directions.cpp, computed with numpy only
(independent of LatentLab's code): PCA of latents (SVD of the centred data: unit components
and each one's share of the total variance) and SeFa (eigenvectors of W^T W by decreasing
eigenvalue) of a weight read straight from a bundle's safetensors file, restricted to its
first LATENT_DIM input columns.
Usage: directions_reference.py LATENTS.npy SAFETENSORS TENSOR_NAME LATENT_DIM
Prints JSON: pca_share, pca_vectors, sefa_values, sefa_vectors (rows = directions).
Run with Debian's /usr/bin/python3."""
import json, struct, sys

import numpy as np

latents_path, weights_path, tensor_name, latent_dim = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

z = np.load(latents_path).astype(np.float64)
zc = z - z.mean(axis=0)
_, s, vt = np.linalg.svd(zc, full_matrices=False)
var = s ** 2
share = var / var.sum()

raw = open(weights_path, "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
header = json.loads(raw[8:8 + n])
info = header[tensor_name]
assert info["dtype"] == "F32", info
b, e = info["data_offsets"]
w = np.frombuffer(raw[8 + n + b:8 + n + e], dtype=np.float32).reshape(info["shape"]).astype(np.float64)
w = w[:, :latent_dim]
values, vectors = np.linalg.eigh(w.T @ w)
order = np.argsort(values)[::-1]

print(json.dumps({
    "pca_share": share.tolist(),
    "pca_vectors": vt.tolist(),
    "sefa_values": values[order].tolist(),
    "sefa_vectors": vectors[:, order].T.tolist(),
}))
