// The desktop window: GLFW (the only glfwInit / glfwTerminate in the program), an OpenGL 3.3
// core context, the ImGui context with its GLFW + OpenGL3 backends, dropped folders, events,
// presenting a frame and reading it back for screenshots. On a software rasteriser the
// window is single-buffered so partial redraws can keep pixels between frames.
// Main thread only, except postEmptyEvent() (any thread, while the window exists).
#pragma once
#include <memory>
#include <string>

#include "engine/data/image.h"

struct GLFWwindow;

namespace latentlab::gl {

class Window {
 public:
  // Opens the window, or returns null with `error` saying why (no display, no GL 3.3).
  // `doubleBuffered`: always double-buffer (whole-frame redraws, e.g. LATENTLAB_FULL_REDRAW).
  static std::unique_ptr<Window> open(int width, int height, const char* title, bool doubleBuffered,
                                      std::string& error);
  // Shuts ImGui's backends and context down, destroys the window, terminates GLFW. Every
  // worker that could call postEmptyEvent() must be stopped (or its wake cleared) before.
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  bool singleBuffered() const { return m_singleBuffered; }
  const std::string& renderer() const { return m_renderer; }
  bool shouldClose() const;
  void requestClose();
  void setVsync(bool on);
  void pollEvents();
  void waitEvents(double timeoutSeconds);
  // Wakes waitEvents() from any thread.
  static void postEmptyEvent();
  // The backends' part of a new frame (ImGui::NewFrame is the caller's).
  void newFrame();
  void framebufferSize(int& w, int& h) const;
  void windowSize(int& w, int& h) const;
  // The fonts changed (UI scale): upload ImGui's font atlas again.
  void rebuildFontTexture();
  // Clear colour for what is redrawn; background of the whole window.
  void setClearColor(float r, float g, float b);
  // The frame is complete: swap, or wait for the rasteriser when single-buffered.
  void present();
  // The frame just drawn, top row first, RGB (for --screenshot).
  Image readPixels(int fbw, int fbh) const;
  // A folder dropped on the window since the last call ("" when none).
  std::string takeDropped();

 private:
  Window() = default;
  GLFWwindow* m_window = nullptr;
  bool m_singleBuffered = false, m_imgui = false;
  std::string m_renderer;
};

}  // namespace latentlab::gl
