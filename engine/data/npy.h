// NPY (NumPy .npy v1/v2) read and write: float32, uint8 and int64, little-endian, C order.
// Anything else (Fortran order, other dtypes, object arrays) is refused with a message.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace latentlab {

enum class NpyDtype { Float32, UInt8, Int64 };

struct NpyArray {
  NpyDtype dtype = NpyDtype::Float32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;  // raw little-endian bytes, C order

  int64_t count() const {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
  const float* f32() const { return reinterpret_cast<const float*>(data.data()); }
  const int64_t* i64() const { return reinterpret_cast<const int64_t*>(data.data()); }
};

size_t npyItemSize(NpyDtype t);
NpyArray readNpy(const std::string& path);
NpyArray parseNpy(const std::vector<uint8_t>& bytes, const std::string& where);
std::vector<uint8_t> encodeNpy(const NpyArray& a);
void writeNpy(const std::string& path, const NpyArray& a);

NpyArray makeNpyF32(std::vector<int64_t> shape, const float* values);
NpyArray makeNpyI64(std::vector<int64_t> shape, const int64_t* values);

}  // namespace latentlab
