// libFuzzer target: .npy bytes -> parseNpy. Accepted arrays must hold exactly
// count x item-size bytes and survive a write/read round trip unchanged.
#include <cstddef>
#include <cstdint>

#include "engine/data/npy.h"
#include "fuzz_check.h"

using namespace latentlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    NpyArray a = parseNpy(std::vector<uint8_t>(data, data + size), fuzz::kWhere);
    if (a.data.size() != uint64_t(a.count()) * npyItemSize(a.dtype))
      fuzz::broken("npy data size differs from shape x item size");
    NpyArray b = parseNpy(encodeNpy(a), "round trip");
    if (b.shape != a.shape || b.dtype != a.dtype || b.data != a.data) fuzz::broken("npy round trip changed the array");
  } catch (const BadInput& e) {
    fuzz::checkRefusal(e);
  }
  return 0;
}
