// IDX reader (the MNIST / Fashion-MNIST container), gzip or raw. Only unsigned-byte data
// is accepted; magic, rank, dimensions and the payload size are checked against the file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace latentlab {

struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> data;  // row-major, product(dims) bytes
  uint64_t count() const {
    uint64_t n = 1;
    for (auto d : dims) n *= d;
    return n;
  }
};

IdxArray readIdx(const std::string& path);
IdxArray parseIdx(const std::vector<uint8_t>& bytes, const std::string& where);

}  // namespace latentlab
