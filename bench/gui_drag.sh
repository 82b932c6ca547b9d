#!/bin/bash
# Real-window drag benchmark under Xvfb: scripted cursor moves on the latent map of
# fashion-vae-16 while the background worker decodes manifold grids. Prints and writes
# bench/results/gui_drag.json, or $OUT (drag p50/p99 = cursor move to the swap showing its
# image). LATENTLAB_FULL_REDRAW=1 in the environment measures whole frames instead.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BIN:-$ROOT/build/latentlab}"
OUT="${OUT:-$ROOT/bench/results/gui_drag.json}"
mkdir -p "$(dirname "$OUT")"
xvfb-run -a -s "-screen 0 1600x1000x24" "$BIN" --model "$ROOT/assets/models/fashion-vae-16" \
  --data fashion-mnist:test --bench-drag "$OUT" --bench-moves "${MOVES:-300}"
