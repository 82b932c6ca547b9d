#!/usr/bin/env python3
"""Tiny example models exported for LatentLab, and a catalogue of bad files.

The tests run this with Debian's python3-torch (/usr/bin/python3) to make their fixtures at
test time, with reference outputs computed by PyTorch (.npy) to compare the C++ engine with:

    example_models.py OUT_DIR [NAME...]     (no names: all of them)

Good models (untrained, seeded; each written with tools/export/latentlab_export.py):
  vae.pt            3x32x32 VAE, 8-d latent, metadata inside        + vae_ref.npz-like .npy files
  vae_folder/       the same network in the folder form (model.json + vae.pt, no metadata inside)
  vae_wide.pt       3x32x48 VAE (non-square), 4x8x12 latent, encode -> mean only
  vae_tall.pt       1x64x48 VAE (non-square, grey), 6-d latent
  bare.pt           3x32x32 VAE without metadata (opened with --image)
  denoiser.pt       pixel epsilon denoiser, 1x16x16, class-conditional (10 classes)
  denoiser_v.pt     pixel v-prediction denoiser, 3x16x16, unconditional
  ldm.pt            latent denoiser in vae.pt's 8-d latent (latent-diffusion pair)
  generator.pt      GAN generator z(16) + class -> 3x32x32
  gen_shapes.pt     GAN generator z(16) + class (disc, square, ring, cross) -> 3x32x32 shapes whose
                    colour and place follow z; metadata inside        + gen_shapes_*.npy
  gen_blobs/        unconditional GAN generator, folder form (model.json + generator.pt): latent
                    2x4x3 -> 1x64x48 (non-square) grey blobs in [-1, 1] + gen_blobs_*.npy
Bad generators (gan, gen_bad): gen_wrong_arity.pt, gen_wrong_shape.pt, gen_int_output.pt,
  gen_nan_output.pt, gen_no_class.pt, gen_detached.pt (runs, but cuts the gradient to z)
Bad files: random.pt, empty.pt, truncated.pt, bomb.pt, traversal.pt, pickle.pt,
  state_dict.pt, from_file.pt, writes_file.pt, nan_weights.pt, wrong_shape.pt, int_output.pt,
  no_decode.pt, wrong_arity.pt, nan_output.pt, wrong_range.pt
"""
import io
import json
import os
import struct
import sys
import zipfile
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import latentlab_export as lx  # noqa: E402


class TinyVAE(nn.Module):
    """Conv encoder to a latent, linear+conv decoder; any C x H x W with H, W divisible by 4."""

    def __init__(self, c=3, h=32, w=32, latent=(8,), logvar=True):
        super().__init__()
        self.c, self.h, self.w = c, h, w
        self.latent = list(latent)
        self.logvar = logvar
        n = 1
        for d in latent:
            n *= d
        self.n = n
        self.conv1 = nn.Conv2d(c, 8, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        feat = 16 * (h // 4) * (w // 4)
        self.mu = nn.Linear(feat, n)
        self.lv = nn.Linear(feat, n)
        self.fc = nn.Linear(n, feat)
        self.up1 = nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1)
        self.up2 = nn.ConvTranspose2d(8, c, 4, stride=2, padding=1)

    def _features(self, x):
        return F.relu(self.conv2(F.relu(self.conv1(x)))).flatten(1)

    def encode(self, x):
        f = self._features(x)
        shape = [x.shape[0]] + self.latent
        return self.mu(f).reshape(shape), self.lv(f).reshape(shape)

    def decode(self, z):
        h = F.relu(self.fc(z.flatten(1))).reshape(z.shape[0], 16, self.h // 4, self.w // 4)
        return torch.sigmoid(self.up2(F.relu(self.up1(h))))


class MeanOnlyVAE(TinyVAE):
    def encode(self, x):
        return self.mu(self._features(x)).reshape([x.shape[0]] + self.latent)


class TinyDenoiser(nn.Module):
    """x_t, t[, class] -> same shape; works on images (C x H x W) or flat latents (D)."""

    def __init__(self, shape, num_classes=0):
        super().__init__()
        self.shape = list(shape)
        n = 1
        for d in shape:
            n *= d
        self.inp = nn.Linear(n + 1, 64)
        self.emb = nn.Embedding(num_classes + 1, 64) if num_classes else None
        self.out = nn.Linear(64, n)

    def forward(self, x_t, t):
        h = torch.cat([x_t.flatten(1), (t.float() / 1000.0).unsqueeze(1)], 1)
        return self.out(torch.tanh(self.inp(h))).reshape(x_t.shape)


class TinyConditionalDenoiser(TinyDenoiser):
    def forward(self, x_t, t, c):
        h = torch.cat([x_t.flatten(1), (t.float() / 1000.0).unsqueeze(1)], 1)
        return self.out(torch.tanh(self.inp(h) + self.emb(c))).reshape(x_t.shape)


class TinyGenerator(nn.Module):
    def __init__(self, z=16, num_classes=10, c=3, h=32, w=32):
        super().__init__()
        self.c, self.h, self.w = c, h, w
        self.emb = nn.Embedding(num_classes, z)
        self.fc = nn.Linear(z, c * h * w)

    def forward(self, z, c):
        return torch.sigmoid(self.fc(z + self.emb(c))).reshape(z.shape[0], self.c, self.h, self.w)


SHAPE_NAMES = ["disc", "square", "ring", "cross"]


class ShapesGenerator(nn.Module):
    """z + class -> a shape (the class) on a dark ground; z sets its colour and place.

    Small and untrained, but its images read at a glance, so a seed grid, a truncation slider
    and an inversion can be judged by eye; every step is differentiable in z."""

    def __init__(self, z=16, h=32, w=32):
        super().__init__()
        self.h, self.w = h, w
        self.k = len(SHAPE_NAMES)
        self.to_params = nn.Linear(z, 8)  # shape colour (3), ground colour (3), x and y offset
        self.emb = nn.Embedding(len(SHAPE_NAMES), 8)
        yy, xx = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing="ij")
        self.register_buffer("yy", yy.clone())
        self.register_buffer("xx", xx.clone())

    def forward(self, z, c):
        p = 2.0 * self.to_params(z) + 0.5 * self.emb(c)
        fg = torch.sigmoid(2.0 * p[:, 0:3]).unsqueeze(-1).unsqueeze(-1)
        bg = 0.3 * torch.sigmoid(p[:, 3:6]).unsqueeze(-1).unsqueeze(-1)
        dx = self.xx.unsqueeze(0) - 0.4 * torch.tanh(p[:, 6]).view(-1, 1, 1)
        dy = self.yy.unsqueeze(0) - 0.4 * torch.tanh(p[:, 7]).view(-1, 1, 1)
        r = torch.sqrt(dx * dx + dy * dy + 1e-6)
        ax, ay = dx.abs(), dy.abs()
        d = torch.stack([r - 0.45,
                         torch.maximum(ax, ay) - 0.4,
                         (r - 0.4).abs() - 0.1,
                         torch.minimum(torch.maximum(ax - 0.12, ay - 0.5), torch.maximum(ay - 0.12, ax - 0.5))], 1)
        sdf = (d * F.one_hot(c, self.k).to(d.dtype).view(-1, self.k, 1, 1)).sum(1)
        mask = torch.sigmoid(-16.0 * sdf).unsqueeze(1)
        return bg + (fg - bg) * mask


class BlobsGenerator(nn.Module):
    """An unconditional generator of smooth grey blobs: latent 2x4x3 -> 1x64x48 in [-1, 1]."""

    def __init__(self):
        super().__init__()
        self.mix = nn.Conv2d(2, 8, 1)
        self.smooth = nn.Conv2d(8, 8, 3, padding=1)
        self.out = nn.Conv2d(8, 1, 3, padding=1)

    def forward(self, z):
        h = torch.tanh(self.mix(z))
        h = F.interpolate(h, size=(16, 12), mode="bilinear", align_corners=False)
        h = torch.tanh(self.smooth(h))
        h = F.interpolate(h, size=(64, 48), mode="bilinear", align_corners=False)
        return torch.tanh(5.0 * self.out(h))


def seeded(cls, *args, **kwargs):
    torch.manual_seed(1234)
    return cls(*args, **kwargs).eval()


def save_npy(out, name, t):
    np.save(os.path.join(out, name), t.detach().cpu().numpy().astype(np.float32))


def vae_reference(out, stem, model, image):
    """Inputs and PyTorch's outputs for the parity tests: x, mean, (logvar), decode(mean)."""
    g = torch.Generator().manual_seed(7)
    x = torch.rand((3,) + tuple(image), generator=g)
    with torch.no_grad():
        enc = model.encode(x)
        mean = enc[0] if isinstance(enc, tuple) else enc
        save_npy(out, stem + "_x.npy", x)
        save_npy(out, stem + "_mean.npy", mean)
        if isinstance(enc, tuple):
            save_npy(out, stem + "_logvar.npy", enc[1])
        save_npy(out, stem + "_recon.npy", model.decode(mean))


# ----------------------------------------------------------------------------- good models

def make_vae(out):
    m = seeded(TinyVAE, 3, 32, 32, (8,))
    lx.export_autoencoder(m, os.path.join(out, "vae.pt"), (3, 32, 32), classes=["a", "b", "c"], name="tiny VAE")
    vae_reference(out, "vae", m, (3, 32, 32))


def make_vae_folder(out):
    m = seeded(TinyVAE, 3, 32, 32, (8,))
    d = os.path.join(out, "vae_folder")
    os.makedirs(d, exist_ok=True)
    torch.jit.save(torch.jit.script(lx._AutoencoderAdapterScript(m, True)), os.path.join(d, "vae.pt"))
    manifest = {"format": "latentlab-model/1", "name": "tiny VAE (folder)", "kind": "autoencoder",
                "image": {"channels": 3, "height": 32, "width": 32, "range": [0, 1]},
                "latent": {"shape": [8]}, "autoencoder": {"torchscript": "vae.pt"}}
    with open(os.path.join(d, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)


def make_vae_wide(out):
    m = seeded(MeanOnlyVAE, 3, 32, 48, (4, 8, 12))
    lx.export_autoencoder(m, os.path.join(out, "vae_wide.pt"), (3, 32, 48), classes=["dark", "light"],
                          name="wide VAE")
    vae_reference(out, "vae_wide", m, (3, 32, 48))
    # A small RGB data set of its size for the window tests: N x C x H x W float32 in [0, 1],
    # colour gradients with a bright square, so the map shows distinct points.
    g = torch.Generator().manual_seed(5)
    n = 48
    yy = torch.linspace(0, 1, 32).view(1, 32, 1)
    xx = torch.linspace(0, 1, 48).view(1, 1, 48)
    imgs = []
    for i in range(n):
        a, b, c = torch.rand(3, generator=g).tolist()
        img = torch.cat([a * yy + (1 - a) * xx, (b * xx).expand(1, 32, 48), (c * yy).expand(1, 32, 48)])
        r, q = int(4 + 20 * a), int(4 + 36 * b)
        img[:, r:r + 8, q:q + 8] = 1.0 if i % 2 else 0.0
        imgs.append(img.clamp(0, 1))
    np.save(os.path.join(out, "vae_wide_data.npy"), torch.stack(imgs).numpy().astype(np.float32))


def make_vae_tall(out):
    m = seeded(TinyVAE, 1, 64, 48, (6,))
    lx.export_autoencoder(m, os.path.join(out, "vae_tall.pt"), (1, 64, 48), name="tall VAE")
    vae_reference(out, "vae_tall", m, (1, 64, 48))


def make_bare(out):
    m = seeded(TinyVAE, 3, 32, 32, (5,))
    torch.jit.save(torch.jit.script(lx._AutoencoderAdapterScript(m, True)), os.path.join(out, "bare.pt"))
    vae_reference(out, "bare", m, (3, 32, 32))


def denoiser_reference(out, stem, model, shape, num_classes):
    g = torch.Generator().manual_seed(9)
    x = torch.randn((3,) + tuple(shape), generator=g)
    t = torch.tensor([0.0, 250.0, 999.0])
    args = (x, t, torch.tensor([0, 3, num_classes])) if num_classes else (x, t)
    with torch.no_grad():
        save_npy(out, stem + "_x.npy", x)
        save_npy(out, stem + "_t.npy", t)
        if num_classes:
            np.save(os.path.join(out, stem + "_c.npy"), args[2].numpy().astype(np.int64))
        save_npy(out, stem + "_out.npy", model(*args))


def make_denoiser(out):
    m = seeded(TinyConditionalDenoiser, (1, 16, 16), 10)
    lx.export_denoiser(m, os.path.join(out, "denoiser.pt"), (1, 16, 16), (1, 16, 16), num_classes=10,
                       name="tiny eps denoiser")
    denoiser_reference(out, "denoiser", m, (1, 16, 16), 10)


def make_denoiser_v(out):
    m = seeded(TinyDenoiser, (3, 16, 16))
    sched = {"num_train_timesteps": 1000, "beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02,
             "prediction_type": "v_prediction"}
    lx.export_denoiser(m, os.path.join(out, "denoiser_v.pt"), (3, 16, 16), (3, 16, 16), scheduler=sched,
                       name="tiny v denoiser")
    denoiser_reference(out, "denoiser_v", m, (3, 16, 16), 0)


def make_ldm(out):
    if not os.path.exists(os.path.join(out, "vae.pt")):
        make_vae(out)
    m = seeded(TinyDenoiser, (8,))
    lx.export_denoiser(m, os.path.join(out, "ldm.pt"), (8,), (3, 32, 32), autoencoder="vae.pt",
                       latent_scale=1.0, name="tiny latent diffusion")
    denoiser_reference(out, "ldm", m, (8,), 0)


def make_generator(out):
    m = seeded(TinyGenerator, 16, 10)
    lx.export_generator(m, os.path.join(out, "generator.pt"), (16,), (3, 32, 32), num_classes=10,
                        name="tiny generator")
    g = torch.Generator().manual_seed(11)
    z = torch.randn(3, 16, generator=g)
    c = torch.tensor([0, 4, 9])
    with torch.no_grad():
        save_npy(out, "generator_z.npy", z)
        np.save(os.path.join(out, "generator_c.npy"), c.numpy().astype(np.int64))
        save_npy(out, "generator_out.npy", m(z, c))


def generator_reference(out, stem, model, latent, num_classes):
    """z (3 seeded latents), classes and PyTorch's images (in the model's range) for the parity tests."""
    g = torch.Generator().manual_seed(11)
    z = torch.randn((3,) + tuple(latent), generator=g)
    args = (z, torch.arange(3) % num_classes) if num_classes else (z,)
    with torch.no_grad():
        save_npy(out, stem + "_z.npy", z)
        if num_classes:
            np.save(os.path.join(out, stem + "_c.npy"), args[1].numpy().astype(np.int64))
        save_npy(out, stem + "_out.npy", model(*args))


def make_gen_shapes(out):
    m = seeded(ShapesGenerator)
    lx.export_generator(m, os.path.join(out, "gen_shapes.pt"), (16,), (3, 32, 32), num_classes=len(SHAPE_NAMES),
                        classes=SHAPE_NAMES, truncation=0.8, name="tiny shapes generator")
    generator_reference(out, "gen_shapes", m, (16,), len(SHAPE_NAMES))


def make_gen_blobs(out):
    m = seeded(BlobsGenerator)
    d = os.path.join(out, "gen_blobs")
    os.makedirs(d, exist_ok=True)
    torch.jit.save(torch.jit.script(lx._GeneratorAdapter(m)), os.path.join(d, "generator.pt"))
    manifest = {"format": "latentlab-model/1", "name": "tiny blobs generator (folder)", "kind": "gan",
                "image": {"channels": 1, "height": 64, "width": 48, "range": [-1, 1]},
                "latent": {"shape": [2, 4, 3], "prior": "normal"}, "generator": {"torchscript": "generator.pt"}}
    with open(os.path.join(d, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    generator_reference(out, "gen_blobs", m, (2, 4, 3), 0)


# ----------------------------------------------------------------------------- bad files

class FromFile(nn.Module):
    def encode(self, x):
        return x.flatten(1)[:, :4] + torch.from_file("/etc/hostname", size=4)

    def decode(self, z):
        return z


class WritesFile(nn.Module):
    def encode(self, x):
        torch.save(x, "/tmp/latentlab-written-by-a-model")
        return x.flatten(1)[:, :4]

    def decode(self, z):
        return z


class _Wrapped(nn.Module):
    """A good VAE inside; subclasses spoil what decode returns."""

    def __init__(self):
        super().__init__()
        self.inner = TinyVAE()

    def encode(self, x):
        return self.inner.encode(x)

    def decode(self, z):
        return self.inner.decode(z)


class WrongShape(_Wrapped):
    def decode(self, z):
        return self.inner.decode(z)[:, :, :16, :16]


class IntOutput(_Wrapped):
    def decode(self, z):
        return (self.inner.decode(z) * 255).to(torch.int64)


class NanOutput(_Wrapped):
    def decode(self, z):
        return self.inner.decode(z) * float("nan")


class WrongRange(_Wrapped):
    def decode(self, z):
        return self.inner.decode(z) * 255.0


class NoDecode(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3 * 32 * 32, 4)

    def encode(self, x):
        return self.lin(x.flatten(1))


class WrongArity(_Wrapped):
    def decode(self, z, scale: float):
        return self.inner.decode(z) * scale


class Loops(_Wrapped):
    """Never returns: the probe's time limit must stop it."""

    def encode(self, x):
        y = x
        while bool(y.sum() > -1.0e30):
            y = y + 0.0
        return self.inner.encode(y)


class Hogs(_Wrapped):
    """Asks for 16 GiB in its forward pass: the probe's memory limit must stop it."""

    def encode(self, x):
        big = torch.ones(1 << 32)
        return self.inner.encode(x + big[0])


def script_methods(model, methods):
    """Scripts a module with the given methods exported, bypassing the export script's checks."""
    for name in methods:
        fn = getattr(type(model), name)
        setattr(type(model), name, torch.jit.export(fn))
    return torch.jit.script(model)


def bad_vae(out, name, cls, methods=("encode", "decode"), meta=True):
    m = seeded(cls) if cls not in (FromFile, WritesFile, NoDecode) else cls().eval()
    scripted = script_methods(m, methods)
    extra = {}
    if meta:
        extra["latentlab.json"] = json.dumps({"format": "latentlab-model/1", "name": name, "kind": "autoencoder",
                                              "image": {"channels": 3, "height": 32, "width": 32,
                                                        "range": [0, 1]}})
    torch.jit.save(scripted, os.path.join(out, name + ".pt"), _extra_files=extra)


def make_bad(out):
    rnd = np.random.default_rng(3)
    with open(os.path.join(out, "random.pt"), "wb") as f:
        f.write(rnd.integers(0, 256, 4096, dtype=np.uint8).tobytes())
    open(os.path.join(out, "empty.pt"), "wb").close()
    if not os.path.exists(os.path.join(out, "vae.pt")):
        make_vae(out)
    data = open(os.path.join(out, "vae.pt"), "rb").read()
    with open(os.path.join(out, "truncated.pt"), "wb") as f:
        f.write(data[: len(data) * 2 // 3])
    # A zip bomb: 64 MiB of zeros deflated to ~64 KiB, declared in the directory.
    with zipfile.ZipFile(os.path.join(out, "bomb.pt"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb/data.pkl", b"\0" * (64 << 20))
        z.writestr("bomb/constants.pkl", b"")
        z.writestr("bomb/code/__torch__.py", b"")
    with zipfile.ZipFile(os.path.join(out, "traversal.pt"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("evil/data.pkl", b"")
        z.writestr("evil/../../etc/cron.d/evil", b"x")
    # torch.save with the legacy (pickle) format, and a state_dict in the zip format.
    m = seeded(TinyVAE)
    torch.save(m.state_dict(), os.path.join(out, "pickle.pt"), _use_new_zipfile_serialization=False)
    torch.save(m.state_dict(), os.path.join(out, "state_dict.pt"))
    # NaN weights: a good VAE with one poisoned parameter.
    nan = seeded(TinyVAE)
    with torch.no_grad():
        nan.fc.weight[0, 0] = float("nan")
    torch.jit.save(torch.jit.script(lx._AutoencoderAdapterScript(nan, True)), os.path.join(out, "nan_weights.pt"))
    bad_vae(out, "from_file", FromFile)
    bad_vae(out, "writes_file", WritesFile)
    bad_vae(out, "wrong_shape", WrongShape)
    bad_vae(out, "int_output", IntOutput)
    bad_vae(out, "nan_output", NanOutput)
    bad_vae(out, "wrong_range", WrongRange)
    bad_vae(out, "no_decode", NoDecode, methods=("encode",))
    bad_vae(out, "wrong_arity", WrongArity)
    bad_vae(out, "loops", Loops)
    bad_vae(out, "hogs", Hogs)


class _WrappedGen(nn.Module):
    """gen_shapes' network inside (TorchScript has no super()); subclasses spoil forward."""

    def __init__(self):
        super().__init__()
        self.inner = ShapesGenerator()

    def forward(self, z, c):
        return self.inner(z, c)


class GenWrongArity(_WrappedGen):
    def forward(self, z, c, scale: float):
        return self.inner(z, c) * scale


class GenWrongShape(_WrappedGen):
    def forward(self, z, c):
        return self.inner(z, c)[:, :, :16, :16]


class GenIntOutput(_WrappedGen):
    def forward(self, z, c):
        return (self.inner(z, c) * 255).to(torch.uint8)


class GenNanOutput(_WrappedGen):
    def forward(self, z, c):
        return self.inner(z, c) / 0.0 * 0.0


class GenNoClass(_WrappedGen):
    def forward(self, z):
        return self.inner(z, torch.zeros(z.shape[0], dtype=torch.long))


class GenDetached(_WrappedGen):
    def forward(self, z, c):
        return self.inner(z.detach(), c)


def bad_generator(out, name, cls):
    """Scripted directly (latentlab_export.py would refuse most of these) with gen_shapes' metadata."""
    scripted = torch.jit.script(seeded(cls))
    meta = {"format": "latentlab-model/1", "name": name, "kind": "gan", "classes": SHAPE_NAMES,
            "image": {"channels": 3, "height": 32, "width": 32, "range": [0, 1]},
            "latent": {"shape": [16]}, "conditioning": {"num_classes": len(SHAPE_NAMES)},
            "generator": {"torchscript": name + ".pt"}}
    torch.jit.save(scripted, os.path.join(out, name + ".pt"), _extra_files={"latentlab.json": json.dumps(meta)})


def make_gen_bad(out):
    bad_generator(out, "gen_wrong_arity", GenWrongArity)
    bad_generator(out, "gen_wrong_shape", GenWrongShape)
    bad_generator(out, "gen_int_output", GenIntOutput)
    bad_generator(out, "gen_nan_output", GenNanOutput)
    bad_generator(out, "gen_no_class", GenNoClass)
    bad_generator(out, "gen_detached", GenDetached)


MAKERS = {"vae": make_vae, "vae_folder": make_vae_folder, "vae_wide": make_vae_wide, "vae_tall": make_vae_tall,
          "bare": make_bare, "denoiser": make_denoiser, "denoiser_v": make_denoiser_v, "ldm": make_ldm,
          "generator": make_generator, "gen_shapes": make_gen_shapes, "gen_blobs": make_gen_blobs,
          "gen_bad": make_gen_bad, "bad": make_bad}


def main(argv):
    if len(argv) >= 2 and argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    # An option is not a folder name (--help once wrote every fixture into ./--help).
    if len(argv) < 2 or argv[1].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[1]
    names = argv[2:] or list(MAKERS)
    for n in names:
        if n not in MAKERS:
            print("unknown fixture %r; choose from %s" % (n, ", ".join(MAKERS)), file=sys.stderr)
            return 2
    os.makedirs(out, exist_ok=True)
    for n in names:
        MAKERS[n](out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
