#!/usr/bin/env python3
"""Export your own PyTorch model as one TorchScript file that LatentLab opens.

LatentLab (C++, LibTorch 1.13) runs three kinds of user networks:

  autoencoder  encode(x) -> mean  or  -> (mean, logvar);  decode(z) -> x
  denoiser     forward(x_t, t)  or  forward(x_t, t, class)   (diffusion, latent-diffusion)
  generator    forward(z)  or  forward(z, class)             (gan)

x is N x C x H x W float in the image range, z is N x latent..., t is N float timesteps,
class is N int64 (the null class of classifier-free guidance is num_classes).

This script wraps your module in a small adapter with exactly those methods, scripts it
(torch.jit.script) or, when scripting fails, traces it (torch.jit.trace_module), checks that the
result loads back and runs with this torch's operators and matches your eager module, refuses
what LatentLab would refuse (with a message saying what to change), and writes the metadata
(docs/model-format.md) into the archive as the extra file `latentlab.json`, so the one .pt file
opens on its own:  latentlab info --model vae.pt

Use it as a library (README, "Open your own model"):

    import sys; sys.path.insert(0, "tools/export")
    from latentlab_export import export_autoencoder
    export_autoencoder(MyVAE().eval(), "vae.pt", image=(3, 32, 32), value_range=(0, 1),
                       classes=["cat", "dog"], name="My VAE")

or from the command line, with a Python file whose function builds your model (weights loaded):

    python3 tools/export/latentlab_export.py autoencoder --build my_models.py:load_vae \\
        --image 3x32x32 --range 0 1 -o vae.pt [--latentlab build/latentlab]

--latentlab runs `latentlab info --model OUT` as a final check with the real C++ loader.
Exit status: 0 exported, 3 refused (one line on stderr saying what to change), 2 usage.
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import warnings

import torch
import torch.nn as nn

FORMAT = "latentlab-model/1"
LIBTORCH = (1, 13)
# Operators LatentLab refuses (engine/models/torchscript_archive.cpp keeps the same list).
DENIED_OPERATORS = {"aten::from_file": "reads a file", "aten::save": "writes a file"}


class ExportRefused(Exception):
    """The model cannot be exported as it is; the message says what to change."""


# ----------------------------------------------------------------------------- adapters

class _AutoencoderAdapterScript(nn.Module):
    """The adapter for scripting: forward must not use Python-only helpers."""

    def __init__(self, model, returns_tuple):
        super().__init__()
        self.model = model
        self.returns_tuple = returns_tuple

    @torch.jit.export
    def encode(self, x):
        return self.model.encode(x)

    @torch.jit.export
    def decode(self, z):
        return self.model.decode(z)


class _DenoiserAdapter(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x_t, t):
        return self.model(x_t, t)


class _ConditionalDenoiserAdapter(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x_t, t, c):
        return self.model(x_t, t, c)


class _GeneratorAdapter(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, z):
        return self.model(z)


class _ConditionalGeneratorAdapter(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, z, c):
        return self.model(z, c)


# ----------------------------------------------------------------------------- checks

def _version_note():
    v = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2] if p.isdigit())
    if v > LIBTORCH:
        return ("torch %s is newer than LatentLab's LibTorch 1.13: the load check below does not prove the "
                "file runs there; pass --latentlab build/latentlab (or run `latentlab info --model FILE`)"
                % torch.__version__)
    return None


def _float_tensor(value, what):
    if not isinstance(value, torch.Tensor):
        raise ExportRefused("%s is a %s; it must return a Tensor" % (what, type(value).__name__))
    if not value.is_floating_point():
        raise ExportRefused("%s has dtype %s; return a float tensor (e.g. .float())" % (what, value.dtype))
    if not torch.isfinite(value).all():
        raise ExportRefused("%s holds NaN or Inf on a test input; check the weights and the value range" % what)
    return value


def _check_parameters(model):
    for name, p in list(model.named_parameters()) + list(model.named_buffers()):
        if p.is_floating_point() and not torch.isfinite(p).all():
            raise ExportRefused("parameter %s holds NaN or Inf; LatentLab refuses such weights" % name)


def _check_operators(scripted):
    """Every method's inlined graph, submodules included, against the denylist."""
    def walk(block, method):
        for node in block.nodes():
            if node.kind() in DENIED_OPERATORS:
                raise ExportRefused("method %s calls %s (%s); LatentLab refuses models that reach files, "
                                    "processes or the network: remove that call" %
                                    (method, node.kind(), DENIED_OPERATORS[node.kind()]))
            for sub in node.blocks():
                walk(sub, method)

    for module in [scripted] + [m for _, m in scripted.named_modules()]:
        for name in dir(module):
            try:
                method = getattr(module, name)
            except Exception:
                continue
            graph = getattr(method, "inlined_graph", None)
            if graph is not None and hasattr(method, "schema"):
                walk(graph, name)
    graph = getattr(scripted, "inlined_graph", None)
    if graph is not None:
        walk(graph, "forward")


def _run(what, fn, *args):
    """Calls the user's eager model; any exception is a refusal saying which call failed."""
    try:
        return fn(*args)
    except ExportRefused:
        raise
    except Exception as e:  # noqa: BLE001
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ExportRefused("%s failed on a test input: %s" % (what, first))


def _early_script(adapter, mode):
    """Scripts before anything runs, so a denied operator is refused before it is ever called."""
    if mode == "trace":
        return None
    try:
        scripted = torch.jit.script(adapter)
    except Exception:  # noqa: BLE001 - _script_or_trace reports it (or traces instead)
        return None
    _check_operators(scripted)
    return scripted


def _close(a, b, what):
    if a.shape != b.shape:
        raise ExportRefused("%s: the exported module returns shape %s but your module %s" %
                            (what, tuple(a.shape), tuple(b.shape)))
    tol = 1e-4 * max(1.0, float(b.abs().max()))
    err = float((a - b).abs().max()) if a.numel() else 0.0
    if err > tol:
        raise ExportRefused("%s: the exported module differs from your module by %.3g (traced control flow? "
                            "make the method scriptable, or remove data-dependent branches)" % (what, err))


def _script_or_trace(adapter, example_inputs, mode, scripted=None):
    """torch.jit.script first; torch.jit.trace_module when scripting fails (or mode == 'trace')."""
    if scripted is not None:
        return scripted, "script"
    errors = []
    if mode in ("auto", "script"):
        try:
            return torch.jit.script(adapter), "script"
        except Exception as e:  # noqa: BLE001 - any scripting failure falls back to tracing
            errors.append("torch.jit.script failed: %s" % str(e).strip().splitlines()[0])
            if mode == "script":
                raise ExportRefused(errors[0] + "; fix that line, or use --mode trace")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return torch.jit.trace_module(adapter, example_inputs, check_trace=False), "trace"
    except Exception as e:  # noqa: BLE001
        errors.append("torch.jit.trace failed: %s" % str(e).strip().splitlines()[0])
    raise ExportRefused("the model can be neither scripted nor traced (%s); make its methods TorchScript-"
                        "compatible (https://pytorch.org/docs/1.13/jit.html)" % "; ".join(errors))


def _save_and_reload(scripted, path, metadata):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    # torch.jit.save names the archive's folder after the file: keep the final name inside a
    # temporary folder, then rename into place (never a half-written .pt under the real name).
    tmpdir = tempfile.mkdtemp(dir=directory, prefix=".latentlab-export-")
    tmp = os.path.join(tmpdir, os.path.basename(path))
    try:
        torch.jit.save(scripted, tmp, _extra_files={"latentlab.json": json.dumps(metadata, indent=2)})
        extra = {"latentlab.json": ""}
        loaded = torch.jit.load(tmp, map_location="cpu", _extra_files=extra)
        json.loads(extra["latentlab.json"])
        os.replace(tmp, path)
    except Exception as e:  # noqa: BLE001
        raise ExportRefused("the exported file does not load back: %s" % str(e).strip().splitlines()[0])
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
        os.rmdir(tmpdir)
    return loaded


def _metadata(kind, name, image, value_range, latent_shape=None, classes=None, num_classes=0, extra=None):
    c, h, w = image
    if c not in (1, 3):
        raise ExportRefused("image has %d channels; LatentLab shows 1 (grey) or 3 (RGB)" % c)
    lo, hi = value_range
    if not lo < hi:
        raise ExportRefused("value_range must be (lo, hi) with lo < hi, e.g. (0, 1) or (-1, 1)")
    meta = {"format": FORMAT, "name": name, "kind": kind,
            "image": {"channels": c, "height": h, "width": w, "range": [lo, hi]}}
    if latent_shape is not None:
        meta["latent"] = {"shape": list(latent_shape)}
    if classes:
        meta["classes"] = list(classes)
    if num_classes:
        meta["conditioning"] = {"num_classes": int(num_classes)}
    if extra:
        meta.update(extra)
    return meta


def _check_range(y, value_range, what):
    lo, hi = value_range
    span = hi - lo
    if float(y.min()) < lo - span or float(y.max()) > hi + span:
        raise ExportRefused("%s spans [%.3g, %.3g], far outside value_range (%g, %g): pass the range your model "
                            "really produces" % (what, float(y.min()), float(y.max()), lo, hi))


def _finish(path, kind, mode, latentlab):
    note = _version_note()
    if note:
        print("note: " + note, file=sys.stderr)
    if latentlab:
        r = subprocess.run([latentlab, "info", "--model", path], capture_output=True, text=True)
        if r.returncode != 0:
            raise ExportRefused("latentlab refuses the exported file: %s" % r.stderr.strip())
    print("wrote %s (%s, %s)" % (path, kind, "scripted" if mode == "script" else "traced"))


# ----------------------------------------------------------------------------- exports

def export_autoencoder(model, path, image, value_range=(0, 1), classes=None, name=None, mode="auto",
                       latentlab=None, seed=0):
    """model has encode(x) -> mean or (mean, logvar) and decode(z) -> x. Returns the latent shape."""
    for method in ("encode", "decode"):
        if not callable(getattr(model, method, None)):
            raise ExportRefused("the model has no %s method; an autoencoder needs encode(x) -> mean or "
                                "(mean, logvar) and decode(z) -> x (wrap yours in a small nn.Module)" % method)
    model = model.eval()
    _check_parameters(model)
    early = _early_script(_AutoencoderAdapterScript(model, True), mode)
    g = torch.Generator().manual_seed(seed)
    lo, hi = value_range
    x = lo + (hi - lo) * torch.rand((2,) + tuple(image), generator=g)
    with torch.no_grad():
        enc = _run("encode", model.encode, x)
        if isinstance(enc, (tuple, list)):
            if len(enc) != 2:
                raise ExportRefused("encode returns %d values; return mean or (mean, logvar)" % len(enc))
            mean = _float_tensor(enc[0], "encode's mean")
            logvar = _float_tensor(enc[1], "encode's logvar")
            if logvar.shape != mean.shape:
                raise ExportRefused("encode's mean %s and logvar %s differ in shape" %
                                    (tuple(mean.shape), tuple(logvar.shape)))
        else:
            mean = _float_tensor(enc, "encode's output")
        if mean.dim() < 2 or mean.shape[0] != 2:
            raise ExportRefused("encode of 2 images returns shape %s; the batch must come first" % (tuple(mean.shape),))
        y = _float_tensor(_run("decode", model.decode, mean), "decode's output")
        if tuple(y.shape) != (2,) + tuple(image):
            raise ExportRefused("decode returns shape %s for 2 latents; expected %s (N x C x H x W of image)" %
                                (tuple(y.shape), (2,) + tuple(image)))
        _check_range(y, value_range, "decode's output")
    adapter = _AutoencoderAdapterScript(model, isinstance(enc, (tuple, list)))
    scripted, used = _script_or_trace(adapter, {"encode": (x,), "decode": (mean,)}, mode, early)
    _check_operators(scripted)
    latent = list(mean.shape[1:])
    meta = _metadata("autoencoder", name or type(model).__name__, image, value_range, latent, classes)
    loaded = _save_and_reload(scripted, path, meta)
    with torch.no_grad():
        x2 = lo + (hi - lo) * torch.rand((2,) + tuple(image), generator=g)
        ref = model.encode(x2)
        got = loaded.encode(x2)
        ref_mean = ref[0] if isinstance(ref, (tuple, list)) else ref
        got_mean = got[0] if isinstance(got, (tuple, list)) else got
        _close(got_mean, ref_mean, "encode")
        _close(loaded.decode(ref_mean), model.decode(ref_mean), "decode")
    _finish(path, "autoencoder", used, latentlab)
    return latent


def export_denoiser(model, path, sample_shape, image, value_range=(0, 1), num_classes=0, classes=None,
                    scheduler=None, sampling=None, autoencoder=None, latent_scale=None, name=None,
                    mode="auto", latentlab=None, seed=0):
    """model(x_t, t) or model(x_t, t, class) -> same shape as x_t (epsilon, v or x0 per scheduler).

    sample_shape is (C, H, W) of the image for pixel diffusion, or the latent shape with
    autoencoder= the path (relative to the exported file) of the VAE .pt or bundle folder."""
    model = model.eval()
    _check_parameters(model)
    adapter = _ConditionalDenoiserAdapter(model) if num_classes else _DenoiserAdapter(model)
    early = _early_script(adapter, mode)
    g = torch.Generator().manual_seed(seed)
    x = torch.randn((2,) + tuple(sample_shape), generator=g)
    t = torch.tensor([10.0, 500.0])
    args = (x, t)
    if num_classes:
        args = (x, t, torch.tensor([0, num_classes], dtype=torch.long))
    with torch.no_grad():
        try:
            out = model(*args)
        except TypeError as e:
            raise ExportRefused("calling the model as forward%s failed (%s); a denoiser is forward(x_t, t)%s" %
                                ("(x_t, t, class)" if num_classes else "(x_t, t)", e,
                                 "" if num_classes else " (pass num_classes for forward(x_t, t, class))"))
        except Exception as e:  # noqa: BLE001
            raise ExportRefused("forward failed on a test input: %s" % str(e).strip().splitlines()[0])
        out = _float_tensor(out, "forward's output")
        if out.shape != x.shape:
            raise ExportRefused("forward returns shape %s for x_t %s; a denoiser returns the shape of x_t" %
                                (tuple(out.shape), tuple(x.shape)))
    scripted, used = _script_or_trace(adapter, {"forward": args}, mode, early)
    _check_operators(scripted)
    kind = "latent-diffusion" if autoencoder else "diffusion"
    extra = {"scheduler": scheduler or {"num_train_timesteps": 1000, "beta_schedule": "linear",
                                        "beta_start": 0.0001, "beta_end": 0.02, "prediction_type": "epsilon"}}
    if sampling:
        extra["sampling"] = sampling
    if autoencoder:
        extra["autoencoder"] = autoencoder
    if latent_scale is not None:
        extra["denoiser"] = {"torchscript": os.path.basename(path), "config": {"latent_scale": latent_scale}}
    meta = _metadata(kind, name or type(model).__name__, image, value_range,
                     list(sample_shape) if autoencoder else None, classes, num_classes, extra)
    loaded = _save_and_reload(scripted, path, meta)
    with torch.no_grad():
        x2 = torch.randn((2,) + tuple(sample_shape), generator=g)
        args2 = (x2, t) + args[2:]
        _close(loaded(*args2), model(*args2), "forward")
    _finish(path, kind, used, latentlab)


def export_generator(model, path, latent_shape, image, value_range=(0, 1), num_classes=0, classes=None,
                     truncation=1.0, name=None, mode="auto", latentlab=None, seed=0):
    """model(z) or model(z, class) -> N x C x H x W images in value_range; z ~ N(0, I)."""
    model = model.eval()
    _check_parameters(model)
    adapter = _ConditionalGeneratorAdapter(model) if num_classes else _GeneratorAdapter(model)
    early = _early_script(adapter, mode)
    g = torch.Generator().manual_seed(seed)
    z = torch.randn((2,) + tuple(latent_shape), generator=g)
    args = (z, torch.tensor([0, max(0, num_classes - 1)], dtype=torch.long)) if num_classes else (z,)
    with torch.no_grad():
        y = _float_tensor(_run("forward", model, *args), "forward's output")
        if tuple(y.shape) != (2,) + tuple(image):
            raise ExportRefused("forward returns shape %s for 2 latents; expected %s (N x C x H x W of image)" %
                                (tuple(y.shape), (2,) + tuple(image)))
        _check_range(y, value_range, "forward's output")
    scripted, used = _script_or_trace(adapter, {"forward": args}, mode, early)
    _check_operators(scripted)
    meta = _metadata("gan", name or type(model).__name__, image, value_range, list(latent_shape), classes,
                     num_classes, {"truncation": truncation})
    loaded = _save_and_reload(scripted, path, meta)
    with torch.no_grad():
        _close(loaded(*args), model(*args), "forward")
    _finish(path, "gan", used, latentlab)


# ----------------------------------------------------------------------------- command line

def _shape(text):
    try:
        parts = tuple(int(p) for p in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("expected a shape like 3x32x32, got %r" % text)
    if not parts or min(parts) < 1:
        raise argparse.ArgumentTypeError("expected a shape like 3x32x32, got %r" % text)
    return parts


def _build(spec):
    path, _, func = spec.partition(":")
    if not func or not os.path.isfile(path):
        raise ExportRefused("--build must be FILE.py:FUNCTION (a function returning your nn.Module with its weights "
                            "loaded), got %r" % spec)
    loader = importlib.util.spec_from_file_location("latentlab_user_model", path)
    mod = importlib.util.module_from_spec(loader)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    loader.loader.exec_module(mod)
    if not hasattr(mod, func):
        raise ExportRefused("%s has no function %s" % (path, func))
    model = getattr(mod, func)()
    if not isinstance(model, nn.Module):
        raise ExportRefused("%s:%s returned a %s, expected a torch.nn.Module (a state_dict must be loaded into "
                            "your model class first: model.load_state_dict(torch.load(...)))" %
                            (path, func, type(model).__name__))
    return model


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["autoencoder", "diffusion", "latent-diffusion", "gan"])
    p.add_argument("--build", required=True, help="FILE.py:FUNCTION returning your model, weights loaded")
    p.add_argument("--image", type=_shape, required=True, help="CxHxW of the images, e.g. 3x32x32")
    p.add_argument("--range", type=float, nargs=2, default=(0.0, 1.0), metavar=("LO", "HI"))
    p.add_argument("--latent", type=_shape, help="latent shape (gan, latent-diffusion), e.g. 64 or 4x8x8")
    p.add_argument("--num-classes", type=int, default=0, help="conditional models: number of classes")
    p.add_argument("--classes", help="comma-separated class names")
    p.add_argument("--autoencoder", help="latent-diffusion: the VAE .pt (path relative to the output)")
    p.add_argument("--name")
    p.add_argument("--mode", choices=["auto", "script", "trace"], default="auto")
    p.add_argument("--latentlab", help="path of the latentlab binary: run `latentlab info` on the result")
    p.add_argument("-o", "--output", required=True)
    a = p.parse_args(argv)
    classes = a.classes.split(",") if a.classes else None
    try:
        model = _build(a.build)
        if a.kind == "autoencoder":
            export_autoencoder(model, a.output, a.image, tuple(a.range), classes, a.name, a.mode, a.latentlab)
        elif a.kind == "gan":
            if not a.latent:
                raise ExportRefused("a gan needs --latent (the shape of z, e.g. 64)")
            export_generator(model, a.output, a.latent, a.image, tuple(a.range), a.num_classes, classes,
                             name=a.name, mode=a.mode, latentlab=a.latentlab)
        else:
            if a.kind == "latent-diffusion" and not (a.latent and a.autoencoder):
                raise ExportRefused("latent-diffusion needs --latent (the latent shape) and --autoencoder (the VAE)")
            export_denoiser(model, a.output, a.latent if a.kind == "latent-diffusion" else a.image, a.image,
                            tuple(a.range), a.num_classes, classes, autoencoder=a.autoencoder, name=a.name,
                            mode=a.mode, latentlab=a.latentlab)
    except ExportRefused as e:
        print("latentlab_export: refused: %s" % e, file=sys.stderr)
        return 3
    except Exception as e:  # noqa: BLE001 - e.g. the --build file itself fails: still one line
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        print("latentlab_export: refused: %s: %s" % (type(e).__name__, first), file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
