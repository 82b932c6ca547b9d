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
  auto cb = [&](int /*depth*/, json::parse_event_t ev, json& parsed) {
    switch (ev) {
      case json::parse_event_t::object_start: keysPerObject.emplace_back(); break;
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
  }
  if (!duplicate.empty()) throw BadInput(where + ": duplicate key \"" + duplicate + "\"");
  return j;
}

nlohmann::json readJsonFile(const std::string& path) {
  Bytes b = readFileBytes(path);
  if (b.size() > (64u << 20)) throw BadInput(path + ": JSON file larger than 64 MiB");
  return parseJsonStrict(std::string(b.begin(), b.end()), path);
}

}  // namespace latentlab
