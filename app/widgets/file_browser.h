// The listing behind the file dialog: one folder's sub-folders and files, sorted (folders
// first), filtered by glob patterns, with folders that hold a marker file (a model folder's
// model.json) flagged. Plain filesystem code, no ImGui, so the dialog's logic is tested
// without a window. Never throws: an unreadable folder becomes error() and the previous
// listing stays.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace latentlab {

struct FileEntry {
  std::string name;  // ".." for the parent folder
  bool isDir = false;
  bool marked = false;  // a folder holding the marker file
  uintmax_t size = 0;   // files only
};

// Case-insensitive glob with * and ?, e.g. "*.json".
bool globMatch(const std::string& pattern, const std::string& name);
// True if `name` matches any of the patterns separated by ';' or ',' (blank = all files).
bool matchesFilter(const std::string& patterns, const std::string& name);

class FileBrowser {
 public:
  // Lists `dir` (made absolute). On failure returns false, keeps the previous folder and
  // listing, and error() says what went wrong and where.
  bool setDir(const std::string& dir);
  bool refresh() { return setDir(m_dir); }
  bool up();  // to the parent folder
  void setFilter(const std::string& patterns);
  void setMarker(const std::string& file);
  void setShowHidden(bool show);
  void setFoldersOnly(bool only);

  const std::string& dir() const { return m_dir; }
  const std::string& filter() const { return m_filter; }
  const std::string& marker() const { return m_marker; }
  bool showHidden() const { return m_showHidden; }
  const std::vector<FileEntry>& entries() const { return m_entries; }
  const std::string& error() const { return m_error; }
  // Entries past this many are not listed (a folder of 100k files stays usable).
  static constexpr size_t kMaxEntries = 5000;
  bool truncated() const { return m_truncated; }

  std::string pathOf(const FileEntry& e) const;
  // Index of the entry called `name`, or -1.
  int find(const std::string& name) const;
  // Whether `dir` holds the marker file (false when no marker is set).
  bool hasMarker(const std::string& dir) const;

 private:
  void relist();
  std::string m_dir, m_filter, m_marker, m_error;
  bool m_showHidden = false, m_foldersOnly = false, m_truncated = false;
  std::vector<FileEntry> m_all;      // everything read from the folder
  std::vector<FileEntry> m_entries;  // what the filter lets through
};

}  // namespace latentlab
