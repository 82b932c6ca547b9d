// Keeps memory that LibTorch frees inside the process instead of handing it back to the
// kernel after every operator. A batched denoiser call allocates and frees activations of a
// few MB per layer; with glibc's default (adaptive) thresholds many of them were unmapped or
// trimmed from the heap top on free and page-faulted in again, zeroed, by the next layer
// (`perf`: 13 % of a batched guided step in the kernel, mostly clear_page and page faults;
// bench/README.md, "Batched sampling", session 5). Peak memory is unchanged: what is kept is
// what the previous call already used. Process-wide, idempotent, a no-op outside glibc.
#pragma once

namespace latentlab {

void keepFreedMemoryInProcess();

}  // namespace latentlab
