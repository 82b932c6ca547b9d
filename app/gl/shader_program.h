// Loading GLSL 330 core programs from shaders/ (next to the binary, or the source tree).
// Errors are thrown as BadInput naming the file and the compiler's log, so the app can say
// which shader broke instead of drawing nothing. GL thread only.
#pragma once
#include <string>

#include "app/gl/gl_handles.h"

namespace latentlab::gl {

// Absolute path of shaders/<name>; throws BadInput listing where it looked.
std::string findShaderFile(const std::string& name);
Program buildProgram(const std::string& vertexFile, const std::string& fragmentFile);
// The same from source text (tests, and the file loader above); `what` names it in errors.
Program buildProgramFromSource(const std::string& vertexSrc, const std::string& fragmentSrc, const std::string& what);

}  // namespace latentlab::gl
