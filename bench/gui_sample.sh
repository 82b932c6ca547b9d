#!/bin/bash
# Real-window frame times while a diffusion model samples under Xvfb: 50-step DDIM runs back
# to back (guidance 3, a new seed and class each), every step rendered live in the Diffusion
# panel. Prints and writes bench/results/gui_sample-<model>.json. MODEL defaults to fashion-ldm.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BIN:-$ROOT/build/latentlab}"
MODEL="${MODEL:-fashion-ldm}"
mkdir -p "$ROOT/bench/results"
xvfb-run -a -s "-screen 0 1600x1000x24" "$BIN" --model "$ROOT/assets/models/$MODEL" \
  --bench-drag "$ROOT/bench/results/gui_sample-$MODEL.json" --bench-moves "${RUNS:-10}"
