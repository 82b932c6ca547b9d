#include "engine/data/npy.h"

#include <cmath>
#include <cstring>
#include <regex>

#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace latentlab {

size_t npyItemSize(NpyDtype t) {
  switch (t) {
    case NpyDtype::Float32: return 4;
    case NpyDtype::UInt8: return 1;
    case NpyDtype::Int64: return 8;
  }
  return 1;
}

static const char* descrOf(NpyDtype t) {
  switch (t) {
    case NpyDtype::Float32: return "<f4";
    case NpyDtype::UInt8: return "|u1";
    case NpyDtype::Int64: return "<i8";
  }
  return "";
}

NpyArray parseNpy(const std::vector<uint8_t>& b, const std::string& where) {
  static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (b.empty()) throw BadInput(where + ": empty file, expected .npy data");
  if (b.size() < 10 || std::memcmp(b.data(), magic, 6) != 0)
    throw BadInput(where + ": wrong magic, not a .npy file");
  int major = b[6];
  size_t hlen, hstart;
  if (major == 1) {
    hlen = b[8] | (size_t(b[9]) << 8);
    hstart = 10;
  } else if (major == 2 || major == 3) {
    if (b.size() < 12) throw BadInput(where + ": truncated .npy header");
    hlen = b[8] | (size_t(b[9]) << 8) | (size_t(b[10]) << 16) | (size_t(b[11]) << 24);
    hstart = 12;
  } else {
    throw BadInput(where + ": unsupported .npy version " + std::to_string(major));
  }
  if (hstart + hlen > b.size()) throw BadInput(where + ": .npy header longer than the file");
  std::string h(b.begin() + hstart, b.begin() + hstart + hlen);

  std::smatch m;
  if (!std::regex_search(h, m, std::regex("'descr'\\s*:\\s*'([^']*)'")))
    throw BadInput(where + ": .npy header has no 'descr'");
  std::string descr = m[1];
  NpyArray a;
  if (descr == "<f4") a.dtype = NpyDtype::Float32;
  else if (descr == "|u1" || descr == "<u1") a.dtype = NpyDtype::UInt8;
  else if (descr == "<i8") a.dtype = NpyDtype::Int64;
  else throw BadInput(where + ": .npy dtype '" + descr + "' not supported (use float32, uint8 or int64)");

  if (!std::regex_search(h, m, std::regex("'fortran_order'\\s*:\\s*(True|False)")))
    throw BadInput(where + ": .npy header has no 'fortran_order'");
  if (m[1] == "True") throw BadInput(where + ": Fortran-ordered .npy not supported (save with C order)");

  if (!std::regex_search(h, m, std::regex("'shape'\\s*:\\s*\\(([^)]*)\\)")))
    throw BadInput(where + ": .npy header has no 'shape'");
  std::string dims = m[1];
  std::regex num("\\s*(\\d+)\\s*,?");
  uint64_t count = 1;
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), num); it != std::sregex_iterator(); ++it) {
    int64_t d = std::stoll((*it)[1]);
    a.shape.push_back(d);
    count *= uint64_t(d);
    if (count > (uint64_t(1) << 36)) throw BadInput(where + ": .npy shape is absurdly large");
  }
  uint64_t need = count * npyItemSize(a.dtype);
  uint64_t have = b.size() - hstart - hlen;
  if (have < need)
    throw BadInput(where + ": .npy declares " + std::to_string(need) + " data bytes but holds " +
                   std::to_string(have) + " (truncated?)");
  if (have > need) throw BadInput(where + ": .npy has trailing bytes after the data");
  a.data.assign(b.begin() + hstart + hlen, b.end());
  if (a.dtype == NpyDtype::Float32) {
    const float* f = a.f32();
    for (uint64_t i = 0; i < count; ++i)
      if (!std::isfinite(f[i]))
        throw BadInput(where + ": value " + std::to_string(i) + " is NaN or Inf");
  }
  return a;
}

NpyArray readNpy(const std::string& path) { return parseNpy(readFileBytes(path), path); }

std::vector<uint8_t> encodeNpy(const NpyArray& a) {
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i) {
    shape += std::to_string(a.shape[i]);
    if (a.shape.size() == 1 || i + 1 < a.shape.size()) shape += ",";
    if (i + 1 < a.shape.size()) shape += " ";
  }
  shape += ")";
  std::string h = std::string("{'descr': '") + descrOf(a.dtype) + "', 'fortran_order': False, 'shape': " +
                  shape + ", }";
  size_t total = 10 + h.size() + 1;
  size_t pad = (64 - total % 64) % 64;
  h += std::string(pad, ' ') + "\n";
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  out.push_back(uint8_t(h.size() & 0xff));
  out.push_back(uint8_t(h.size() >> 8));
  out.insert(out.end(), h.begin(), h.end());
  out.insert(out.end(), a.data.begin(), a.data.end());
  return out;
}

void writeNpy(const std::string& path, const NpyArray& a) { writeFileAtomic(path, encodeNpy(a)); }

NpyArray makeNpyF32(std::vector<int64_t> shape, const float* values) {
  NpyArray a;
  a.dtype = NpyDtype::Float32;
  a.shape = std::move(shape);
  a.data.resize(size_t(a.count()) * 4);
  std::memcpy(a.data.data(), values, a.data.size());
  return a;
}

NpyArray makeNpyI64(std::vector<int64_t> shape, const int64_t* values) {
  NpyArray a;
  a.dtype = NpyDtype::Int64;
  a.shape = std::move(shape);
  a.data.resize(size_t(a.count()) * 8);
  std::memcpy(a.data.data(), values, a.data.size());
  return a;
}

}  // namespace latentlab
