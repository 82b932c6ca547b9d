#!/bin/bash
# The Train view's live demo speed (issue 14: recognisable clothing within 5 minutes on a
# 2-core CPU): a session replays STEPS steps of the Train view from seed 1 in the real window
# under Xvfb, and the screenshot shows its grid at that step. usage: bench/gan_train_view.sh [STEPS] [OUT]
set -e
STEPS=${1:-300}; OUT=${2:-out/bench-gan-train}
mkdir -p "$OUT"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cat > "$OUT/session.json" <<J
{"format": "latentlab-session/1", "model": "$ROOT/assets/models/fashion-gan", "data": "fashion-mnist:test",
 "device": "cpu", "panels": {"train": {"open": true, "seed": 1, "steps": $STEPS}}}
J
start=$(date +%s.%N)
xvfb-run -a -s "-screen 0 1600x1000x24" "$ROOT/build/latentlab" --session "$OUT/session.json" --screenshot "$OUT/train-$STEPS.png"
end=$(date +%s.%N)
echo "steps $STEPS: $(echo "$end - $start" | bc) s wall (window start, GAN map, data and $STEPS steps); picture $OUT/train-$STEPS.png"
