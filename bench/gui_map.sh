#!/bin/bash
# Latent map frame times in the real window under Xvfb (Mesa llvmpipe): fashion-vae-16 on
# $DATA (default fashion-mnist:all, 70,000 points) in plane $PLANE (pca, or umap/tsne: the
# layout runs in the app first, and ready_seconds is the time to the converged map).
# LATENTLAB_BENCH_MAP (app/map/map_bench.h) pans the view a few whole pixels every frame,
# then hovers the pointer across the map a step a frame, $FRAMES frames each, and writes
# percentiles to $OUT (default bench/results/gui_map-$PLANE.json).
# LATENTLAB_FULL_REDRAW=1 in the environment draws whole frames instead of partial ones.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BIN:-$ROOT/build/latentlab}"
PLANE="${PLANE:-pca}"
DATA="${DATA:-fashion-mnist:all}"
OUT="${OUT:-$ROOT/bench/results/gui_map-$PLANE.json}"
mkdir -p "$(dirname "$OUT")"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
cat > "$T/session.json" <<JSON
{"format": "latentlab-session/1", "model": "$ROOT/assets/models/fashion-vae-16", "data": "$DATA",
 "device": "cpu", "map": {"plane": {"mode": "$PLANE"}},
 "panels": {"map": {"layout": {"neighbors": 15, "min_dist": 0.1, "seed": 1}}}}
JSON
LATENTLAB_BENCH_MAP="$OUT" LATENTLAB_BENCH_MAP_FRAMES="${FRAMES:-300}" \
  xvfb-run -a -s "-screen 0 1600x1000x24" "$BIN" --session "$T/session.json"
