#!/usr/bin/python3
"""Reference images for the GAN parity test: the DCGAN generator of a LatentLab GAN bundle
re-implemented in PyTorch from the architecture description (engine/models/gan_generator.h),
applied to given latents and classes after truncation (z * psi).
Usage: gan_generate.py BUNDLE Z.npy CLASSES.npy PSI OUT.npy   (run with Debian's python3-torch)"""
import json, sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from safetensors_io import read_safetensors


class CondBatchNorm(nn.Module):
    def __init__(self, ch, classes):
        super().__init__()
        self.bn = nn.BatchNorm2d(ch, affine=False)
        self.gain = nn.Embedding(classes, ch)
        self.bias = nn.Embedding(classes, ch)

    def forward(self, x, y):
        return self.bn(x) * (1 + self.gain(y)[:, :, None, None]) + self.bias(y)[:, :, None, None]


class Generator(nn.Module):
    def __init__(self, c, h, w, latent, classes, emb, ch):
        super().__init__()
        self.h, self.w, self.ch0 = h, w, ch[0]
        self.embed = nn.Embedding(classes, emb)
        self.fc = nn.Linear(latent + emb, ch[0] * (h // 4) * (w // 4))
        self.bn0 = CondBatchNorm(ch[0], classes)
        self.up1 = nn.ConvTranspose2d(ch[0], ch[1], 4, stride=2, padding=1)
        self.bn1 = CondBatchNorm(ch[1], classes)
        self.up2 = nn.ConvTranspose2d(ch[1], ch[2], 4, stride=2, padding=1)
        self.bn2 = CondBatchNorm(ch[2], classes)
        self.out = nn.Conv2d(ch[2], c, 3, padding=1)

    def forward(self, z, y):
        x = self.fc(torch.cat([z, self.embed(y)], 1)).view(-1, self.ch0, self.h // 4, self.w // 4)
        x = F.relu(self.bn0(x, y))
        x = F.relu(self.bn1(self.up1(x), y))
        x = F.relu(self.bn2(self.up2(x), y))
        return (torch.tanh(self.out(x)) + 1) / 2


bundle, zpath, cpath, psi, out = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
m = json.load(open(bundle + "/model.json"))
g, im = m["generator"], m["image"]
cfg = g["config"]
model = Generator(im["channels"], im["height"], im["width"], cfg["latent_dim"], cfg["num_classes"], cfg["emb_dim"],
                  cfg["channels"])
model.load_state_dict(read_safetensors(bundle + "/" + g["weights"]))
model.eval()
z = torch.from_numpy(np.load(zpath)).float()
y = torch.from_numpy(np.load(cpath)).long()
with torch.no_grad():
    np.save(out, model(z * psi, y).numpy().astype(np.float32))
