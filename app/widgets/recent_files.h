// Recently used files per kind ("sessions", "models", "exports"), newest first, kept in
// ~/.config/latentlab/recent.json (or $XDG_CONFIG_HOME/latentlab). A missing, unreadable
// or broken file means empty lists and a note in error(): a bad recent file must never stop
// the app, and is never a reason to throw. Saved atomically (temporary name + rename).
#pragma once
#include <map>
#include <string>
#include <vector>

namespace latentlab {

class RecentFiles {
 public:
  // `file` empty: defaultPath().
  explicit RecentFiles(std::string file = "");
  static std::string defaultPath();
  static constexpr size_t kMaxPerKind = 10;

  // Reads the file. Returns false (lists empty, error() set) when it is missing or broken.
  bool load();
  // Moves `path` (made absolute) to the front of `kind`, keeps kMaxPerKind, and saves.
  // False when saving failed (error() says why); the list in memory is updated anyway.
  bool add(const std::string& kind, const std::string& path);
  bool remove(const std::string& kind, const std::string& path);
  bool save();

  std::vector<std::string> list(const std::string& kind) const;
  const std::string& file() const { return m_file; }
  const std::string& error() const { return m_error; }

 private:
  std::string m_file, m_error;
  std::map<std::string, std::vector<std::string>> m_lists;
};

}  // namespace latentlab
