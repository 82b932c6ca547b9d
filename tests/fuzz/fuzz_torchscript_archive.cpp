// libFuzzer target: bytes -> scanTorchScriptArchive's in-memory twin (the libzip pre-scan that
// runs before LibTorch sees a .pt file). Every input is accepted or refused with a BadInput
// naming it; an accepted archive must have the records TorchScript needs and bounded sizes.
// Wiring (lead): engine/models/torchscript_archive.cpp in fuzz_parsers, find_package(libzip)
// + libzip::zip, "torchscript_archive" in the foreach; seeds: a few .pt files written by
// tools/export/example_models.py (vae.pt, from_file.pt, bomb.pt, traversal.pt).
#include <cstddef>
#include <cstdint>

#include "engine/models/torchscript_archive.h"
#include "fuzz_check.h"

using namespace latentlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ArchiveLimits limits;
  limits.maxTotalBytes = uint64_t(64) << 20;  // keep libFuzzer's memory small
  try {
    ArchiveScan s = scanTorchScriptBytes(data, size, fuzz::kWhere, limits);
    if (s.prefix.empty()) fuzz::broken("accepted an archive without a top folder");
    if (s.totalBytes > limits.maxTotalBytes) fuzz::broken("accepted more than maxTotalBytes");
    if (s.metadata.size() > limits.maxExtraBytes) fuzz::broken("read more metadata than allowed");
  } catch (const BadInput& e) {
    fuzz::checkRefusal(e);
  }
  return 0;
}
