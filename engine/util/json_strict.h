// JSON parsing that refuses duplicate keys (nlohmann keeps the last one silently), nesting
// deeper than kMaxJsonDepth (recursive code downstream, such as dump(), must not run out of
// stack) and files above kMaxJsonFileBytes, and reports the file and position of syntax
// errors. Never lets an nlohmann exception escape: everything is a BadInput.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace latentlab {

inline constexpr int kMaxJsonDepth = 200;

nlohmann::json parseJsonStrict(const std::string& text, const std::string& where);
nlohmann::json readJsonFile(const std::string& path);

// A short name for a JSON value's type in messages: "a string", "a number", "an object"...
std::string jsonTypeName(const nlohmann::json& j);

}  // namespace latentlab
