#!/bin/bash
# Real-window drag benchmark under Xvfb: scripted cursor moves on the latent map of
# fashion-vae-16 while the background worker decodes manifold grids. Prints and writes
# bench/results/gui_drag.json (drag p50/p99 = cursor move to the swap showing its image).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BIN:-$ROOT/build/latentlab}"
mkdir -p "$ROOT/bench/results"
xvfb-run -a -s "-screen 0 1600x1000x24" "$BIN" --model "$ROOT/assets/models/fashion-vae-16" \
  --data fashion-mnist:test --bench-drag "$ROOT/bench/results/gui_drag.json" --bench-moves "${MOVES:-300}"
