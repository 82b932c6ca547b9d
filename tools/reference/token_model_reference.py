#!/usr/bin/python3
"""Reference numbers for tests/engine/test_token_parity.cpp: the two networks of a
vq-autoregressive bundle re-implemented in PyTorch from their descriptions
(engine/models/vq_vae.h, engine/models/token_prior.h), using PyTorch's own building blocks
(nn.MultiheadAttention for the causal attention, nn.TransformerEncoderLayer-free code).
  token_model_reference.py BUNDLE TOKENS.npy CLASSES.npy LOGITS_OUT.npy IMAGES_OUT.npy
TOKENS: N x L int64 grids in raster order; CLASSES: N int64. Writes the prior's logits for
every position (N x L x vocab; position j = logits of token j given the class and tokens < j)
and the VQ-VAE's decoded images of TOKENS (N x C x H x W). Run with Debian's python3-torch.

  token_model_reference.py latent BUNDLE IMAGES.npy STEPS OUT_PREFIX
The code-vector latent (tests/engine/test_vq_latent.cpp, engine/tokens/vq_latent.h): IMAGES
(2 x C x H x W float32 in [0, 1], A and B) are encoded and quantised; their code grids are
interpolated (lerp and slerp of the flattened grids, STEPS points from A to B); every
interpolant is decoded as it is and after snapping each cell to its nearest code. Writes
OUT_PREFIX + codes.npy (2 x rows x cols x D, cell by cell), path_lerp.npy / path_slerp.npy
(STEPS x rows*cols*D), tokens_lerp.npy / tokens_slerp.npy (STEPS x rows x cols int64, the
nearest code of each cell, float64 distances), images_{lerp,slerp}_{cont,snap}.npy."""
import json, sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from safetensors_io import read_safetensors


def prior_logits(w, cfg, tokens, classes):
    d, heads, length = cfg["d_model"], cfg["heads"], cfg["length"]
    n = tokens.shape[0]
    x = torch.cat([w["cls.weight"][classes][:, None, :], w["tok.weight"][tokens[:, :length - 1]]], 1) + w["pos"][None]
    mask = torch.ones(length, length, dtype=torch.bool).triu(1)  # True = may not attend
    for i in range(cfg["layers"]):
        p = lambda k: w["blocks.%d.%s" % (i, k)]
        att = nn.MultiheadAttention(d, heads, batch_first=True)
        att.load_state_dict({"in_proj_weight": p("qkv.weight"), "in_proj_bias": p("qkv.bias"),
                             "out_proj.weight": p("proj.weight"), "out_proj.bias": p("proj.bias")})
        h = F.layer_norm(x, (d,), p("ln1.weight"), p("ln1.bias"))
        x = x + att(h, h, h, attn_mask=mask, need_weights=False)[0]
        h = F.layer_norm(x, (d,), p("ln2.weight"), p("ln2.bias"))
        x = x + F.linear(F.gelu(F.linear(h, p("fc1.weight"), p("fc1.bias"))), p("fc2.weight"), p("fc2.bias"))
    x = F.layer_norm(x, (d,), w["lnf.weight"], w["lnf.bias"])
    return F.linear(x, w["head.weight"], w["head.bias"])


def vq_decode(w, cfg, tokens, rows, cols):
    def res(x, pre):
        return x + F.conv2d(F.relu(F.conv2d(F.relu(x), w[pre + ".conv1.weight"], w[pre + ".conv1.bias"], padding=1)),
                            w[pre + ".conv2.weight"], w[pre + ".conv2.bias"])
    z = w["vq.embedding"][tokens].view(tokens.shape[0], rows, cols, -1).permute(0, 3, 1, 2)
    x = F.conv2d(z, w["dec_in.weight"], w["dec_in.bias"], padding=1)
    for i in range(cfg.get("res_blocks", 2)):
        x = res(x, "dec_res.%d" % i)
    x = F.relu(F.conv_transpose2d(F.relu(x), w["dec1.weight"], w["dec1.bias"], stride=2, padding=1))
    return torch.sigmoid(F.conv_transpose2d(x, w["dec2.weight"], w["dec2.bias"], stride=2, padding=1))


def vq_encode(w, cfg, x):
    """Continuous encoder output, N x D x rows x cols (before quantisation)."""
    def res(x, pre):
        return x + F.conv2d(F.relu(F.conv2d(F.relu(x), w[pre + ".conv1.weight"], w[pre + ".conv1.bias"], padding=1)),
                            w[pre + ".conv2.weight"], w[pre + ".conv2.bias"])
    h = F.relu(F.conv2d(x, w["enc1.weight"], w["enc1.bias"], stride=2, padding=1))
    h = F.conv2d(F.relu(F.conv2d(h, w["enc2.weight"], w["enc2.bias"], stride=2, padding=1)),
                 w["enc3.weight"], w["enc3.bias"], padding=1)
    for i in range(cfg.get("res_blocks", 2)):
        h = res(h, "enc_res.%d" % i)
    return F.conv2d(F.relu(h), w["enc_out.weight"], w["enc_out.bias"])


def nearest_codes(cells, codebook):
    """Index of the nearest codebook row of each cell (M x D), squared distances in float64."""
    d = ((cells.double()[:, None, :] - codebook.double()[None, :, :]) ** 2).sum(2)
    return d.argmin(1)


def decode_vectors(w, cfg, grid):
    """grid: N x rows x cols x D code vectors (any values) -> images, as vq_decode does for codes."""
    rows, cols = grid.shape[1], grid.shape[2]
    n, dim = grid.shape[0], grid.shape[3]
    flat = grid.reshape(n * rows * cols, dim)
    # vq_decode looks rows up in the codebook: give it these vectors as a codebook of their own.
    own = dict(w)
    own["vq.embedding"] = flat
    return vq_decode(own, cfg, torch.arange(n * rows * cols).view(n, rows * cols), rows, cols)


def slerp(a, b, t):
    a64, b64 = a.double(), b.double()
    cos = (a64 @ b64 / (a64.norm() * b64.norm())).clamp(-1, 1)
    om = torch.acos(cos)
    return ((torch.sin((1 - t) * om) * a64 + torch.sin(t * om) * b64) / torch.sin(om)).float()


def latent_main(bundle, images_path, steps, prefix):
    m = json.load(open(bundle + "/model.json"))
    cfg = m["autoencoder"]["config"]
    w = read_safetensors(bundle + "/" + m["autoencoder"]["weights"])
    book = w["vq.embedding"]
    x = torch.from_numpy(np.load(images_path)).float()
    with torch.no_grad():
        ze = vq_encode(w, cfg, x).permute(0, 2, 3, 1)  # N x rows x cols x D, cell by cell
        n, rows, cols, dim = ze.shape
        codes = book[nearest_codes(ze.reshape(-1, dim), book)].view(n, rows, cols, dim)
        np.save(prefix + "codes.npy", codes.numpy().astype(np.float32))
        a, b = codes[0].flatten(), codes[1].flatten()
        ts = [i / (steps - 1) for i in range(steps)]
        for mode in ("lerp", "slerp"):
            path = torch.stack([a + (b - a) * t if mode == "lerp" else slerp(a, b, t) for t in ts])
            grid = path.view(steps, rows, cols, dim)
            tokens = nearest_codes(grid.reshape(-1, dim), book).view(steps, rows, cols)
            np.save(prefix + "path_%s.npy" % mode, path.numpy().astype(np.float32))
            np.save(prefix + "tokens_%s.npy" % mode, tokens.numpy().astype(np.int64))
            np.save(prefix + "images_%s_cont.npy" % mode, decode_vectors(w, cfg, grid).numpy().astype(np.float32))
            np.save(prefix + "images_%s_snap.npy" % mode, decode_vectors(w, cfg, book[tokens]).numpy().astype(np.float32))


def main():
    if sys.argv[1] == "latent":
        return latent_main(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    bundle, tpath, cpath, logits_out, images_out = sys.argv[1:6]
    m = json.load(open(bundle + "/model.json"))
    tokens = torch.from_numpy(np.load(tpath)).long()
    classes = torch.from_numpy(np.load(cpath)).long()
    rows, cols = m["latent"]["shape"]
    with torch.no_grad():
        pw = read_safetensors(bundle + "/" + m["prior"]["weights"])
        np.save(logits_out, prior_logits(pw, m["prior"]["config"], tokens, classes).numpy().astype(np.float32))
        vw = read_safetensors(bundle + "/" + m["autoencoder"]["weights"])
        np.save(images_out, vq_decode(vw, m["autoencoder"]["config"], tokens, rows, cols).numpy().astype(np.float32))


if __name__ == "__main__":
    main()
