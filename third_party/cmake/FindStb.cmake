# Find module for Debian's libstb-dev (the stb single-file libraries, built as libstb).
# Debian ships no CMake config for it; this adapts the package, it vendors nothing.
#
# Provides the imported target Stb::Stb: include dir /usr/include/stb (so code writes
# #include <stb_image.h>) and the libstb library holding the implementations.
# Sets Stb_FOUND, Stb_INCLUDE_DIR, Stb_LIBRARY.
find_path(Stb_INCLUDE_DIR stb_image.h PATH_SUFFIXES stb)
find_library(Stb_LIBRARY NAMES stb)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Stb REQUIRED_VARS Stb_LIBRARY Stb_INCLUDE_DIR)
mark_as_advanced(Stb_INCLUDE_DIR Stb_LIBRARY)

if(Stb_FOUND AND NOT TARGET Stb::Stb)
  # Linked by name (-lstb), as the linker finds it; not a SYSTEM include, so it is searched
  # before the compiler's default directories like the project's own headers.
  add_library(Stb::Stb INTERFACE IMPORTED)
  set_target_properties(Stb::Stb PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${Stb_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES stb
    SYSTEM OFF)
endif()
