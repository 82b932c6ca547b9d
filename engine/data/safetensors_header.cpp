#include "engine/data/safetensors_header.h"

#include <algorithm>

#include "engine/util/checked_size.h"
#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

namespace latentlab {

namespace {
// Elements in one tensor: 2^36 is far above any weight file we may read (files are capped).
constexpr uint64_t kMaxElements = uint64_t(1) << 36;
constexpr uint64_t kMaxHeaderBytes = uint64_t(100) << 20;
}  // namespace

size_t safetensorsItemSize(const std::string& n) {
  static const struct {
    const char* name;
    size_t size;
  } kSizes[] = {{"F32", 4}, {"F64", 8}, {"F16", 2}, {"BF16", 2}, {"I64", 8},
                {"I32", 4}, {"U8", 1},  {"I8", 1},  {"BOOL", 1}};
  for (auto& d : kSizes)
    if (n == d.name) return d.size;
  return 0;
}

SafetensorsLayout parseSafetensorsLayout(const std::vector<uint8_t>& b, const std::string& where) {
  if (b.empty()) throw BadInput(where + ": empty file, expected safetensors");
  if (b.size() < 8) throw BadInput(where + ": truncated safetensors header");
  uint64_t hlen = 0;
  for (int i = 7; i >= 0; --i) hlen = (hlen << 8) | b[size_t(i)];
  if (hlen > b.size() - 8)
    throw BadInput(where + ": safetensors header length " + std::to_string(hlen) + " is longer than the file");
  if (hlen > kMaxHeaderBytes) throw BadInput(where + ": safetensors header larger than 100 MiB");
  nlohmann::json h =
      parseJsonStrict(std::string(b.begin() + 8, b.begin() + 8 + long(hlen)), where + " (header)");
  if (!h.is_object()) throw BadInput(where + ": safetensors header is not a JSON object");

  SafetensorsLayout out;
  out.dataOffset = 8 + hlen;
  out.dataSize = b.size() - 8 - hlen;
  for (auto& [name, info] : h.items()) {
    if (name == "__metadata__") {
      if (!info.is_object()) throw BadInput(where + ": __metadata__ must be an object");
      continue;
    }
    std::string w = where + ": tensor '" + name + "'";
    if (!info.is_object() || !info.contains("dtype") || !info.contains("shape") || !info.contains("data_offsets"))
      throw BadInput(w + " needs dtype, shape and data_offsets");
    SafetensorsEntry e;
    e.name = name;
    if (!info["dtype"].is_string()) throw BadInput(w + ": dtype must be a string");
    e.dtype = info["dtype"].get<std::string>();
    e.itemSize = safetensorsItemSize(e.dtype);
    if (!e.itemSize) throw BadInput(w + ": dtype " + e.dtype + " not supported");
    if (!info["shape"].is_array()) throw BadInput(w + ": shape must be an array");
    std::vector<uint64_t> dims;
    for (auto& d : info["shape"]) {
      if (!d.is_number_unsigned()) throw BadInput(w + ": shape entries must be non-negative integers");
      dims.push_back(d.get<uint64_t>());
    }
    e.count = checkedElementCount(dims, kMaxElements, w, "shape");
    for (uint64_t d : dims) e.shape.push_back(int64_t(d));  // each <= kMaxElements
    auto& off = info["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      throw BadInput(w + ": data_offsets must be [begin, end]");
    e.begin = off[0].get<uint64_t>();
    e.end = off[1].get<uint64_t>();
    if (e.begin > e.end || e.end > out.dataSize)
      throw BadInput(w + ": data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                     "] lie outside the " + std::to_string(out.dataSize) + "-byte data section");
    uint64_t need = mulOrThrow(e.count, e.itemSize, w, "shape x dtype size");
    if (e.end - e.begin != need)
      throw BadInput(w + ": shape x dtype needs " + std::to_string(need) + " bytes but data_offsets give " +
                     std::to_string(e.end - e.begin));
    if (e.dtype == "BOOL")  // torch assumes a bool byte is 0 or 1; anything else is undefined
      for (uint64_t i = e.begin; i < e.end; ++i)
        if (b[size_t(out.dataOffset + i)] > 1)
          throw BadInput(w + ": BOOL value at byte " + std::to_string(i - e.begin) + " is neither 0 nor 1");
    out.tensors.push_back(std::move(e));
  }
  // Overlap: sorted by begin, each non-empty range must start at or after the furthest end
  // of the non-empty ranges before it (comparing only neighbours misses a range hidden
  // behind an empty one).
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (auto& e : out.tensors)
    if (e.end > e.begin) ranges.push_back({e.begin, e.end});
  std::sort(ranges.begin(), ranges.end());
  uint64_t furthest = 0;
  for (auto& [begin, end] : ranges) {
    if (begin < furthest) throw BadInput(where + ": tensors have overlapping data_offsets");
    furthest = std::max(furthest, end);
  }
  return out;
}

}  // namespace latentlab
