#!/usr/bin/python3
"""Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/).

Run with Debian's python3 (numpy and PIL): /usr/bin/python3 tests/fuzz/make_seeds.py
Seeds are small valid files written by independent writers (numpy, PIL, plain struct
packing), so the fuzzers start from the real formats. Crash files the fuzzers found live
next to them as crash-*; this script never touches those.
"""
import gzip
import io
import json
import os
import shutil
import struct
import zlib

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(ROOT))


def put(target, name, data):
    d = os.path.join(ROOT, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def idx(dims, payload):
    return struct.pack(">BBBB", 0, 0, 8, len(dims)) + b"".join(struct.pack(">I", d) for d in dims) + payload


def npy(arr, version=None):
    buf = io.BytesIO()
    if version:
        np.lib.format.write_array(buf, arr, version=version)
    else:
        np.save(buf, arr)
    return buf.getvalue()


def safetensors(tensors, metadata=None):
    header, data = {}, b""
    for name, (dtype, arr) in tensors.items():
        raw = arr.tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    return struct.pack("<Q", len(h)) + h + data


def png(mode, size, **kw):
    img = Image.new(mode, size)
    for i in range(size[0]):
        img.putpixel((i, i % size[1]), (200, 40, 90, 255)[: len(mode)] if len(mode) > 1 else 200)  # a diagonal
    buf = io.BytesIO()
    img.save(buf, format="PNG", **kw)
    return buf.getvalue()


def png_raw(width, height, depth, colour, interlace, scanlines):
    """A PNG from already-filtered scanline bytes (PIL writes neither 16-bit grey nor Adam7)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(scanlines)) + chunk(b"IEND", b"")


def jpeg(mode, size, **kw):
    img = Image.new(mode, size, 128 if mode == "L" else (30, 120, 220))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=50, **kw)
    return buf.getvalue()


def torchscript_tiny_vae():
    """A 2 x 2 TorchScript autoencoder with its latentlab.json inside, written by torch.jit.save."""
    import torch

    class TinyVae(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = torch.nn.Linear(4, 2)
            self.dec = torch.nn.Linear(2, 4)

        @torch.jit.export
        def encode(self, x):
            return self.enc(x.flatten(1))

        @torch.jit.export
        def decode(self, z):
            return torch.sigmoid(self.dec(z)).view(-1, 1, 2, 2)

        def forward(self, x):
            return self.decode(self.encode(x))

    torch.manual_seed(0)
    buf = io.BytesIO()
    meta = {"kind": "autoencoder", "image": {"channels": 1, "height": 2, "width": 2}}
    torch.jit.save(torch.jit.script(TinyVae()), buf, _extra_files={"latentlab.json": json.dumps(meta)})
    return buf.getvalue()


def zip_with_names(names):
    """A stored zip whose entries have the given names (for archives the pre-scan refuses)."""
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for n in names:
            z.writestr(n, b"x")
    return buf.getvalue()


def main():
    # IDX: images (rank 3), labels (rank 1), gzip-compressed, rank 4.
    put("idx", "images-3x2x2", idx([3, 2, 2], bytes(range(12))))
    put("idx", "labels-5", idx([5], bytes([0, 1, 2, 9, 3])))
    put("idx", "images-2x3x3.gz", gzip.compress(idx([2, 3, 3], bytes(range(18)))))
    put("idx", "rank4", idx([1, 1, 2, 2], bytes(4)))

    # NPY: each dtype we read, v1 and v2 headers, a scalar, an empty array.
    put("npy", "f4-2x3.npy", npy(np.arange(6, dtype=np.float32).reshape(2, 3) * 0.25))
    put("npy", "u1-2x2x2.npy", npy(np.arange(8, dtype=np.uint8).reshape(2, 2, 2)))
    put("npy", "i8-3.npy", npy(np.array([1, -2, 3], dtype=np.int64)))
    put("npy", "f4-v2.npy", npy(np.ones((1, 1, 2, 2), dtype=np.float32), version=(2, 0)))
    put("npy", "scalar.npy", npy(np.float32(1.5)))
    put("npy", "empty.npy", npy(np.zeros((0, 4), dtype=np.uint8)))

    # safetensors: several dtypes, an empty tensor, metadata.
    put("safetensors", "mixed.safetensors", safetensors({
        "w": ("F32", np.arange(6, dtype=np.float32).reshape(2, 3)),
        "b": ("I64", np.array([1, 2], dtype=np.int64)),
        "m": ("BOOL", np.array([True, False])),
        "e": ("U8", np.zeros((0, 3), dtype=np.uint8)),
    }, {"format": "pt"}))
    put("safetensors", "f16.safetensors", safetensors({"h": ("F16", np.ones(4, dtype=np.float16))}))
    put("safetensors", "empty-header.safetensors", safetensors({}))

    # Manifests: the bundled models' own model.json files, one of each kind.
    for m in ["fashion-vae-2", "fashion-ddpm", "fashion-ldm", "fashion-classifier"]:
        with open(os.path.join(REPO, "assets", "models", m, "model.json"), "rb") as f:
            put("manifest", m + ".json", f.read())

    # Sessions: a full one and a minimal one.
    full = {
        "format": "latentlab-session/1", "model": "assets/models/fashion-vae-2", "data": "fashion-mnist:test",
        "device": "cpu",
        "map": {"plane": {"mode": "custom", "points": [1, 2, 3], "axes": [0, 1],
                          "origin": [0.0, 0.5], "u": [1.0, 0.0], "v": [0.0, 1.0]},
                "view": {"center": [0.25, -0.5], "half_extent": 3.0}, "hidden_classes": [1, 4], "point_size": 4.0},
        "cursor": [0.5, 0.25], "selection": 7, "image": {"filter": "bilinear"},
        "manifold": {"k": 12, "overlay": True, "shown": False},
        "ui": {"scale": 1.25, "notes": {"map": True, "model": False}},
    }
    put("session", "full.json", json.dumps(full, indent=2).encode())
    put("session", "minimal.json", b'{"format": "latentlab-session/1"}')

    # Images: PNG grey/RGB/RGBA/palette/16-bit/interlaced, JPEG grey/RGB/progressive.
    put("image", "grey.png", png("L", (4, 3)))
    put("image", "rgb.png", png("RGB", (3, 3)))
    put("image", "rgba.png", png("RGBA", (2, 2)))
    put("image", "palette.png", png("P", (5, 2)))
    put("image", "grey16.png", png_raw(2, 2, 16, 0, 0, b"\0\x12\x34\xff\xff" + b"\x01\0\x10\0\x10"))
    # Adam7 of a 2 x 2 grey image: pass 1 holds (0,0), pass 6 (1,0), pass 7 row 1.
    put("image", "interlaced.png", png_raw(2, 2, 8, 0, 1, b"\0\x10" + b"\0\x20" + b"\0\x30\x40"))
    put("image", "grey.jpg", jpeg("L", (8, 8)))
    put("image", "rgb.jpg", jpeg("RGB", (16, 8)))
    put("image", "progressive.jpg", jpeg("RGB", (8, 16), progressive=True))

    # TorchScript archives (the libzip pre-scan): one valid module, two that must be refused.
    tiny = torchscript_tiny_vae()
    put("torchscript_archive", "tiny_vae.pt", tiny)
    put("torchscript_archive", "bad-truncated.pt", tiny[: len(tiny) // 2])
    put("torchscript_archive", "bad-path-traversal.pt", zip_with_names(["m/data.pkl", "m/../../etc/evil", "m/version"]))


if __name__ == "__main__":
    main()
