// Opening a model given as ONE TorchScript file instead of a bundle folder: its metadata
// comes from the `latentlab.json` extra file inside the archive (torch.jit.save(...,
// _extra_files=...)), or, for a bare file, from the image shape the user gives
// (--image 3x32x32; the value range is then assumed [0, 1] and said so in the notes).
// Torch-free: the GUI and the CLI use readModelManifest() to learn a model's kind before
// loading it, and the archive pre-scan runs before anything else reads the file.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/models/manifest.h"
#include "engine/models/torchscript_archive.h"

namespace latentlab {

struct ModelOpenOptions {
  std::optional<ImageSpec> image;  // --image CxHxW: the shape of a bare TorchScript file
};

// "3x32x32" (channels 1 or 3, sides 1..4096) -> ImageSpec with range [0, 1]; BadInput otherwise.
ImageSpec parseImageShape(const std::string& text, const std::string& where = "--image");

// A path that is a file (a .pt archive), not a bundle folder.
bool isModelFile(const std::string& path);

struct ModelFileManifest {
  Manifest manifest;               // the network's "torchscript" is the file's own name
  ArchiveScan scan;                // the pre-scan (done once)
  bool latentFromProbe = false;    // latent.shape not given: found by running encode
  bool bare = false;               // no latentlab.json inside
  std::vector<std::string> notes;  // what was assumed, for info and the Model panel
};

// Pre-scans the file and builds its manifest. BadInput when the archive is refused, the
// metadata is bad, or a bare file comes without options.image.
ModelFileManifest readModelFile(const std::string& path, const ModelOpenOptions& opts = {});

// The image shape the user gave for a bare file in this process (the window's dialog or its
// --image): later opens of that path (the model loaders, the probe, a reload after a device
// change) use it when no image option is passed, so the loaders need no extra argument.
void rememberBareImageShape(const std::string& path, const ImageSpec& image);
std::optional<ImageSpec> rememberedBareImageShape(const std::string& path);

// True for a TorchScript file that passes the pre-scan but has no latentlab.json inside: it
// opens only with an image shape from the user. Reads only the zip's directory. False for
// folders and for files the pre-scan refuses (their own message comes when they are opened).
bool isBareModelFile(const std::string& path);
// A bare file with no remembered shape yet.
bool needsImageShape(const std::string& path);

// The manifest of a bundle folder (model.json) or of a single TorchScript file.
Manifest readModelManifest(const std::string& path, const ModelOpenOptions& opts = {});

}  // namespace latentlab
