#include "app/bundled_models.h"

#include <algorithm>
#include <filesystem>

#include "engine/models/manifest.h"
#include "engine/models/model_kinds.h"
#include "engine/util/errors.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {
std::vector<fs::path> modelRoots() {
  std::vector<fs::path> roots;
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    roots.push_back(exe.parent_path() / "assets" / "models");
    roots.push_back(exe.parent_path().parent_path() / "assets" / "models");
  }
  roots.push_back(fs::path(LATENTLAB_SOURCE_DIR) / "assets" / "models");
  return roots;
}
}  // namespace

std::string findBundledModel(const std::string& name) {
  std::error_code ec;
  for (auto& root : modelRoots())
    if (fs::exists(root / name / "model.json", ec)) return (root / name).string();
  return (fs::path(LATENTLAB_SOURCE_DIR) / "assets" / "models" / name).string();
}

bool guiOpensKind(const std::string& kind) {
  const ModelKindInfo* k = findModelKind(kind);
  return k && k->guiOpens;
}

std::vector<std::string> listBundledModels() {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto& root : modelRoots()) {
    if (!fs::is_directory(root, ec)) continue;
    bool any = false;
    for (auto& entry : fs::directory_iterator(root, ec)) {
      if (!fs::exists(entry.path() / "model.json", ec)) continue;
      any = true;
      try {
        if (guiOpensKind(readManifest(entry.path().string()).kind)) out.push_back(entry.path().string());
      } catch (const BadInput&) {
        // A broken bundle cannot be opened either; the Browse button still reaches it and
        // then shows the error.
      }
    }
    if (any) break;
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace latentlab
