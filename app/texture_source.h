// What panels need to show a CPU image: an ImTextureID for it. The GL implementation
// (app/gl/texture_cache.h) uploads and reuses textures; this base returns none, which is what
// headless tests use. Panels must never call GL themselves.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <string>

#include "engine/data/image.h"

namespace latentlab {

class TextureSource {
 public:
  virtual ~TextureSource() = default;
  // A texture showing `img` under `key`; re-uploaded only when `version` changes.
  // nullptr when there is nothing to draw with (headless) or the image is empty.
  virtual ImTextureID texture(const std::string& key, const Image& img, uint64_t version, bool nearest) {
    return nullptr;
  }
};

}  // namespace latentlab
