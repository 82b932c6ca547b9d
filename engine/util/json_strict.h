// JSON parsing that refuses duplicate keys (nlohmann keeps the last one silently) and
// reports the file and position of syntax errors.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace latentlab {

nlohmann::json parseJsonStrict(const std::string& text, const std::string& where);
nlohmann::json readJsonFile(const std::string& path);

}  // namespace latentlab
