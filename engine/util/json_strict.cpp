#include "engine/util/json_strict.h"

#include <set>
#include <vector>

#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace latentlab {

nlohmann::json parseJsonStrict(const std::string& text, const std::string& where) {
  using nlohmann::json;
  std::vector<std::set<std::string>> keysPerObject;
  std::string duplicate;
  auto cb = [&](int depth, json::parse_event_t ev, json& parsed) {
    switch (ev) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        if (depth >= kMaxJsonDepth)
          throw BadInput(where + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
        if (ev == json::parse_event_t::object_start) keysPerObject.emplace_back();
        break;
      case json::parse_event_t::object_end: keysPerObject.pop_back(); break;
      case json::parse_event_t::key:
        if (!keysPerObject.back().insert(parsed.get<std::string>()).second && duplicate.empty())
          duplicate = parsed.get<std::string>();
        break;
      default: break;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(text, cb);
  } catch (const json::parse_error& e) {
    throw BadInput(where + ": invalid JSON at byte " + std::to_string(e.byte));
  } catch (const json::exception& e) {  // e.g. a number too large for a double
    throw BadInput(where + ": invalid JSON (" + e.what() + ")");
  }
  if (!duplicate.empty()) throw BadInput(where + ": duplicate key \"" + duplicate + "\"");
  return j;
}

nlohmann::json readJsonFile(const std::string& path) {
  Bytes b = readFileBytes(path, kMaxJsonFileBytes);
  return parseJsonStrict(std::string(b.begin(), b.end()), path);
}

std::string jsonTypeName(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    case nlohmann::json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}

void readConfigInt(const nlohmann::json& j, const char* key, int& out, int lo, int hi, const std::string& where) {
  if (!j.contains(key)) return;
  const nlohmann::json& v = j.at(key);
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi)
    throw BadInput(where + ": config." + key + " must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  out = v.get<int>();
}

}  // namespace latentlab
