#include "app/widgets/recent_files.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/util/file_io.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace latentlab {

RecentFiles::RecentFiles(std::string file) : m_file(file.empty() ? defaultPath() : std::move(file)) {}

std::string RecentFiles::defaultPath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home && *home ? home : ".") / ".config";
  return (base / "latentlab" / "recent.json").string();
}

bool RecentFiles::load() {
  m_lists.clear();
  m_error.clear();
  std::error_code ec;
  if (!fs::exists(m_file, ec)) return false;  // the first run: nothing recent, nothing wrong
  auto size = fs::file_size(m_file, ec);
  if (ec || size > (1u << 20)) {
    m_error = m_file + ": not a recent-files list (ignored)";
    return false;
  }
  std::string text;
  try {
    Bytes b = readFileBytes(m_file);
    text.assign(b.begin(), b.end());
  } catch (const std::exception& e) {
    m_error = std::string(e.what()) + " (recent files ignored)";
    return false;
  }
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    m_error = m_file + ": not valid JSON (recent files ignored)";
    return false;
  }
  // Only lists of strings are taken; anything else in the file is skipped, not fatal.
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_array()) continue;
    auto& out = m_lists[it.key()];
    for (const auto& v : it.value())
      if (v.is_string() && !v.get<std::string>().empty() && out.size() < kMaxPerKind)
        out.push_back(v.get<std::string>());
  }
  return true;
}

bool RecentFiles::add(const std::string& kind, const std::string& path) {
  std::error_code ec;
  std::string p = fs::absolute(path, ec).lexically_normal().string();
  if (ec) p = path;
  auto& l = m_lists[kind];
  l.erase(std::remove(l.begin(), l.end(), p), l.end());
  l.insert(l.begin(), p);
  if (l.size() > kMaxPerKind) l.resize(kMaxPerKind);
  return save();
}

bool RecentFiles::remove(const std::string& kind, const std::string& path) {
  auto& l = m_lists[kind];
  l.erase(std::remove(l.begin(), l.end(), path), l.end());
  return save();
}

bool RecentFiles::save() {
  json j = json::object();
  for (const auto& [kind, l] : m_lists) j[kind] = l;
  try {
    std::error_code ec;
    fs::path parent = fs::path(m_file).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    writeFileAtomic(m_file, j.dump(2) + "\n");
  } catch (const std::exception& e) {
    m_error = e.what();
    return false;
  }
  return true;
}

std::vector<std::string> RecentFiles::list(const std::string& kind) const {
  auto it = m_lists.find(kind);
  return it == m_lists.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace latentlab
