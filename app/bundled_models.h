// Finding the bundled models (assets/models/<name>) next to the binary or in the source tree.
#pragma once
#include <string>
#include <vector>

namespace latentlab {

// The folder of bundled model `name`; when none exists, the source-tree path (so the error
// message names a sensible place).
std::string findBundledModel(const std::string& name);
std::vector<std::string> listBundledModels();  // folders holding a model.json

}  // namespace latentlab
