#!/bin/bash
# Issue 13's side-by-side table (bench/README.md, "Maps: the layout speed"): on the 10,000
# Fashion-MNIST test latents of fashion-vae-16, our t-SNE and UMAP (`latentlab map --threads 1`)
# against scikit-learn's TSNE and umap-learn (warm: the second fit of each call) on the same
# latents with the same neighbour counts, every library held to one thread. Times are the
# layout alone (ours: computeLayout; theirs: fit_transform), the median of REPEATS runs
# (default 3), each run of each method back to back so machine load hits all alike.
# Quality (trustworthiness at k = 10, 10-NN class accuracy in 2-D) by scikit-learn.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
B="${BIN:-$ROOT/build/latentlab}"
M="$ROOT/assets/models/fashion-vae-16"
PY="/usr/bin/python3 $ROOT/tools/reference/projection_reference.py"
REPEATS="${REPEATS:-3}"
export OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
"$B" encode --model "$M" --data fashion-mnist:test -o "$T/x.npy" --labels "$T/labels.npy" > /dev/null
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A times quality
for r in $(seq "$REPEATS"); do
  for p in umap tsne; do
    line=$("$B" map --model "$M" --data fashion-mnist:test --projection $p --threads 1 -o "$T/$p.npy" 2>/dev/null)
    s=$(echo "$line" | sed -n 's/.*layout \([0-9.]*\) s.*/\1/p')
    times[$p]="${times[$p]:-} $s"
    echo "run $r: our $p $s s" >&2
  done
  read -r t a s <<< "$($PY umap-learn "$T/x.npy" "$T/labels.npy" 1)"
  times[umap-learn]="${times[umap-learn]:-} $s"; quality[umap-learn]="$t $a"
  echo "run $r: umap-learn $s s ($t $a)" >&2
  read -r t a s <<< "$($PY sklearn-tsne "$T/x.npy" "$T/labels.npy" 1)"
  times[sklearn-tsne]="${times[sklearn-tsne]:-} $s"; quality[sklearn-tsne]="$t $a"
  echo "run $r: sklearn t-SNE $s s ($t $a)" >&2
done
read -r ut ua <<< "$($PY quality "$T/x.npy" "$T/labels.npy" "$T/umap.npy")"
read -r tt ta <<< "$($PY quality "$T/x.npy" "$T/labels.npy" "$T/tsne.npy")"
quality[umap]="$ut $ua"
quality[tsne]="$tt $ta"
echo "| layout | median time (s) of $REPEATS | all runs (s) | trustworthiness, 10-NN accuracy |"
echo "|---|---|---|---|"
for p in umap umap-learn tsne sklearn-tsne; do
  echo "| $p | $(echo "${times[$p]}" | median) | ${times[$p]# } | ${quality[$p]} |"
done
um=$(echo "${times[umap]}" | median); ul=$(echo "${times[umap-learn]}" | median)
tm=$(echo "${times[tsne]}" | median); tl=$(echo "${times[sklearn-tsne]}" | median)
awk -v a="$um" -v b="$ul" -v c="$tm" -v d="$tl" \
  'BEGIN { printf "ours / reference time: UMAP %.2f, t-SNE %.2f (goal: at most 0.33)\n", a / b, c / d }'
