// Move-only RAII owners of OpenGL objects (texture, program, buffer, vertex array,
// framebuffer).
// Copy is deleted; a move swaps the ids so the moved-from handle frees the old object and a
// moved-to handle never leaks what it held. Main (GL) thread only.
#pragma once
#include <epoxy/gl.h>

#include <utility>

namespace latentlab::gl {

template <typename Traits>
class Handle {
 public:
  Handle() = default;
  explicit Handle(GLuint id) : m_id(id) {}
  ~Handle() {
    if (m_id) Traits::destroy(m_id);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept { std::swap(m_id, o.m_id); }
  Handle& operator=(Handle&& o) noexcept {
    std::swap(m_id, o.m_id);  // o's destructor frees what this held
    return *this;
  }
  static Handle create() { return Handle(Traits::create()); }
  GLuint id() const { return m_id; }
  explicit operator bool() const { return m_id != 0; }

 private:
  GLuint m_id = 0;
};

struct TextureTraits {
  static GLuint create() { GLuint id = 0; glGenTextures(1, &id); return id; }
  static void destroy(GLuint id) { glDeleteTextures(1, &id); }
};
struct BufferTraits {
  static GLuint create() { GLuint id = 0; glGenBuffers(1, &id); return id; }
  static void destroy(GLuint id) { glDeleteBuffers(1, &id); }
};
struct VertexArrayTraits {
  static GLuint create() { GLuint id = 0; glGenVertexArrays(1, &id); return id; }
  static void destroy(GLuint id) { glDeleteVertexArrays(1, &id); }
};
struct ProgramTraits {
  static GLuint create() { return glCreateProgram(); }
  static void destroy(GLuint id) { glDeleteProgram(id); }
};
struct FramebufferTraits {
  static GLuint create() { GLuint id = 0; glGenFramebuffers(1, &id); return id; }
  static void destroy(GLuint id) { glDeleteFramebuffers(1, &id); }
};
struct ShaderTraits {
  static void destroy(GLuint id) { glDeleteShader(id); }
};

using Texture = Handle<TextureTraits>;
using Buffer = Handle<BufferTraits>;
using VertexArray = Handle<VertexArrayTraits>;
using Program = Handle<ProgramTraits>;
using Shader = Handle<ShaderTraits>;
using Framebuffer = Handle<FramebufferTraits>;

}  // namespace latentlab::gl
