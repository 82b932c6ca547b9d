#!/bin/bash
# The VAE Train view's live demo speed (issue 16: on a 2-core CPU the classes must visibly
# separate within 60 seconds). Trains the Train view's default VAE (2-d latent, conv-vae
# 16/32/256, batch 64, Adam 2e-3, BCE + KL) on one intra-op thread for SECONDS, encoding
# the map of 2,000 test images every 50 steps as the view does, and prints the 5-nearest-
# neighbour class accuracy of that map over time, next to the bundled fashion-vae-2 (30
# epochs) as the ceiling. usage: bench/vae_live.sh [SECONDS]   (needs a build: make build)
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT/build/tests"
VAE_LIVE_SECONDS=${1:-60} ./engine_test_vae_live --no-skip -tc='bench*' | grep -v '^\[doctest\]\|^===='
