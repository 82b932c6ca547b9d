// Helpers shared by the headless app tests: an ImGui context without a window, and polling
// the real EngineClient until a condition holds.
#pragma once
#include <doctest/doctest.h>
#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "engine/data/dataset.h"

#include "app/engine_client.h"
#include "test_support.h"

namespace latentlab::test {

// Creates the ImGui context for a display of `size`, fonts built, no ini file.
inline void startHeadlessImGui(ImVec2 size) {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  // As the OpenGL3 backend does: draw lists over 64k vertices (a map of 70,000 points) are
  // split by vertex offset instead of tripping ImGui's 16-bit index assertion.
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  io.DisplaySize = size;
  io.DeltaTime = 1.f / 60.f;
  unsigned char* px;
  int w, h;
  io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
}

// An ImGui context for the life of a test case (startHeadlessImGui, then DestroyContext).
struct HeadlessImGui {
  explicit HeadlessImGui(ImVec2 size = ImVec2(1600, 1000)) { startHeadlessImGui(size); }
  ~HeadlessImGui() { ImGui::DestroyContext(); }
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;
};

// Polls the client until `done` holds (or about 120 s pass); false on timeout.
inline bool pollUntil(EngineClient& e, AppState& s, const std::function<bool()>& done) {
  for (int i = 0; i < 24000; ++i) {
    e.poll(s);
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// Loads assets/models/<name> on the CPU and waits for it.
inline void loadBundled(EngineClient& e, AppState& s, const std::string& name) {
  e.loadModel(sourcePath("assets/models/" + name), "cpu");
  REQUIRE(pollUntil(e, s, [&] { return !e.loading(); }));
  REQUIRE(e.modelError == "");
}

// The first `n` Fashion-MNIST test images and labels as an uncompressed IDX pair (written
// once per process); returns the data spec. Small, so GUI tests encode in a moment.
inline std::string smallFashion(int n = 600) {
  static std::map<int, std::string> made;
  if (made.count(n)) return made[n];
  Dataset full = openDataset("fashion-mnist:test");
  REQUIRE(full.count >= n);
  std::string dir = tempDir("small-fashion");
  auto be32 = [](std::string& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(char((v >> s) & 0xff));
  };
  std::string images, labels;
  be32(images, 0x803);
  be32(images, uint32_t(n));
  be32(images, uint32_t(full.height));
  be32(images, uint32_t(full.width));
  images.append(reinterpret_cast<const char*>(full.pixels.data()), size_t(n) * size_t(full.height * full.width));
  be32(labels, 0x801);
  be32(labels, uint32_t(n));
  for (int i = 0; i < n; ++i) labels.push_back(char(full.labels[size_t(i)]));
  writeText(dir + "/images.idx", images);
  writeText(dir + "/labels.idx", labels);
  return made[n] = "idx:" + dir + "/images.idx," + dir + "/labels.idx";
}

}  // namespace latentlab::test
