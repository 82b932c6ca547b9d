#!/usr/bin/python3
"""Our bundles' networks in PyTorch eager, loading the same weights, timed the same way as
`latentlab bench` (which runs this script and reports the ratios, *_python_ratio):
- an autoencoder bundle (conv VAE): decode at batch 1 (p50/p99) and 64, encoding the test
  images; it also prints the reconstruction MSE of the first 1,000 test images as a
  cross-check that both implementations compute the same model;
- a diffusion bundle (the built-in UNet) or latent-diffusion bundle (the latent MLP, its
  VAE decoding the result): one denoiser step at batch 1 and 64, plain and with
  classifier-free guidance (the class and the null class in one batch, as the engine),
  and a 50-step DDIM sample with guidance 3 to the final image.
Run with Debian's python3-torch:
  /usr/bin/python3 bench/python_reference.py [BUNDLE] [--threads N] [--repeats N] [--encode-count N]
Written from the engine's architecture descriptions (engine/models/*.h), not generated from it."""
import gzip, json, math, os, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "reference"))
from safetensors_io import read_safetensors  # noqa: E402


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


def groups_for(c):
    for g in (8, 4, 2):
        if c % g == 0:
            return g
    return 1


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32) * (-math.log(10000.0) / half))
    args = t.float().reshape(-1, 1) * freqs.reshape(1, -1)
    emb = torch.cat([torch.cos(args), torch.sin(args)], 1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros(emb.shape[0], 1)], 1)
    return emb


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(groups_for(cin), cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, cout)
        self.norm2, self.conv2 = nn.GroupNorm(groups_for(cout), cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x))) + self.emb(emb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + (self.skip(x) if self.skip is not None else x)


class SelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm, self.qkv, self.out = nn.GroupNorm(groups_for(c), c), nn.Conv2d(c, 3 * c, 1), nn.Conv2d(c, c, 1)

    def forward(self, x):
        n, c, h, w = x.shape
        qkv = self.qkv(self.norm(x)).reshape(n, 3, c, h * w)
        q, k, v = qkv[:, 0], qkv[:, 1], qkv[:, 2]
        attn = torch.softmax(torch.bmm(q.transpose(1, 2), k) / math.sqrt(c), -1)
        return x + self.out(torch.bmm(v, attn.transpose(1, 2)).reshape(x.shape))


class UNet(nn.Module):
    def __init__(self, cin, classes, ch, emb, attention):
        super().__init__()
        self.ch, self.classes = ch, classes
        self.time_mlp = nn.Sequential(nn.Linear(ch[0], emb), nn.SiLU(), nn.Linear(emb, emb))
        self.class_emb = nn.Embedding(classes + 1, emb) if classes else None
        self.conv_in = nn.Conv2d(cin, ch[0], 3, padding=1)
        levels = len(ch)
        self.down = nn.ModuleList([ResBlock(ch[l - 1] if l else ch[0], ch[l], emb) for l in range(levels)])
        self.downsample = nn.ModuleList([nn.Conv2d(ch[l], ch[l], 3, 2, 1) for l in range(levels - 1)])
        self.mid1, self.mid2 = ResBlock(ch[-1], ch[-1], emb), ResBlock(ch[-1], ch[-1], emb)
        self.attn = SelfAttention(ch[-1]) if attention else None
        self.up = nn.ModuleList([ResBlock(2 * ch[l], ch[l], emb) for l in range(levels)])
        self.upsample = nn.ModuleList([nn.Conv2d(ch[l], ch[l - 1], 3, padding=1) for l in range(1, levels)])
        self.norm_out, self.conv_out = nn.GroupNorm(groups_for(ch[0]), ch[0]), nn.Conv2d(ch[0], cin, 3, padding=1)

    def forward(self, x, t, classes):
        emb = self.time_mlp(timestep_embedding(t, self.ch[0]))
        if self.class_emb is not None:
            emb = emb + self.class_emb(classes)
        emb = F.silu(emb)
        h, skips, levels = self.conv_in(x), [], len(self.ch)
        for l in range(levels):
            h = self.down[l](h, emb)
            skips.append(h)
            if l + 1 < levels:
                h = self.downsample[l](h)
        h = self.mid1(h, emb)
        if self.attn is not None:
            h = self.attn(h)
        h = self.mid2(h, emb)
        for l in range(levels - 1, -1, -1):
            h = self.up[l](torch.cat([h, skips[l]], 1), emb)
            if l > 0:
                h = F.interpolate(self.upsample[l - 1](h), scale_factor=2, mode="nearest")
        return self.conv_out(F.silu(self.norm_out(h)))


class LatentMlp(nn.Module):
    def __init__(self, latent, classes, hidden, blocks, emb):
        super().__init__()
        self.emb_dim = emb
        self.time_mlp = nn.Sequential(nn.Linear(emb, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.class_emb = nn.Embedding(classes + 1, emb) if classes else None
        self.__setattr__("in", nn.Linear(latent, hidden))
        self.norms = nn.ModuleList([nn.LayerNorm(hidden) for _ in range(blocks)])
        self.fc1 = nn.ModuleList([nn.Linear(hidden, 2 * hidden) for _ in range(blocks)])
        self.emb_proj = nn.ModuleList([nn.Linear(emb, 2 * hidden) for _ in range(blocks)])
        self.fc2 = nn.ModuleList([nn.Linear(2 * hidden, hidden) for _ in range(blocks)])
        self.norm_out, self.out = nn.LayerNorm(hidden), nn.Linear(hidden, latent)

    def forward(self, x, t, classes):
        emb = self.time_mlp(timestep_embedding(t, self.emb_dim))
        if self.class_emb is not None:
            emb = emb + self.class_emb(classes)
        emb = F.silu(emb)
        h = getattr(self, "in")(x)
        for norm, fc1, proj, fc2 in zip(self.norms, self.fc1, self.emb_proj, self.fc2):
            h = h + fc2(F.silu(fc1(norm(h)) + proj(emb)))
        return self.out(F.silu(self.norm_out(h)))


def load_bundle_denoiser(bundle):
    """The bundle's built-in denoiser with its weights, in eval mode, and its manifest."""
    m = json.load(open(bundle + "/model.json"))
    d, classes = m["denoiser"], (m.get("conditioning") or {}).get("num_classes", 0)
    cfg = d.get("config", {})
    if d["builtin"] == "unet":
        model = UNet(m["image"]["channels"], classes, cfg.get("channels", [32, 64, 64]), cfg.get("emb_dim", 128),
                     cfg.get("attention", True))
    elif d["builtin"] == "latent-mlp":
        model = LatentMlp(m["latent"]["shape"][0], classes, cfg.get("hidden", 256), cfg.get("blocks", 4),
                          cfg.get("emb_dim", 128))
    else:
        raise SystemExit("python_reference: no PyTorch version of builtin \"%s\"" % d["builtin"])
    model.load_state_dict(read_safetensors(bundle + "/" + d["weights"]))
    return model.eval(), m


def alphas_cumprod(s):
    n = s.get("num_train_timesteps", 1000)
    if s.get("beta_schedule", "linear") == "squaredcos_cap_v2":
        f = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        betas = torch.tensor([min(1 - f((i + 1) / n) / f(i / n), 0.999) for i in range(n)], dtype=torch.float64)
    elif s.get("beta_schedule") == "scaled_linear":
        betas = torch.linspace(s["beta_start"] ** 0.5, s["beta_end"] ** 0.5, n, dtype=torch.float64) ** 2
    else:
        betas = torch.linspace(s.get("beta_start", 1e-4), s.get("beta_end", 0.02), n, dtype=torch.float64)
    return torch.cumprod(1 - betas, 0)


def ddim_timesteps(s, steps):
    n, spacing = s.get("num_train_timesteps", 1000), s.get("timestep_spacing", "leading")
    if spacing == "trailing":
        return [int(round(v)) - 1 for v in np.arange(n, 0, -n / steps)]
    if spacing == "linspace":
        return [int(round(v)) for v in np.linspace(0, n - 1, steps)][::-1]
    return [i * (n // steps) + s.get("steps_offset", 0) for i in range(steps)][::-1]


def guided(model, x, t, classes, null, guidance):
    """Classifier-free guidance with both halves in one batch, as engine/diffusion/guidance.cpp."""
    n = x.shape[0]
    if classes is None or guidance == 1.0:
        return model(x, torch.full((n,), float(t)), classes)
    out = model(torch.cat([x, x]), torch.full((2 * n,), float(t)), torch.cat([classes, torch.full_like(classes, null)]))
    cond, uncond = out[:n], out[n:]
    return uncond + guidance * (cond - uncond)


def ddim_sample(model, m, x, classes, steps, guidance):
    """Deterministic DDIM (eta 0), diffusers' DDIMScheduler with set_alpha_to_one."""
    s = m["scheduler"]
    ac, pred, ts = alphas_cumprod(s), s.get("prediction_type", "epsilon"), ddim_timesteps(s, steps)
    null = (m.get("conditioning") or {}).get("num_classes", 0)
    for i, t in enumerate(ts):
        a = ac[t].item()
        a_prev = ac[ts[i + 1]].item() if i + 1 < len(ts) else 1.0
        out = guided(model, x, t, classes, null, guidance)
        if pred == "epsilon":
            eps, x0 = out, (x - math.sqrt(1 - a) * out) / math.sqrt(a)
        elif pred == "v_prediction":
            x0, eps = math.sqrt(a) * x - math.sqrt(1 - a) * out, math.sqrt(a) * out + math.sqrt(1 - a) * x
        else:
            x0, eps = out, (x - math.sqrt(a) * out) / math.sqrt(1 - a)
        if s.get("clip_sample", False):
            r = s.get("clip_sample_range", 1.0)
            x0 = x0.clamp(-r, r)
        x = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps
    return x


def time_ms(fn, repeats, warmup=3):
    for _ in range(warmup):
        fn()
    ms = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1000)
    ms.sort()
    return ms


def p(ms, q):
    return ms[min(len(ms) - 1, int(q * (len(ms) - 1) + 0.5))]


def bench_diffusion(bundle, m, repeats):
    model, m = load_bundle_denoiser(bundle)
    classes_n = (m.get("conditioning") or {}).get("num_classes", 0)
    latent = m["kind"] == "latent-diffusion"
    shape = m["latent"]["shape"] if latent else [m["image"]["channels"], m["image"]["height"], m["image"]["width"]]
    vae = None
    if latent:
        vae, _ = load_bundle_vae(os.path.normpath(os.path.join(bundle, m["autoencoder"])))
    scale = m["denoiser"].get("config", {}).get("latent_scale", 1.0)
    lo, hi = m["image"]["range"]

    def to_images(x):
        img = vae.decode(x / scale) if latent else x
        return ((img - lo) / (hi - lo)).clamp(0, 1)

    out = {"impl": "pytorch-eager", "threads": torch.get_num_threads(), "kind": m["kind"]}
    reps = max(5, repeats // 6)
    with torch.inference_mode():
        for batch, r in ((1, reps), (64, max(3, reps // 8))):
            x = torch.randn([batch] + shape)
            c = torch.full((batch,), 3, dtype=torch.long) if classes_n else None
            out["step_batch%d_ms_p50" % batch] = p(time_ms(lambda: guided(model, x, 500, c, classes_n, 1.0), r), 0.5)
            out["step_batch%d_guided_ms_p50" % batch] = p(time_ms(lambda: guided(model, x, 500, c, classes_n, 3.0), r), 0.5)
        c = torch.full((1,), 3, dtype=torch.long) if classes_n else None
        x = torch.randn([1] + shape)
        out["ddim50_guided_ms_p50"] = p(time_ms(lambda: to_images(ddim_sample(model, m, x, c, 50, 3.0)), 5, 1), 0.5)
    return out


def main():
    argv, opts = sys.argv[1:], {"--threads": 1, "--repeats": 500, "--encode-count": 10000}
    for k in opts:
        if k in argv:
            i = argv.index(k)
            opts[k] = int(argv[i + 1])
            del argv[i:i + 2]
    bundle = argv[0] if argv else "assets/models/fashion-vae-16"
    torch.set_num_threads(opts["--threads"])
    m = json.load(open(bundle + "/model.json"))
    if m["kind"] in ("diffusion", "latent-diffusion"):
        print(json.dumps(bench_diffusion(bundle, m, opts["--repeats"]), indent=2))
        return
    model, cfg = load_bundle_vae(bundle)
    raw = gzip.open("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz").read()
    x = torch.from_numpy(np.frombuffer(raw[16:], np.uint8).reshape(-1, 1, 28, 28).astype(np.float32) / 255)
    x = x[:opts["--encode-count"]]
    with torch.inference_mode():
        z = torch.randn(1, cfg["latent_dim"])
        ms = time_ms(lambda: model.decode(z), opts["--repeats"], 20)
        z64 = torch.randn(64, cfg["latent_dim"])
        ms64 = time_ms(lambda: model.decode(z64), max(10, opts["--repeats"] // 10), 5)
        t0 = time.perf_counter()
        for i in range(0, len(x), 500):
            model.encode(x[i:i + 500])
        enc = time.perf_counter() - t0
        mse = ((model.decode(model.encode(x[:1000])[0]) - x[:1000]) ** 2).mean().item()
    print(json.dumps({"impl": "pytorch-eager", "threads": opts["--threads"], "decode_batch1_ms_p50": p(ms, 0.5),
                      "decode_batch1_ms_p99": p(ms, 0.99), "decode_batch64_ms_p50": p(ms64, 0.5),
                      "encode_images": len(x), "encode_10000_s": enc * 10000 / len(x),
                      "encode_images_per_s": len(x) / enc, "mse_first_1000": mse}, indent=2))


if __name__ == "__main__":
    main()
