#include "engine/data/idx.h"

#include <cstdio>

#include "engine/util/checked_size.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace latentlab {

// 2^34 one-byte elements (16 GiB) is far above any IDX file we can read (files are capped).
static constexpr uint64_t kMaxElements = uint64_t(1) << 34;

IdxArray parseIdx(const std::vector<uint8_t>& b, const std::string& where) {
  if (b.empty()) throw BadInput(where + ": empty file, expected IDX data");
  if (b.size() < 4) throw BadInput(where + ": truncated IDX header (" + std::to_string(b.size()) + " bytes)");
  if (b[0] != 0 || b[1] != 0)
    throw BadInput(where + ": wrong magic, not an IDX file (first two bytes must be zero)");
  if (b[2] != 0x08) {
    char type[8];
    std::snprintf(type, sizeof type, "0x%02X", unsigned(b[2]));
    throw BadInput(where + ": IDX element type " + type + " is not supported (only unsigned byte, 0x08)");
  }
  int rank = b[3];
  if (rank < 1 || rank > 4) throw BadInput(where + ": IDX rank " + std::to_string(rank) + " not in 1..4");
  size_t header = 4 + 4 * size_t(rank);
  if (b.size() < header) throw BadInput(where + ": truncated IDX header");
  IdxArray a;
  for (int i = 0; i < rank; ++i) {
    const uint8_t* p = &b[4 + 4 * size_t(i)];
    a.dims.push_back((uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]);
  }
  uint64_t count = checkedElementCount(a.dims, kMaxElements, where, "IDX dimensions");
  uint64_t payload = b.size() - header;
  if (payload < count)
    throw BadInput(where + ": IDX declares " + std::to_string(count) + " bytes of data but the file holds " +
                   std::to_string(payload) + " (truncated?)");
  if (payload > count)
    throw BadInput(where + ": IDX has " + std::to_string(payload - count) + " trailing bytes after the data");
  a.data.assign(b.begin() + long(header), b.end());
  return a;
}

IdxArray readIdx(const std::string& path) { return parseIdx(readMaybeGzip(path), path); }

}  // namespace latentlab
