#!/bin/sh
# Bench (issue 15): KV-cached token sampling vs recomputing the prefix at every token, on the
# bundled fashion-vq prior (bench/tokens_kv.cpp). Needs the project built (build/liblatentlab_engine.a).
# usage: bench/tokens_kv.sh [MODEL_DIR] [RUNS]     (results: bench/tokens_kv.md)
set -e
cd "$(dirname "$0")/.."
out=build/bench_tokens_kv
if [ ! -x "$out" ] || [ bench/tokens_kv.cpp -nt "$out" ] || [ build/liblatentlab_engine.a -nt "$out" ]; then
  c++ -O3 -DNDEBUG -std=gnu++17 -D_GLIBCXX_USE_CXX11_ABI=1 -I. -isystem /usr/include/torch/csrc/api/include \
    bench/tokens_kv.cpp -o "$out" build/liblatentlab_engine.a \
    -Wl,--no-as-needed /usr/lib/x86_64-linux-gnu/libtorch.so.1.13.0 /usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13.0 \
    -Wl,--as-needed /usr/lib/x86_64-linux-gnu/libc10.so -lz -lzip -lgif -lpthread
fi
exec "$out" "${1:-assets/models/fashion-vq}" "${2:-30}"
