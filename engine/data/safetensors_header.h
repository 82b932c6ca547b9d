// The torch-free half of the safetensors reader: parses and validates the 8-byte length and
// the JSON header against the file (dtype, shape x dtype = byte range, ranges inside the data
// section and not overlapping), so the torch half only copies bytes it is told are valid.
// Must never include torch: the fuzz build compiles it alone.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace latentlab {

struct SafetensorsEntry {
  std::string name;
  std::string dtype;       // "F32", "I64", ... (one of safetensorsItemSize's names)
  size_t itemSize = 0;     // bytes per element
  std::vector<int64_t> shape;
  uint64_t count = 0;      // elements
  uint64_t begin = 0, end = 0;  // byte range inside the data section
};

struct SafetensorsLayout {
  std::vector<SafetensorsEntry> tensors;  // sorted by name
  uint64_t dataOffset = 0;                // where the data section starts in the file
  uint64_t dataSize = 0;
};

// Bytes per element of a safetensors dtype name, or 0 when it is not supported.
size_t safetensorsItemSize(const std::string& dtype);

// Throws BadInput naming `where` (and the tensor) for anything malformed.
SafetensorsLayout parseSafetensorsLayout(const std::vector<uint8_t>& bytes, const std::string& where);

}  // namespace latentlab
