#include "engine/data/npy.h"

#include <cmath>
#include <cstring>

#include "engine/util/checked_size.h"
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

namespace {

// The .npy header is a Python dict literal, e.g. {'descr': '<f4', 'fortran_order': False,
// 'shape': (3, 4), }. Parsed by hand, strictly: exactly these three keys, integer tuples
// only, no regex (a regex over a multi-megabyte header can exhaust the stack).
class HeaderParser {
 public:
  HeaderParser(const std::string& text, const std::string& where) : m_s(text), m_where(where) {}

  void parse(std::string& descr, bool& fortran, std::vector<int64_t>& shape) {
    bool haveDescr = false, haveFortran = false, haveShape = false;
    skipSpace();
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}') break;
      std::string key = quoted();
      skipSpace();
      expect(':');
      skipSpace();
      if (key == "descr") {
        if (haveDescr) fail("has 'descr' twice");
        if (peek() != '\'' && peek() != '"')
          fail("'descr' is not a plain dtype string (structured dtypes are not supported; use float32, uint8 or "
               "int64)");
        descr = quoted(), haveDescr = true;
      } else if (key == "fortran_order") {
        if (haveFortran) fail("has 'fortran_order' twice");
        fortran = boolean(), haveFortran = true;
      } else if (key == "shape") {
        if (haveShape) fail("has 'shape' twice");
        shape = tuple(), haveShape = true;
      } else {
        fail("has an unexpected key '" + key + "' (expected descr, fortran_order and shape)");
      }
      skipSpace();
      if (peek() == ',') ++m_pos;
      else if (peek() != '}') fail("is not a dict literal (expected ',' or '}' at byte " + std::to_string(m_pos) + ")");
    }
    ++m_pos;
    for (; m_pos < m_s.size(); ++m_pos)
      if (m_s[m_pos] != ' ' && m_s[m_pos] != '\n' && m_s[m_pos] != '\0')
        fail("has unexpected text after the dict");
    if (!haveDescr) fail("has no 'descr'");
    if (!haveFortran) fail("has no 'fortran_order'");
    if (!haveShape) fail("has no 'shape'");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw BadInput(m_where + ": .npy header " + what); }
  char peek() const { return m_pos < m_s.size() ? m_s[m_pos] : '\0'; }
  void skipSpace() {
    while (m_pos < m_s.size() && (m_s[m_pos] == ' ' || m_s[m_pos] == '\t' || m_s[m_pos] == '\n')) ++m_pos;
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("is not a dict literal (expected '") + c + "' at byte " + std::to_string(m_pos) + ")");
    ++m_pos;
  }
  std::string quoted() {
    char q = peek();
    if (q != '\'' && q != '"') fail("is not a dict literal (expected a quoted string at byte " + std::to_string(m_pos) + ")");
    size_t close = m_s.find(q, m_pos + 1);
    if (close == std::string::npos) fail("has an unterminated string");
    std::string out = m_s.substr(m_pos + 1, close - m_pos - 1);
    m_pos = close + 1;
    return out;
  }
  bool boolean() {
    if (m_s.compare(m_pos, 4, "True") == 0) return m_pos += 4, true;
    if (m_s.compare(m_pos, 5, "False") == 0) return m_pos += 5, false;
    fail("'fortran_order' must be True or False");
  }
  // (), (5,), (3, 4) -- each entry a non-negative integer that fits in int64.
  std::vector<int64_t> tuple() {
    expect('(');
    std::vector<int64_t> out;
    while (true) {
      skipSpace();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("'shape' must be a tuple of non-negative integers");
      uint64_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (!checkedMul(v, 10, v) || !checkedAdd(v, uint64_t(peek() - '0'), v) || v > uint64_t(INT64_MAX))
          fail("'shape' has a dimension too large for a 64-bit integer");
        ++m_pos;
      }
      if (peek() == 'L') ++m_pos;  // Python 2 long suffix
      out.push_back(int64_t(v));
      skipSpace();
      if (peek() == ',') ++m_pos;
      else if (peek() != ')') fail("'shape' must be a tuple of non-negative integers");
    }
    ++m_pos;
    return out;
  }

  const std::string& m_s;
  const std::string& m_where;
  size_t m_pos = 0;
};

// numpy itself refuses headers above 10,000 bytes unless told otherwise; allow some slack.
constexpr size_t kMaxHeaderBytes = 1 << 16;
// Elements in one array: 2^36 (256 GiB of float32) is far above any file we may read.
constexpr uint64_t kMaxElements = uint64_t(1) << 36;

}  // namespace

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
  if (hlen > b.size() - hstart) throw BadInput(where + ": .npy header longer than the file");
  if (hlen > kMaxHeaderBytes)
    throw BadInput(where + ": .npy header is " + std::to_string(hlen) + " bytes, more than " +
                   std::to_string(kMaxHeaderBytes));
  std::string h(b.begin() + long(hstart), b.begin() + long(hstart + hlen));

  NpyArray a;
  std::string descr;
  bool fortran = false;
  HeaderParser(h, where).parse(descr, fortran, a.shape);
  if (descr == "<f4") a.dtype = NpyDtype::Float32;
  else if (descr == "|u1" || descr == "<u1") a.dtype = NpyDtype::UInt8;
  else if (descr == "<i8") a.dtype = NpyDtype::Int64;
  else throw BadInput(where + ": .npy dtype '" + descr + "' not supported (use float32, uint8 or int64)");
  if (fortran) throw BadInput(where + ": Fortran-ordered .npy not supported (save with C order)");

  uint64_t count = checkedElementCount(a.shape, kMaxElements, where, ".npy shape");
  uint64_t need = mulOrThrow(count, npyItemSize(a.dtype), where, ".npy data size");
  uint64_t have = b.size() - hstart - hlen;
  if (have < need)
    throw BadInput(where + ": .npy declares " + std::to_string(need) + " data bytes but holds " +
                   std::to_string(have) + " (truncated?)");
  if (have > need) throw BadInput(where + ": .npy has " + std::to_string(have - need) + " trailing bytes after the data");
  a.data.assign(b.begin() + long(hstart + hlen), b.end());
  if (a.dtype == NpyDtype::Float32) {
    for (uint64_t i = 0; i < count; ++i) {
      float v;
      std::memcpy(&v, a.data.data() + 4 * i, 4);
      if (!std::isfinite(v)) throw BadInput(where + ": value " + std::to_string(i) + " is NaN or Inf");
    }
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
