// safetensors reader and writer, written here and strict: every offset is checked against
// the file, overlapping or out-of-file ranges, duplicate keys, shape x dtype mismatches and
// headers longer than the file are refused (by safetensors_header, the torch-free half).
// Float tensors are checked for NaN/Inf.
#pragma once
#include <torch/types.h>

#include <map>
#include <string>
#include <vector>

namespace latentlab {

using TensorMap = std::map<std::string, torch::Tensor>;

TensorMap readSafetensors(const std::string& path);
TensorMap parseSafetensors(const std::vector<uint8_t>& bytes, const std::string& where);
std::vector<uint8_t> encodeSafetensors(const TensorMap& tensors);
void writeSafetensors(const std::string& path, const TensorMap& tensors);  // atomic

}  // namespace latentlab
