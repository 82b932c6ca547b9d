#!/usr/bin/python3
"""Reference numbers for the token tests (tests/engine/test_vq.cpp, test_token_sampling.cpp),
written from the definitions with numpy, independently of the engine's code:
  token_reference.py nearest Z.npy CODEBOOK.npy OUT.npy
      index of the nearest codebook row (squared Euclidean distance, float64) for each row of Z
  token_reference.py filter LOGITS.npy TEMPERATURE TOP_K TOP_P OUT.npy
      1 where a token survives temperature, top-k (the k largest, ties with the k-th kept) and
      top-p (the smallest set of most likely tokens whose mass reaches p, ties with the last
      one kept), 0 where it is cut; int64, the shape of LOGITS (rows x vocab)
Run with Debian's python3 (/usr/bin/python3)."""
import sys

import numpy as np


def nearest(z, e):
    z = z.astype(np.float64)
    e = e.astype(np.float64)
    out = np.empty(len(z), dtype=np.int64)
    for i, row in enumerate(z):
        d = ((e - row[None, :]) ** 2).sum(axis=1)
        out[i] = int(np.argmin(d))
    return out


def keep_row(logits, temperature, top_k, top_p):
    x = logits.astype(np.float64) / temperature
    v = len(x)
    alive = np.ones(v, dtype=bool)
    if 0 < top_k < v:
        kth = sorted(x, reverse=True)[top_k - 1]
        alive &= x >= kth
    p = np.where(alive, np.exp(x - x[alive].max()), 0.0)
    p /= p.sum()
    if top_p < 1.0:
        order = sorted(range(v), key=lambda i: -p[i])
        mass, last = 0.0, None
        for i in order:
            mass += p[i]
            last = p[i]
            if mass >= top_p:
                break
        alive &= p >= last
    return alive.astype(np.int64)


def main():
    mode = sys.argv[1]
    if mode == "nearest":
        z, e, out = np.load(sys.argv[2]), np.load(sys.argv[3]), sys.argv[4]
        np.save(out, nearest(z, e))
    elif mode == "filter":
        logits = np.load(sys.argv[2])
        t, k, p, out = float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
        np.save(out, np.stack([keep_row(r, t, k, p) for r in logits]))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
