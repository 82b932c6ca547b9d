#include "app/gl/texture_cache.h"

#include "engine/data/image_io.h"

namespace latentlab::gl {

ImTextureID TextureCache::texture(const std::string& key, const Image& img, uint64_t version, bool nearest) {
  if (img.empty()) return nullptr;
  Entry& e = m_entries[key];
  if (!e.tex) e.tex = Texture::create();
  glBindTexture(GL_TEXTURE_2D, e.tex.id());
  if (e.version != version) {
    // RGBA everywhere: one upload path, and grey images show as grey rather than red.
    Image rgba = img.channels == 4 ? img : toChannels(img, 4);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    if (e.width != img.width || e.height != img.height) {
      glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, img.width, img.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.pixels.data());
      e.width = img.width;
      e.height = img.height;
      ++m_allocations;
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    } else {
      glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, img.width, img.height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.pixels.data());
    }
    e.version = version;
    m_uploaded.insert(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(e.tex.id())));
  }
  int filter = nearest ? GL_NEAREST : GL_LINEAR;
  if (e.filter != filter) {
    m_uploaded.insert(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(e.tex.id())));
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
    e.filter = filter;
  }
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(e.tex.id()));
}

}  // namespace latentlab::gl
