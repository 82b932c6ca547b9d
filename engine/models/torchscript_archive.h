// The pre-scan of a TorchScript archive (a zip written by torch.jit.save), done with libzip
// BEFORE LibTorch reads a byte of it: the central directory's entry names and declared sizes,
// the total uncompressed size (bounded relative to the file size and absolutely, so a zip bomb
// is refused before anything is inflated), the records TorchScript needs (data.pkl,
// constants.pkl, code/), a text scan of the serialized code for operators on the denylist,
// and the `latentlab.json` extra file. Torch-free (the fuzz build compiles it). Never
// inflates more than the small code and metadata entries, never trusts a declared size.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace latentlab {

struct ArchiveLimits {
  uint64_t maxFileBytes = uint64_t(4) << 30;    // the .pt file itself
  uint64_t maxTotalBytes = uint64_t(8) << 30;   // sum of declared uncompressed sizes
  double maxRatio = 20.0;                       // total uncompressed / file size (torch stores, ~1)
  uint64_t maxEntries = 100000;
  uint64_t maxCodeBytes = uint64_t(32) << 20;   // serialized code read for the operator scan
  uint64_t maxExtraBytes = uint64_t(1) << 20;   // latentlab.json
};

struct ArchiveScan {
  std::string prefix;          // the archive's top folder ("vae" for vae/data.pkl)
  uint64_t entries = 0;
  uint64_t totalBytes = 0;     // declared uncompressed
  bool hasMetadata = false;    // <prefix>/extra/latentlab.json present
  std::string metadata;        // its text
};

// One entry of the operator denylist: TorchScript operators that reach the file system,
// processes or the network. Written down here and tested (tests/engine/test_torchscript_*).
struct DeniedOperator {
  const char* op;        // graph node kind, e.g. "aten::from_file"
  const char* codeForm;  // how serialized code spells a call, e.g. "torch.from_file("
  const char* why;       // "reads a file"
};
const std::vector<DeniedOperator>& deniedOperators();

// Throws BadInput "<where>: ..." naming what is wrong: not a zip, a pickle / state_dict saved
// with torch.save, truncated, too many or too large entries, a path-traversing name, missing
// TorchScript records, a denied operator in the code, metadata too large.
ArchiveScan scanTorchScriptArchive(const std::string& path, const ArchiveLimits& limits = {});
ArchiveScan scanTorchScriptBytes(const void* data, size_t size, const std::string& where,
                                 const ArchiveLimits& limits = {});

// The hint every "this is not TorchScript" message ends with.
std::string exportHint();

}  // namespace latentlab
