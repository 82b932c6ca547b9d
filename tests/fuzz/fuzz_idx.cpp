// libFuzzer target: IDX bytes, raw or gzip-compressed, -> parseIdx. Accepted arrays must
// hold exactly product(dims) bytes.
#include <cstddef>
#include <cstdint>

#include "engine/data/idx.h"
#include "engine/util/file_io.h"
#include "fuzz_check.h"

using namespace latentlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    Bytes raw = gunzipIfCompressed(Bytes(data, data + size), fuzz::kWhere, uint64_t(16) << 20);
    IdxArray a = parseIdx(raw, fuzz::kWhere);
    if (a.data.size() != a.count()) fuzz::broken("IDX data size differs from the product of its dims");
    if (a.dims.empty() || a.dims.size() > 4) fuzz::broken("IDX rank outside 1..4 accepted");
  } catch (const BadInput& e) {
    fuzz::checkRefusal(e);
  }
  return 0;
}
