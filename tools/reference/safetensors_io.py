"""Reads a .safetensors file into PyTorch tensors with nothing but the format's published
layout (8-byte little-endian header length, JSON header, raw little-endian data), so the
reference scripts need no safetensors package. Imported by the scripts beside it."""
import json
import struct

import numpy as np
import torch

DTYPES = {"F32": np.float32, "I64": np.int64}


def read_safetensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[b:e], dtype=DTYPES[info["dtype"]]).copy()).reshape(info["shape"])
    return out
