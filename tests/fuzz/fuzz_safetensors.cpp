// libFuzzer target: safetensors bytes -> parseSafetensorsLayout (the torch-free half that
// decides which bytes torch may copy). Accepted layouts must describe in-file,
// non-overlapping ranges of exactly count x item-size bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "engine/data/safetensors_header.h"
#include "fuzz_check.h"

using namespace latentlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    SafetensorsLayout l = parseSafetensorsLayout(std::vector<uint8_t>(data, data + size), fuzz::kWhere);
    if (l.dataOffset + l.dataSize != size) fuzz::broken("data section does not end at the end of the file");
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (auto& e : l.tensors) {
      if (e.begin > e.end || e.end > l.dataSize) fuzz::broken("tensor range outside the data section");
      if (e.end - e.begin != e.count * e.itemSize) fuzz::broken("tensor range is not count x item size");
      uint64_t n = 1;
      for (int64_t d : e.shape) n *= uint64_t(d);
      if (n != e.count) fuzz::broken("tensor count is not the product of its shape");
      // Touch every byte the torch half would copy (ASan checks the range).
      volatile uint8_t sink = 0;
      for (uint64_t i = e.begin; i < e.end; ++i) sink = sink ^ data[l.dataOffset + i];
      if (e.end > e.begin) ranges.push_back({e.begin, e.end});
    }
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i)
      if (ranges[i].first < ranges[i - 1].second) fuzz::broken("overlapping tensor ranges accepted");
  } catch (const BadInput& e) {
    fuzz::checkRefusal(e);
  }
  return 0;
}
