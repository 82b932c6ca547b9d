#include "engine/data/safetensors.h"

#include <algorithm>
#include <cstring>

#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "engine/util/json_strict.h"

namespace latentlab {

namespace {

struct DtypeInfo {
  const char* name;
  torch::ScalarType type;
  size_t size;
};
const DtypeInfo kDtypes[] = {{"F32", torch::kFloat32, 4}, {"F64", torch::kFloat64, 8},
                             {"F16", torch::kFloat16, 2}, {"BF16", torch::kBFloat16, 2},
                             {"I64", torch::kInt64, 8},   {"I32", torch::kInt32, 4},
                             {"U8", torch::kUInt8, 1},    {"I8", torch::kInt8, 1},
                             {"BOOL", torch::kBool, 1}};

const DtypeInfo* byName(const std::string& n) {
  for (auto& d : kDtypes)
    if (n == d.name) return &d;
  return nullptr;
}
const DtypeInfo* byType(torch::ScalarType t) {
  for (auto& d : kDtypes)
    if (t == d.type) return &d;
  return nullptr;
}

}  // namespace

TensorMap parseSafetensors(const std::vector<uint8_t>& b, const std::string& where) {
  if (b.empty()) throw BadInput(where + ": empty file, expected safetensors");
  if (b.size() < 8) throw BadInput(where + ": truncated safetensors header");
  uint64_t hlen = 0;
  for (int i = 7; i >= 0; --i) hlen = (hlen << 8) | b[i];
  if (hlen > b.size() - 8) throw BadInput(where + ": safetensors header length " + std::to_string(hlen) +
                                           " is longer than the file");
  if (hlen > (100u << 20)) throw BadInput(where + ": safetensors header larger than 100 MiB");
  nlohmann::json h = parseJsonStrict(std::string(b.begin() + 8, b.begin() + 8 + hlen), where + " (header)");
  if (!h.is_object()) throw BadInput(where + ": safetensors header is not a JSON object");
  const uint8_t* data = b.data() + 8 + hlen;
  uint64_t dataSize = b.size() - 8 - hlen;

  TensorMap out;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (auto& [name, info] : h.items()) {
    if (name == "__metadata__") continue;
    std::string w = where + ": tensor '" + name + "'";
    if (!info.is_object() || !info.contains("dtype") || !info.contains("shape") || !info.contains("data_offsets"))
      throw BadInput(w + " needs dtype, shape and data_offsets");
    if (!info["dtype"].is_string()) throw BadInput(w + ": dtype must be a string");
    const DtypeInfo* dt = byName(info["dtype"].get<std::string>());
    if (!dt) throw BadInput(w + ": dtype " + info["dtype"].get<std::string>() + " not supported");
    std::vector<int64_t> shape;
    uint64_t count = 1;
    if (!info["shape"].is_array()) throw BadInput(w + ": shape must be an array");
    for (auto& d : info["shape"]) {
      if (!d.is_number_unsigned()) throw BadInput(w + ": shape entries must be non-negative integers");
      shape.push_back(d.get<int64_t>());
      count *= d.get<uint64_t>();
      if (count > (uint64_t(1) << 36)) throw BadInput(w + ": shape is absurdly large");
    }
    auto& off = info["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      throw BadInput(w + ": data_offsets must be [begin, end]");
    uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
    if (begin > end || end > dataSize)
      throw BadInput(w + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                     "] lie outside the " + std::to_string(dataSize) + "-byte data section");
    if (end - begin != count * dt->size)
      throw BadInput(w + ": shape x dtype needs " + std::to_string(count * dt->size) + " bytes but data_offsets give " +
                     std::to_string(end - begin));
    ranges.push_back({begin, end});
    torch::Tensor t = torch::empty(shape, torch::TensorOptions().dtype(dt->type));
    if (count) std::memcpy(t.data_ptr(), data + begin, end - begin);
    if (t.is_floating_point() && count && !torch::isfinite(t).all().item<bool>())
      throw BadInput(w + " holds NaN or Inf values");
    out[name] = t;
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first < ranges[i - 1].second && ranges[i].first != ranges[i].second)
      throw BadInput(where + ": tensors have overlapping data_offsets");
  return out;
}

TensorMap readSafetensors(const std::string& path) { return parseSafetensors(readFileBytes(path), path); }

std::vector<uint8_t> encodeSafetensors(const TensorMap& tensors) {
  nlohmann::json h = nlohmann::json::object();
  std::vector<torch::Tensor> order;
  uint64_t offset = 0;
  for (auto& [name, t0] : tensors) {
    torch::Tensor t = t0.detach().to(torch::kCPU).contiguous();
    const DtypeInfo* dt = byType(t.scalar_type());
    if (!dt) throw BadInput("safetensors: tensor '" + name + "' has an unsupported dtype");
    uint64_t n = uint64_t(t.numel()) * dt->size;
    h[name] = {{"dtype", dt->name}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + n}}};
    offset += n;
    order.push_back(t);
  }
  std::string hs = h.dump();
  hs.append((8 - hs.size() % 8) % 8, ' ');  // align the data section to 8 bytes
  std::vector<uint8_t> out(8);
  uint64_t hl = hs.size();
  for (int i = 0; i < 8; ++i) out[i] = uint8_t(hl >> (8 * i));
  out.insert(out.end(), hs.begin(), hs.end());
  for (auto& t : order) {
    auto* p = static_cast<const uint8_t*>(t.data_ptr());
    out.insert(out.end(), p, p + t.numel() * t.element_size());
  }
  return out;
}

void writeSafetensors(const std::string& path, const TensorMap& tensors) {
  writeFileAtomic(path, encodeSafetensors(tensors));
}

}  // namespace latentlab
