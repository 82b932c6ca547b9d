// Sessions: the AppState as JSON ("latentlab-session/1"), written atomically. Reading is
// forgiving per value (a bad value becomes a warning and its safe default) but strict about
// the file itself (unreadable, not JSON, duplicate keys, wrong format -> BadInput).
// Never touches the engine: a missing model is the caller's check.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/app_state.h"

namespace latentlab {

nlohmann::json sessionToJson(const AppState& s);
// Fills `out` (starting from defaults) and returns warnings, one line each.
std::vector<std::string> sessionFromJson(const nlohmann::json& j, AppState& out);
void saveSession(const std::string& path, const AppState& s);                  // atomic
std::vector<std::string> loadSession(const std::string& path, AppState& out);  // throws BadInput

}  // namespace latentlab
