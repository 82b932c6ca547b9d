// Textures for CPU images, keyed by name: reused across frames and re-uploaded only when the
// image version changes; reallocated only when the size changes (glTexSubImage2D otherwise).
// GL thread only.
#pragma once
#include <map>
#include <set>
#include <utility>

#include "app/gl/gl_handles.h"
#include "app/texture_source.h"

namespace latentlab::gl {

class TextureCache : public TextureSource {
 public:
  ImTextureID texture(const std::string& key, const Image& img, uint64_t version, bool nearest) override;
  size_t allocations() const { return m_allocations; }  // how often storage was (re)allocated
  void clear() { m_entries.clear(); }
  // Textures uploaded since the last call (their pictures changed): partial redraws must
  // repaint wherever they are drawn.
  std::set<ImTextureID> takeUploaded() { return std::exchange(m_uploaded, {}); }

 private:
  struct Entry {
    Texture tex;
    int width = 0, height = 0;
    uint64_t version = ~uint64_t(0);
    int filter = -1;
  };
  std::map<std::string, Entry> m_entries;
  size_t m_allocations = 0;
  std::set<ImTextureID> m_uploaded;
};

}  // namespace latentlab::gl
