#include "engine/data/safetensors.h"

#include <algorithm>
#include <cstring>

#include "engine/data/safetensors_header.h"
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
  SafetensorsLayout layout = parseSafetensorsLayout(b, where);
  const uint8_t* data = b.data() + layout.dataOffset;
  TensorMap out;
  for (auto& e : layout.tensors) {
    const DtypeInfo* dt = byName(e.dtype);
    if (!dt) throw BadInput(where + ": tensor '" + e.name + "': dtype " + e.dtype + " not supported");
    torch::Tensor t = torch::empty(e.shape, torch::TensorOptions().dtype(dt->type));
    if (e.count) std::memcpy(t.data_ptr(), data + e.begin, e.end - e.begin);
    if (t.is_floating_point() && e.count && !torch::isfinite(t).all().item<bool>())
      throw BadInput(where + ": tensor '" + e.name + "' holds NaN or Inf values");
    out[e.name] = t;
  }
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
