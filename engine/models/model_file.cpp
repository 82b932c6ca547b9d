#include "engine/models/model_file.h"

#include <filesystem>
#include <map>
#include <mutex>

#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {

// The manifest object a kind's single network goes in.
const char* networkField(const std::string& kind) {
  if (kind == "autoencoder") return "autoencoder";
  if (kind == "gan") return "generator";
  if (kind == "classifier") return "classifier";
  return "denoiser";
}

std::string imageText(const ImageSpec& s) {
  return std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" + std::to_string(s.width);
}

std::mutex g_shapesMutex;
std::map<std::string, ImageSpec> g_bareShapes;  // by canonical path

std::string pathKey(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

}  // namespace

void rememberBareImageShape(const std::string& path, const ImageSpec& image) {
  std::lock_guard<std::mutex> lock(g_shapesMutex);
  g_bareShapes[pathKey(path)] = image;
}

std::optional<ImageSpec> rememberedBareImageShape(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_shapesMutex);
  auto it = g_bareShapes.find(pathKey(path));
  if (it == g_bareShapes.end()) return std::nullopt;
  return it->second;
}

bool isBareModelFile(const std::string& path) {
  if (!isModelFile(path)) return false;
  try {
    return !scanTorchScriptArchive(path).hasMetadata;
  } catch (const std::exception&) {
    return false;
  }
}

bool needsImageShape(const std::string& path) { return isBareModelFile(path) && !rememberedBareImageShape(path); }

ImageSpec parseImageShape(const std::string& text, const std::string& where) {
  ImageSpec s;
  int c = 0, h = 0, w = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%dx%dx%d%c", &c, &h, &w, &tail) != 3)
    throw BadInput(where + ": \"" + text + "\" is not an image shape; expected CxHxW, e.g. 3x32x32");
  if (c != 1 && c != 3) throw BadInput(where + ": " + text + " has " + std::to_string(c) + " channels, expected 1 or 3");
  if (h < 1 || h > 4096 || w < 1 || w > 4096)
    throw BadInput(where + ": " + text + ": height and width must be 1..4096");
  s.channels = c, s.height = h, s.width = w;
  return s;
}

bool isModelFile(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

ModelFileManifest readModelFile(const std::string& path, const ModelOpenOptions& opts) {
  ModelFileManifest out;
  out.scan = scanTorchScriptArchive(path);
  const std::string file = fs::path(path).filename().string();
  nlohmann::json j;
  std::string where = path + ": latentlab.json";
  if (out.scan.hasMetadata) {
    j = parseJsonStrict(out.scan.metadata, where);
    if (!j.is_object()) throw BadInput(where + ": must be a JSON object, got " + jsonTypeName(j));
    // The network is the archive itself unless the metadata names it.
    if (j.contains("kind") && j["kind"].is_string()) {
      const char* field = networkField(j["kind"].get<std::string>());
      if (!j.contains(field)) j[field] = {{"torchscript", file}};
      if (j["kind"] == "autoencoder" && !j.contains("latent")) {
        j["latent"] = {{"shape", {1}}};  // placeholder, replaced by what encode returns
        out.latentFromProbe = true;
      }
    }
  } else {
    std::optional<ImageSpec> given = opts.image ? opts.image : rememberedBareImageShape(path);
    if (!given)
      throw BadInput(path + ": no latentlab.json metadata inside; give the image shape (e.g. --image 3x32x32) or add "
                            "the metadata with tools/export/latentlab_export.py");
    const ImageSpec& im = *given;
    where = path;
    j = {{"format", "latentlab-model/1"},
         {"name", fs::path(path).stem().string()},
         {"kind", "autoencoder"},
         {"image", {{"channels", im.channels}, {"height", im.height}, {"width", im.width}, {"range", {0, 1}}}},
         {"latent", {{"shape", {1}}}},
         {"autoencoder", {{"torchscript", file}}}};
    out.bare = true;
    out.latentFromProbe = true;
    out.notes.push_back("no metadata in the file: opened as an autoencoder with image " + imageText(im) +
                        (opts.image ? " (from --image)" : " (as given when it was opened)") +
                        "; value range assumed [0, 1]");
  }
  out.manifest = parseManifest(j, where);
  if (opts.image && !out.bare) {
    const ImageSpec& a = *opts.image;
    const ImageSpec& b = out.manifest.image;
    if (a.channels != b.channels || a.height != b.height || a.width != b.width)
      throw BadInput(where + ": the metadata says image " + imageText(b) + " but --image says " + imageText(a));
  }
  return out;
}

Manifest readModelManifest(const std::string& path, const ModelOpenOptions& opts) {
  if (isModelFile(path)) return readModelFile(path, opts).manifest;
  return readManifest(path);
}

}  // namespace latentlab
