#!/bin/sh
# Makes tools/reference/map_quality_reference.json, the scikit-learn t-SNE scores that
# tests/engine/test_map_quality.cpp compares our layouts with: the first 1,000 Fashion-MNIST
# test images encoded by fashion-vae-16, laid out by sklearn's TSNE (about a minute on one
# core, too slow for every test run). Run from the repository root after building.
set -e
tmp=$(mktemp -d)
build/latentlab encode --model assets/models/fashion-vae-16 --data fashion-mnist:test --limit 1000 \
  -o "$tmp/x.npy" --labels "$tmp/labels.npy"
/usr/bin/python3 tools/reference/projection_reference.py sklearn-tsne "$tmp/x.npy" "$tmp/labels.npy" 1 \
  tools/reference/map_quality_reference.json
rm -rf "$tmp"
