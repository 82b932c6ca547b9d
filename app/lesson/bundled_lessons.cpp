#include "app/lesson/bundled_lessons.h"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace latentlab {

std::vector<std::string> listBundledLessons() {
  std::vector<fs::path> roots;
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    roots.push_back(exe.parent_path() / "assets" / "lessons");
    roots.push_back(exe.parent_path().parent_path() / "assets" / "lessons");
  }
  roots.push_back(fs::path(LATENTLAB_SOURCE_DIR) / "assets" / "lessons");
  for (const fs::path& root : roots) {
    if (!fs::is_directory(root, ec)) continue;
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(root, ec))
      if (e.path().extension() == ".json") out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    if (!out.empty()) return out;
  }
  return {};
}

std::string lessonMenuName(const std::string& path) {
  std::string name = fs::path(path).stem().string();
  std::replace(name.begin(), name.end(), '-', ' ');
  return name;
}

}  // namespace latentlab
