#!/bin/bash
# Map layouts (issue 13): our t-SNE and UMAP on the 10,000 Fashion-MNIST test latents of
# fashion-vae-16 (time, trustworthiness at k = 10, 10-NN class accuracy in 2-D, scored by
# scikit-learn), the PCA plane for scale, and both on train + test (70,000 points).
# REF=1 also runs umap-learn and scikit-learn's t-SNE on the same latents (minutes).
# Numbers go to bench/README.md by hand; run on a quiet machine.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
B="${BIN:-$ROOT/build/latentlab}"
M="$ROOT/assets/models/fashion-vae-16"
PY="/usr/bin/python3 $ROOT/tools/reference/projection_reference.py"
T="$(mktemp -d)"
"$B" encode --model "$M" --data fashion-mnist:test -o "$T/x.npy" --labels "$T/labels.npy" > /dev/null
for p in pca tsne umap; do
  line=$("$B" map --model "$M" --data fashion-mnist:test --projection $p -o "$T/$p.npy" 2>/dev/null)
  echo "10k $p: $line; trustworthiness, 10-NN accuracy: $($PY quality "$T/x.npy" "$T/labels.npy" "$T/$p.npy")"
done
if [ "${REF:-0}" = 1 ]; then
  echo "10k umap-learn (warm): trustworthiness, accuracy, seconds: $($PY umap-learn "$T/x.npy" "$T/labels.npy" 1)"
  /usr/bin/time -f "%e s" $PY sklearn-tsne "$T/x.npy" "$T/labels.npy" 1
fi
for p in umap tsne; do
  echo "70k $p: $("$B" map --model "$M" --data fashion-mnist:all --projection $p -o "$T/$p-70k.npy" 2>/dev/null)"
done
"$ROOT/build/tests/app_test_map_picking" -tc='*timing*' --no-skip | grep MESSAGE
rm -rf "$T"
