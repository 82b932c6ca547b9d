// Training snapshots (issue 16, "Checkpoints side by side"): with `train vae --snapshots K` the
// bundle of every finished epoch is also kept as OUT/snapshots/epoch-NNNN/ (model.json named
// "..., epoch N", the weights), the newest K of them, so two epochs can be opened or compared
// (`render compare`) like any two models. Each snapshot is written into a temporary folder and
// renamed into place; only snapshot folders this writer made are ever deleted.
#pragma once
#include <string>
#include <vector>

namespace latentlab {

struct Snapshot {
  int epoch = 0;
  std::string dir;  // a loadable bundle folder
};

// Copies the bundle's top-level files (model.json, weights) from bundleDir into
// bundleDir/snapshots/epoch-NNNN, then deletes the oldest snapshots beyond `keep` (>= 1).
// Throws BadInput when a file cannot be written.
void writeSnapshot(const std::string& bundleDir, int epoch, int keep);

// The snapshots under bundleDir/snapshots, in epoch order (oldest first); folders whose names
// are not epoch-<number> or that hold no model.json are not snapshots and are left out.
std::vector<Snapshot> listSnapshots(const std::string& bundleDir);

}  // namespace latentlab
