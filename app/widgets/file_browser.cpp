#include "app/widgets/file_browser.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace latentlab {

namespace {

bool globAt(const char* p, const char* s) {
  // Iterative matcher with one backtrack point: linear for the patterns people type.
  const char *star = nullptr, *resume = nullptr;
  while (*s) {
    if (*p == '*') {
      star = p++;
      resume = s;
    } else if (*p == '?' || (*p && std::tolower((unsigned char)*p) == std::tolower((unsigned char)*s))) {
      ++p;
      ++s;
    } else if (star) {
      p = star + 1;
      s = ++resume;
    } else {
      return false;
    }
  }
  while (*p == '*') ++p;
  return *p == 0;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower((unsigned char)c));
  return s;
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

bool globMatch(const std::string& pattern, const std::string& name) {
  return globAt(pattern.c_str(), name.c_str());
}

bool matchesFilter(const std::string& patterns, const std::string& name) {
  bool any = false;
  size_t start = 0;
  while (start <= patterns.size()) {
    size_t end = patterns.find_first_of(";,", start);
    if (end == std::string::npos) end = patterns.size();
    std::string p = trim(patterns.substr(start, end - start));
    if (!p.empty()) {
      any = true;
      if (globMatch(p, name)) return true;
    }
    start = end + 1;
  }
  return !any;
}

bool FileBrowser::hasMarker(const std::string& dir) const {
  if (m_marker.empty()) return false;
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / m_marker, ec);
}

bool FileBrowser::setDir(const std::string& dirIn) {
  std::error_code ec;
  fs::path dir = fs::absolute(dirIn.empty() ? "." : dirIn, ec).lexically_normal();
  std::string d = dir.string();
  if (d.size() > 1 && d.back() == '/') d.pop_back();
  if (!fs::exists(dir, ec)) {
    m_error = "folder " + d + " does not exist";
    return false;
  }
  if (!fs::is_directory(dir, ec)) {
    m_error = d + " is not a folder";
    return false;
  }
  std::vector<FileEntry> all;
  fs::directory_iterator it(dir, ec), end;
  if (ec) {
    m_error = "cannot read folder " + d + ": " + ec.message();
    return false;
  }
  bool truncated = false;
  for (; it != end; it.increment(ec)) {
    if (ec) {
      m_error = "cannot read folder " + d + ": " + ec.message();
      return false;
    }
    if (all.size() >= kMaxEntries) {
      truncated = true;
      break;
    }
    FileEntry e;
    e.name = it->path().filename().string();
    std::error_code ec2;
    e.isDir = it->is_directory(ec2);  // follows symlinks; a broken link lists as a file
    if (e.isDir) {
      e.marked = hasMarker(it->path().string());
    } else {
      auto sz = it->file_size(ec2);
      e.size = ec2 ? 0 : sz;
    }
    all.push_back(std::move(e));
  }
  std::sort(all.begin(), all.end(), [](const FileEntry& a, const FileEntry& b) {
    if (a.isDir != b.isDir) return a.isDir;
    std::string la = lower(a.name), lb = lower(b.name);
    return la != lb ? la < lb : a.name < b.name;
  });
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    FileEntry parent;
    parent.name = "..";
    parent.isDir = true;
    all.insert(all.begin(), parent);
  }
  m_dir = d;
  m_all = std::move(all);
  m_truncated = truncated;
  m_error.clear();
  relist();
  return true;
}

bool FileBrowser::up() {
  fs::path p(m_dir);
  if (!p.has_parent_path() || p.parent_path() == p) return false;
  return setDir(p.parent_path().string());
}

void FileBrowser::setFilter(const std::string& patterns) {
  m_filter = patterns;
  relist();
}

void FileBrowser::setMarker(const std::string& file) {
  m_marker = file;
  for (auto& e : m_all)
    if (e.isDir && e.name != "..") e.marked = hasMarker(pathOf(e));
  relist();
}

void FileBrowser::setShowHidden(bool show) {
  m_showHidden = show;
  relist();
}

void FileBrowser::setFoldersOnly(bool only) {
  m_foldersOnly = only;
  relist();
}

void FileBrowser::relist() {
  m_entries.clear();
  for (const auto& e : m_all) {
    if (e.name != ".." && !m_showHidden && !e.name.empty() && e.name[0] == '.') continue;
    if (!e.isDir && (m_foldersOnly || !matchesFilter(m_filter, e.name))) continue;
    m_entries.push_back(e);
  }
}

std::string FileBrowser::pathOf(const FileEntry& e) const {
  if (e.name == "..") {
    fs::path p(m_dir);
    return p.has_parent_path() ? p.parent_path().string() : m_dir;
  }
  return (fs::path(m_dir) / e.name).string();
}

int FileBrowser::find(const std::string& name) const {
  for (size_t i = 0; i < m_entries.size(); ++i)
    if (m_entries[i].name == name) return int(i);
  return -1;
}

}  // namespace latentlab
