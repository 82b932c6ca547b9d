#include "engine/train/snapshots.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace latentlab {

namespace fs = std::filesystem;

namespace {
// "epoch-0012" -> 12; -1 when the name is anything else.
int epochOf(const std::string& name) {
  if (name.size() <= 6 || name.compare(0, 6, "epoch-") != 0) return -1;
  int v = 0;
  for (size_t i = 6; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9' || v > 100000000) return -1;
    v = v * 10 + (name[i] - '0');
  }
  return v;
}
}  // namespace

void writeSnapshot(const std::string& bundleDir, int epoch, int keep) {
  const fs::path root = fs::path(bundleDir) / "snapshots";
  char name[32];
  std::snprintf(name, sizeof name, "epoch-%04d", epoch);
  const fs::path dest = root / name, tmp = root / (std::string(name) + ".tmp-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::create_directories(root, ec);
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) throw BadInput(tmp.string() + ": cannot create the snapshot folder: " + ec.message());
  for (const auto& e : fs::directory_iterator(bundleDir)) {
    if (!e.is_regular_file()) continue;
    const std::string file = e.path().filename().string();
    if (file == "model.json") {
      const Bytes raw = readFileBytes(e.path().string(), kMaxJsonFileBytes);
      nlohmann::json j = nlohmann::json::parse(raw.begin(), raw.end());
      j["name"] = j.value("name", std::string("model")) + ", epoch " + std::to_string(epoch);
      writeFileAtomic((tmp / file).string(), j.dump(2) + "\n");
    } else {
      fs::copy_file(e.path(), tmp / file, fs::copy_options::overwrite_existing, ec);
      if (ec) throw BadInput((tmp / file).string() + ": cannot write the snapshot: " + ec.message());
    }
  }
  fs::remove_all(dest, ec);
  fs::rename(tmp, dest, ec);
  if (ec) throw BadInput(dest.string() + ": cannot write the snapshot: " + ec.message());
  std::vector<Snapshot> all = listSnapshots(bundleDir);
  for (size_t i = 0; i + size_t(std::max(keep, 1)) < all.size(); ++i) fs::remove_all(all[i].dir, ec);
}

std::vector<Snapshot> listSnapshots(const std::string& bundleDir) {
  std::vector<Snapshot> out;
  const fs::path root = fs::path(bundleDir) / "snapshots";
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return out;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const int epoch = epochOf(e.path().filename().string());
    if (epoch < 0 || !fs::exists(e.path() / "model.json", ec)) continue;
    out.push_back({epoch, e.path().string()});
  }
  std::sort(out.begin(), out.end(), [](const Snapshot& a, const Snapshot& b) { return a.epoch < b.epoch; });
  return out;
}

}  // namespace latentlab
