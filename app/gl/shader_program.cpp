#include "app/gl/shader_program.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "engine/util/errors.h"

namespace fs = std::filesystem;

namespace latentlab::gl {

std::string findShaderFile(const std::string& name) {
  std::vector<fs::path> candidates;
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / "shaders" / name);
    candidates.push_back(exe.parent_path().parent_path() / "shaders" / name);
  }
  candidates.push_back(fs::path(LATENTLAB_SOURCE_DIR) / "shaders" / name);
  std::string tried;
  for (auto& c : candidates) {
    if (fs::exists(c, ec)) return c.string();
    tried += (tried.empty() ? "" : ", ") + c.string();
  }
  throw BadInput("shader " + name + " not found (looked in " + tried + ")");
}

namespace {
std::string readText(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw BadInput("cannot read shader " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Shader compile(GLenum type, const std::string& src, const std::string& what) {
  Shader s(glCreateShader(type));
  const char* text = src.c_str();
  glShaderSource(s.id(), 1, &text, nullptr);
  glCompileShader(s.id());
  GLint ok = 0;
  glGetShaderiv(s.id(), GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048] = {0};
    glGetShaderInfoLog(s.id(), sizeof(log) - 1, nullptr, log);
    std::string msg(log);
    for (auto& ch : msg)
      if (ch == '\n') ch = ' ';
    throw BadInput("shader " + what + " failed to compile: " + msg);
  }
  return s;
}
}  // namespace

Program buildProgramFromSource(const std::string& vertexSrc, const std::string& fragmentSrc, const std::string& what) {
  Shader vs = compile(GL_VERTEX_SHADER, vertexSrc, what + " (vertex)");
  Shader fs = compile(GL_FRAGMENT_SHADER, fragmentSrc, what + " (fragment)");
  Program p = Program::create();
  glAttachShader(p.id(), vs.id());
  glAttachShader(p.id(), fs.id());
  glLinkProgram(p.id());
  GLint ok = 0;
  glGetProgramiv(p.id(), GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[2048] = {0};
    glGetProgramInfoLog(p.id(), sizeof(log) - 1, nullptr, log);
    throw BadInput("shader program " + what + " failed to link: " + std::string(log));
  }
  return p;
}

Program buildProgram(const std::string& vertexFile, const std::string& fragmentFile) {
  auto vp = findShaderFile(vertexFile), fp = findShaderFile(fragmentFile);
  return buildProgramFromSource(readText(vp), readText(fp), vertexFile + " + " + fragmentFile);
}

}  // namespace latentlab::gl
