#!/bin/bash
# Real-window slider benchmark under Xvfb (issue 10): the Directions panel's first slider is
# moved by script (LATENTLAB_BENCH_SLIDER, app/steer/slider_bench.h), one move after each
# re-decoded picture reached the screen, while the background worker decodes 24 x 24 manifold
# grids, the way bench/gui_drag.sh measures the map drag. Prints and writes
# bench/results/gui_slider.json, or $OUT (slider p50/p99 = slider move -> the end of the swap
# of the frame showing its picture; stages_ms splits it).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${BIN:-$ROOT/build/latentlab}"
OUT="${OUT:-$ROOT/bench/results/gui_slider.json}"
MOVES="${MOVES:-300}"
mkdir -p "$(dirname "$OUT")"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
# A session with the Directions panel open and one slider (latent dimension 0, sigma 1).
cat > "$TMP/session.json" <<JSON
{"format": "latentlab-session/1", "model": "$ROOT/assets/models/fashion-vae-16",
 "data": "fashion-mnist:test", "device": "cpu",
 "panels": {"directions": {"open": true, "sliders": [
   {"direction": {"name": "z0", "source": "file", "units": "sigma", "sigma": 1.0,
                  "vector": [1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}, "value": 0.0}]}}}
JSON
rm -f "$OUT"
LATENTLAB_BENCH_SLIDER="$OUT" LATENTLAB_BENCH_MOVES="$MOVES" \
  xvfb-run -a -s "-screen 0 1600x1000x24" "$BIN" --session "$TMP/session.json" &
PID=$!
# The bench writes its result and keeps the window open: end it once the file is there.
for _ in $(seq 1 600); do
  [ -s "$OUT" ] && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 1
done
kill "$PID" 2>/dev/null || true
wait "$PID" 2>/dev/null || true
[ -s "$OUT" ] || { echo "gui_slider.sh: no result in $OUT" >&2; exit 1; }
cat "$OUT"
