#!/usr/bin/python3
"""Reference numbers for tests/engine/test_samplers.cpp.

Implements, independently of the C++ engine and in float64 numpy, the published update
rules as diffusers writes them (DDPMScheduler, DDIMScheduler, EulerDiscreteScheduler,
DPMSolverMultistepScheduler with dpmsolver++ / order 2 / midpoint), the beta schedules and
the timestep spacings, and runs every sampler with a closed-form denoiser: the exact
posterior mean E[x0 | x_t] for Gaussian data x0 ~ N(mu_c, s^2 I), where the class shifts
the mean. Classifier-free guidance mixes the class and null-class outputs.

Documented differences from diffusers that the engine makes on purpose (and so does this
reference): every sampler visits DDIMScheduler's timesteps for the given spacing, the
"previous" timestep is the next one in that list, and Euler's initial noise is scaled by
sqrt(sigma_max^2 + 1).

Usage: sampler_reference.py OUT.json   (deterministic: fixed seed)
"""
import json
import math
import sys

import numpy as np

NUM_CLASSES = 4
SAMPLE_SHAPE = [1, 3, 3]
DATA_STD = 0.5
CLASS_SHIFT = 0.25
STEPS = 10
SAMPLERS = ["ddpm", "ddim", "euler", "dpmpp-2m"]


def betas_for(cfg):
    n = cfg["num_train_timesteps"]
    kind = cfg["beta_schedule"]
    if kind == "linear":
        return np.linspace(cfg["beta_start"], cfg["beta_end"], n, dtype=np.float64)
    if kind == "scaled_linear":
        return np.linspace(cfg["beta_start"] ** 0.5, cfg["beta_end"] ** 0.5, n, dtype=np.float64) ** 2
    if kind == "squaredcos_cap_v2":
        f = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        return np.array([min(1 - f((i + 1) / n) / f(i / n), 0.999) for i in range(n)], dtype=np.float64)
    raise ValueError(kind)


def alphas_cumprod(cfg):
    return np.cumprod(1.0 - betas_for(cfg))


def timesteps_for(cfg, steps):
    n = cfg["num_train_timesteps"]
    spacing = cfg.get("timestep_spacing", "leading")
    if spacing == "linspace":
        return np.linspace(0, n - 1, steps).round()[::-1].copy().astype(np.int64)
    if spacing == "leading":
        ratio = n // steps
        return (np.arange(0, steps) * ratio).round()[::-1].copy().astype(np.int64) + cfg.get("steps_offset", 0)
    if spacing == "trailing":
        ratio = n / steps
        # numpy's float arange can add one element (rounding to timestep -1, e.g. 333 of
        # 1000); exactly `steps` timesteps are meant.
        return (np.round(np.arange(n, 0, -ratio)).astype(np.int64) - 1)[:steps]
    raise ValueError(spacing)


class Problem:
    """The closed-form denoiser for one schedule."""

    def __init__(self, cfg, mean):
        self.acp = alphas_cumprod(cfg)
        self.pred = cfg.get("prediction_type", "epsilon")
        self.mean = mean

    def x0_posterior(self, xt, t, classes):
        a = self.acp[t]
        out = np.empty_like(xt)
        for i, c in enumerate(classes):
            mu = self.mean + (CLASS_SHIFT * (c + 1) if c < NUM_CLASSES else 0.0)
            k = math.sqrt(a) * DATA_STD ** 2 / (a * DATA_STD ** 2 + 1 - a)
            out[i] = mu + k * (xt[i] - math.sqrt(a) * mu)
        return out

    def model(self, xt, t, classes):
        a = self.acp[t]
        x0 = self.x0_posterior(xt, t, classes)
        eps = (xt - math.sqrt(a) * x0) / math.sqrt(1 - a)
        if self.pred == "epsilon":
            return eps
        if self.pred == "sample":
            return x0
        return math.sqrt(a) * eps - math.sqrt(1 - a) * x0  # v

    def guided(self, xt, t, classes, g):
        if g == 1.0:
            return self.model(xt, t, classes)
        cond = self.model(xt, t, classes)
        unc = self.model(xt, t, [NUM_CLASSES] * len(classes))
        return unc + g * (cond - unc)


def x0_from(pred, out, xt, a):
    if pred == "epsilon":
        return (xt - (1 - a) ** 0.5 * out) / a ** 0.5
    if pred == "sample":
        return out
    return a ** 0.5 * xt - (1 - a) ** 0.5 * out


def eps_from(pred, out, xt, a):
    if pred == "epsilon":
        return out
    if pred == "sample":
        return (xt - a ** 0.5 * out) / (1 - a) ** 0.5
    return a ** 0.5 * out + (1 - a) ** 0.5 * xt


def run_case(cfg, sampler, eta, guidance, classes, z, noises, mean, clipped_eps=False):
    p = Problem(cfg, mean)
    acp = p.acp
    ts = timesteps_for(cfg, STEPS)
    clip = cfg.get("clip_sample", False)
    rng = cfg.get("clip_sample_range", 1.0)
    pred = p.pred
    sig = lambda t: ((1 - acp[t]) / acp[t]) ** 0.5
    prevs, x0s = [], []
    if sampler == "euler":
        sigmas = [sig(t) for t in ts] + [0.0]
        x = z * (sigmas[0] ** 2 + 1) ** 0.5
    else:
        x = z.copy()
    history = []  # dpm++: (x0, lambda)
    for i, t in enumerate(ts):
        prev_t = ts[i + 1] if i + 1 < len(ts) else -1
        a = acp[t]
        a_prev = acp[prev_t] if prev_t >= 0 else 1.0
        if sampler == "ddpm":
            out = p.guided(x, t, classes, guidance)
            x0 = x0_from(pred, out, x, a)
            if clip:
                x0 = np.clip(x0, -rng, rng)
            cur_alpha = a / a_prev
            cur_beta = 1 - cur_alpha
            c0 = a_prev ** 0.5 * cur_beta / (1 - a)
            cx = cur_alpha ** 0.5 * (1 - a_prev) / (1 - a)
            prev = c0 * x0 + cx * x
            if prev_t >= 0:
                var = max((1 - a_prev) / (1 - a) * cur_beta, 1e-20)
                prev = prev + var ** 0.5 * noises[i]
        elif sampler == "ddim":
            out = p.guided(x, t, classes, guidance)
            x0 = x0_from(pred, out, x, a)
            eps = eps_from(pred, out, x, a)
            if clip:
                x0 = np.clip(x0, -rng, rng)
            if clipped_eps:  # diffusers' DDIMScheduler.step(use_clipped_model_output=True)
                eps = (x - a ** 0.5 * x0) / (1 - a) ** 0.5
            var = (1 - a_prev) / (1 - a) * (1 - a / a_prev)
            std = eta * var ** 0.5
            prev = a_prev ** 0.5 * x0 + (1 - a_prev - std ** 2) ** 0.5 * eps
            if eta > 0:
                prev = prev + std * noises[i]
        elif sampler == "euler":
            s, s_next = sigmas[i], sigmas[i + 1]
            out = p.guided(x / (s ** 2 + 1) ** 0.5, t, classes, guidance)
            if pred == "epsilon":
                x0 = x - s * out
            elif pred == "sample":
                x0 = out
            else:
                x0 = out * (-s / (s ** 2 + 1) ** 0.5) + x / (s ** 2 + 1)
            d = (x - x0) / s
            prev = x + d * (s_next - s)
        elif sampler == "dpmpp-2m":
            out = p.guided(x, t, classes, guidance)
            # diffusers' _sigma_to_alpha_sigma_t: alpha_t = 1/sqrt(sigma^2+1), sigma_t = sigma*alpha_t
            s0 = sig(t)
            alpha_s0, sigma_s0 = 1 / (s0 ** 2 + 1) ** 0.5, s0 / (s0 ** 2 + 1) ** 0.5
            x0 = (x - sigma_s0 * out) / alpha_s0 if pred == "epsilon" else (
                out if pred == "sample" else alpha_s0 * x - sigma_s0 * out)
            lam_s0 = math.log(alpha_s0) - math.log(sigma_s0)
            if prev_t < 0:
                prev = x0  # final sigma 0: first order update gives alpha_t * x0 with alpha_t = 1
            else:
                s1 = sig(prev_t)
                alpha_t, sigma_t = 1 / (s1 ** 2 + 1) ** 0.5, s1 / (s1 ** 2 + 1) ** 0.5
                lam_t = math.log(alpha_t) - math.log(sigma_t)
                h = lam_t - lam_s0
                if not history:  # first order (DPM-Solver++ 1 = DDIM)
                    prev = (sigma_t / sigma_s0) * x - alpha_t * (math.exp(-h) - 1.0) * x0
                else:
                    m1, lam_s1 = history[-1]
                    r0 = (lam_s0 - lam_s1) / h
                    d0, d1 = x0, (1.0 / r0) * (x0 - m1)
                    prev = ((sigma_t / sigma_s0) * x - alpha_t * (math.exp(-h) - 1.0) * d0
                            - 0.5 * alpha_t * (math.exp(-h) - 1.0) * d1)
            history.append((x0, lam_s0))
        else:
            raise ValueError(sampler)
        prevs.append(prev.reshape(-1).tolist())
        x0s.append(x0.reshape(-1).tolist())
        x = prev
    return ts.tolist(), prevs, x0s


def main():
    out_path = sys.argv[1]
    rs = np.random.RandomState(1234)
    count = 2
    shape = [count] + SAMPLE_SHAPE
    mean = np.linspace(-0.8, 0.8, int(np.prod(SAMPLE_SHAPE))).reshape(SAMPLE_SHAPE)
    base = {"num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012}
    schedules = ["linear", "scaled_linear", "squaredcos_cap_v2"]
    preds = ["epsilon", "v_prediction", "sample"]
    spacings = [("leading", 0), ("trailing", 0), ("linspace", 0), ("leading", 1)]

    result = {"denoiser": {"num_classes": NUM_CLASSES, "std": DATA_STD, "class_shift": CLASS_SHIFT,
                           "mean": mean.reshape(-1).tolist(), "sample_shape": SAMPLE_SHAPE, "count": count},
              "schedules": [], "timesteps": [], "cases": []}
    for kind in schedules:
        cfg = dict(base, beta_schedule=kind)
        result["schedules"].append({"config": cfg, "alphas_cumprod": alphas_cumprod(cfg).tolist()})
    for spacing, offset in spacings:
        for steps in [1, 7, 10, 16, 50, 333, 1000]:
            cfg = dict(base, beta_schedule="linear", timestep_spacing=spacing, steps_offset=offset)
            if spacing == "leading" and offset and steps * (1000 // steps) - (1000 // steps) + offset >= 1000:
                continue  # would index past the schedule; the engine refuses it
            result["timesteps"].append({"config": cfg, "steps": steps, "timesteps": timesteps_for(cfg, steps).tolist()})

    k = 0
    for kind in schedules:
        for pred in preds:
            for sampler in SAMPLERS:
                for eta, clipped_eps in ([(0.0, False), (0.6, False), (0.0, True)] if sampler == "ddim" else [(0.0, False)]):
                    spacing, offset = spacings[k % len(spacings)]
                    cfg = dict(base, beta_schedule=kind, prediction_type=pred, timestep_spacing=spacing,
                               steps_offset=offset, clip_sample=(k % 3 == 0), clip_sample_range=1.0)
                    k += 1
                    guidance = [1.0, 2.5][k % 2]
                    classes = [0, 3] if k % 4 else [NUM_CLASSES, 1]
                    z = rs.randn(*shape)
                    noises = [rs.randn(*shape) for _ in range(STEPS)]
                    ts, prevs, x0s = run_case(cfg, sampler, eta, guidance, classes, z, noises, mean, clipped_eps)
                    result["cases"].append({"config": cfg, "sampler": sampler, "eta": eta, "clipped_eps": clipped_eps, "steps": STEPS,
                                            "guidance": guidance, "classes": classes, "timesteps": ts,
                                            "z": z.reshape(-1).tolist(),
                                            "noise": [n.reshape(-1).tolist() for n in noises],
                                            "prev": prevs, "x0": x0s})
    with open(out_path, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
