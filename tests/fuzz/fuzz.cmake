# Included by tests/CMakeLists.txt: builds the libFuzzer targets of tests/fuzz/ as a separate
# clang project (ASan + UBSan, parsers only, no torch) inside the main build, and adds the
# ctest entry `fuzz_parsers` that runs each target for 12 seconds (CI time; `make fuzz` runs longer).
find_program(LATENTLAB_CLANGXX NAMES clang++-14 clang++)
set(_fuzz_build ${CMAKE_BINARY_DIR}/fuzz)
if(LATENTLAB_CLANGXX)
  include(ExternalProject)
  set(_fuzz_launcher)
  if(CCACHE_PROGRAM)
    set(_fuzz_launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE_PROGRAM})
  endif()
  ExternalProject_Add(fuzzers
    SOURCE_DIR ${PROJECT_SOURCE_DIR}/tests/fuzz
    BINARY_DIR ${_fuzz_build}
    CMAKE_ARGS -DCMAKE_CXX_COMPILER=${LATENTLAB_CLANGXX} ${_fuzz_launcher}
    BUILD_ALWAYS ON          # its own ninja decides what is out of date
    INSTALL_COMMAND "")
  add_test(NAME fuzz_parsers COMMAND ${PROJECT_SOURCE_DIR}/tests/fuzz/run_fuzzers.sh ${_fuzz_build} 12
           idx npy safetensors manifest session image torchscript_archive)
else()
  add_test(NAME fuzz_parsers COMMAND sh -c
    "echo 'fuzz_parsers: no clang++ found; install clang-14 and libclang-rt-14-dev (make deps)' >&2; exit 1")
endif()
set_tests_properties(fuzz_parsers PROPERTIES TIMEOUT 600 LABELS fuzz)
