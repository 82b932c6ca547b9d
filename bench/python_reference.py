#!/usr/bin/python3
"""The same conv VAE in PyTorch eager, loading our bundle, timed the same way as
`latentlab bench`: decode at batch 1 (p50/p99) and encoding the 10,000 test images.
Run with Debian's python3-torch:  /usr/bin/python3 bench/python_reference.py [BUNDLE] [--threads N]
It also prints the reconstruction MSE of the first 1,000 test images as a cross-check that
both implementations compute the same model."""
import gzip, json, struct, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


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
        assert info["dtype"] == "F32"
        out[name] = torch.from_numpy(np.frombuffer(data[b:e], dtype=np.float32).copy()).reshape(info["shape"])
    return out


class ConvVae(nn.Module):
    def __init__(self, c, h, w, latent, ch1, ch2, hidden):
        super().__init__()
        self.h4, self.w4, self.ch2 = h // 4, w // 4, ch2
        flat = ch2 * self.h4 * self.w4
        self.enc1 = nn.Conv2d(c, ch1, 4, 2, 1)
        self.enc2 = nn.Conv2d(ch1, ch2, 4, 2, 1)
        self.enc_fc = nn.Linear(flat, hidden)
        self.enc_out = nn.Linear(hidden, 2 * latent)
        self.dec_fc1 = nn.Linear(latent, hidden)
        self.dec_fc2 = nn.Linear(hidden, flat)
        self.dec1 = nn.ConvTranspose2d(ch2, ch1, 4, 2, 1)
        self.dec2 = nn.Conv2d(ch1, ch1, 3, 1, 1)
        self.dec3 = nn.ConvTranspose2d(ch1, c, 4, 2, 1)

    def encode(self, x):
        h = F.silu(self.enc2(F.silu(self.enc1(x))))
        mu, logvar = self.enc_out(F.silu(self.enc_fc(h.flatten(1)))).chunk(2, 1)
        return mu, logvar

    def decode(self, z):
        h = F.silu(self.dec_fc2(F.silu(self.dec_fc1(z))))
        h = h.view(z.shape[0], self.ch2, self.h4, self.w4)
        return torch.sigmoid(self.dec3(F.silu(self.dec2(F.silu(self.dec1(h))))))


def load_bundle_vae(bundle):
    """The bundle's conv VAE with its weights, in eval mode."""
    m = json.load(open(bundle + "/model.json"))
    cfg, img = m["autoencoder"]["config"], m["image"]
    model = ConvVae(img["channels"], img["height"], img["width"], cfg["latent_dim"], cfg["channels"][0],
                    cfg["channels"][1], cfg["hidden"])
    model.load_state_dict(read_safetensors(bundle + "/" + m["autoencoder"]["weights"]))
    return model.eval(), cfg


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
    if "--threads" in sys.argv:
        args.remove(str(threads))
    bundle = args[0] if args else "assets/models/fashion-vae-16"
    torch.set_num_threads(threads)
    model, cfg = load_bundle_vae(bundle)
    raw = gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()
    x = torch.from_numpy(np.frombuffer(raw[16:], np.uint8).reshape(-1, 1, 28, 28).astype(np.float32) / 255)
    with torch.inference_mode():
        z = torch.randn(1, cfg["latent_dim"])
        for _ in range(20):
            model.decode(z)
        ms = []
        for _ in range(500):
            t0 = time.perf_counter()
            model.decode(z)
            ms.append((time.perf_counter() - t0) * 1000)
        ms.sort()
        t0 = time.perf_counter()
        for i in range(0, len(x), 500):
            model.encode(x[i:i + 500])
        enc = time.perf_counter() - t0
        mse = ((model.decode(model.encode(x[:1000])[0]) - x[:1000]) ** 2).mean().item()
    print(json.dumps({"impl": "pytorch-eager", "threads": threads, "decode_batch1_ms_p50": ms[len(ms) // 2],
                      "decode_batch1_ms_p99": ms[int(0.99 * (len(ms) - 1))], "encode_10000_s": enc,
                      "encode_images_per_s": len(x) / enc, "mse_first_1000": mse}, indent=2))


if __name__ == "__main__":
    main()
