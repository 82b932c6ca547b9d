# Find module for Debian's libimgui-dev (Dear ImGui 1.86). Debian ships a static libimgui.a
# and a pkg-config file but no CMake config; this adapts the package, it vendors nothing.
#
# Provides the imported target ImGui::ImGui: include dir /usr/include/imgui (so code writes
# #include <imgui.h> and <backends/imgui_impl_glfw.h>), the library libimgui.a, which also
# holds the GLFW and OpenGL 3 backends, and its dependency stb (Stb::Stb, FindStb.cmake).
# The backends' own dependencies (GLFW, an OpenGL loader) are left to the consumer, which
# links them after ImGui::ImGui.
# Sets ImGui_FOUND, ImGui_INCLUDE_DIR, ImGui_LIBRARY, ImGui_VERSION.
find_package(Stb QUIET)
find_path(ImGui_INCLUDE_DIR imgui.h PATH_SUFFIXES imgui)
find_library(ImGui_LIBRARY NAMES imgui)

if(ImGui_INCLUDE_DIR AND EXISTS "${ImGui_INCLUDE_DIR}/imgui.h")
  file(STRINGS "${ImGui_INCLUDE_DIR}/imgui.h" _imgui_version_line REGEX "^#define IMGUI_VERSION +\"")
  string(REGEX REPLACE "^#define IMGUI_VERSION +\"([^\"]*)\".*" "\\1" ImGui_VERSION "${_imgui_version_line}")
  unset(_imgui_version_line)
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(ImGui
  REQUIRED_VARS ImGui_LIBRARY ImGui_INCLUDE_DIR Stb_FOUND
  VERSION_VAR ImGui_VERSION)
mark_as_advanced(ImGui_INCLUDE_DIR ImGui_LIBRARY)

if(ImGui_FOUND AND NOT TARGET ImGui::ImGui)
  # Linked by name (-limgui) after which its dependency stb follows; not a SYSTEM include.
  add_library(ImGui::ImGui INTERFACE IMPORTED)
  set_target_properties(ImGui::ImGui PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ImGui_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "imgui;Stb::Stb"
    SYSTEM OFF)
endif()
