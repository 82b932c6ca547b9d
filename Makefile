# Thin wrapper around CMake/ctest. The README's two commands: `make run` and `make test`.
# `deps` installs the Debian packages that are missing (apt-get; through sudo when not root).
# `make fuzz` runs each libFuzzer target for FUZZ_SECONDS (tests/fuzz/README.md).

BUILD ?= build
JOBS  ?= $(shell nproc)
FUZZ_SECONDS ?= 120
PKGS  := cmake g++ ninja-build ccache pkg-config zlib1g-dev \
         libtorch-dev libopenblas0-openmp libdnnl-dev \
         libimgui-dev libglfw3-dev libepoxy-dev libstb-dev libgif-dev libhnswlib-dev libzip-dev \
         nlohmann-json3-dev libcli11-dev doctest-dev \
         xvfb xauth xdotool libgl1-mesa-dri fonts-dejavu-core \
         clang-14 libclang-rt-14-dev libfuzzer-14-dev \
         dataset-fashion-mnist python3-torch python3-numpy python3-pil python3-sklearn
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps configure build run test fuzz soak bench clean

all: build

deps:
	@missing=""; for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./scripts/run.sh $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Only the clang fuzz build (parsers, ASan + UBSan), then every target for FUZZ_SECONDS.
fuzz: configure
	cmake --build $(BUILD) --target fuzzers
	tests/fuzz/run_fuzzers.sh $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The soak test of random input in the real window, longer than in `make test` (SOAK_SECONDS).
soak: build
	cd $(BUILD) && LATENTLAB_SOAK_SECONDS=$${SOAK_SECONDS:-180} ctest -R gui_test_soak --output-on-failure

bench: build
	$(BUILD)/latentlab bench

clean:
	rm -rf $(BUILD)
