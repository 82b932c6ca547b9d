#!/usr/bin/python3
"""Reference numbers for tests/engine/test_token_parity.cpp: the two networks of a
vq-autoregressive bundle re-implemented in PyTorch from their descriptions
(engine/models/vq_vae.h, engine/models/token_prior.h), using PyTorch's own building blocks
(nn.MultiheadAttention for the causal attention, nn.TransformerEncoderLayer-free code).
  token_model_reference.py BUNDLE TOKENS.npy CLASSES.npy LOGITS_OUT.npy IMAGES_OUT.npy
TOKENS: N x L int64 grids in raster order; CLASSES: N int64. Writes the prior's logits for
every position (N x L x vocab; position j = logits of token j given the class and tokens < j)
and the VQ-VAE's decoded images of TOKENS (N x C x H x W). Run with Debian's python3-torch."""
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


def main():
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
