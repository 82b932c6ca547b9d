#!/bin/bash
# `make run`: open the GUI on the bundled default model. Without a display (e.g. over
# ssh) it renders the demo grids with the CLI instead and says where they are.
set -euo pipefail
BUILD="${1:-build}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/$BUILD/latentlab"
MODEL="$ROOT/assets/models/fashion-vae-16"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$BIN" --model "$MODEL" --data fashion-mnist:test
fi

OUT="$ROOT/out/demo"
mkdir -p "$OUT"
echo "No display found: rendering the demo grids with the CLI instead."
"$BIN" render recon    --model "$MODEL" --count 10 -o "$OUT/recon.png"
"$BIN" render sample   --model "$MODEL" --count 32 --seed 1 -o "$OUT/samples.png"
"$BIN" render interp   --model "$MODEL" --from 0 --to 1 --steps 10 --mode slerp -o "$OUT/interp.png"
"$BIN" render traverse --model "$ROOT/assets/models/fashion-vae-2" --dim 0 1 --range -2.5 2.5 --steps 11 \
  -o "$OUT/traverse-2d.png"
echo "Demo grids are in $OUT"
