// Helpers shared by the headless app tests: an ImGui context without a window, and polling
// the real EngineClient until a condition holds.
#pragma once
#include <doctest/doctest.h>
#include <imgui.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "app/engine_client.h"
#include "test_support.h"

namespace latentlab::test {

// Creates the ImGui context for a display of `size`, fonts built, no ini file.
inline void startHeadlessImGui(ImVec2 size) {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = size;
  io.DeltaTime = 1.f / 60.f;
  unsigned char* px;
  int w, h;
  io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
}

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

}  // namespace latentlab::test
