#include "app/gl/window.h"

#define GLFW_INCLUDE_NONE
#include <epoxy/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "app/gl/key_tap_latch.h"

namespace latentlab::gl {

namespace {
// A dropped folder. GLFW calls back without a way to reach the Window cheaply, and there is
// one window.
std::mutex g_dropMutex;
std::string g_dropped;
void onDrop(GLFWwindow*, int count, const char** paths) {
  std::lock_guard<std::mutex> lock(g_dropMutex);
  if (count > 0) g_dropped = paths[0];
}

// Quick taps (press and release before a frame) reach ImGui as one frame of "down".
KeyTapLatch g_keyTaps;
void onKey(GLFWwindow* window, int key, int scancode, int action, int mods) {
  auto a = action == GLFW_PRESS     ? KeyTapLatch::Action::Press
           : action == GLFW_RELEASE ? KeyTapLatch::Action::Release
                                    : KeyTapLatch::Action::Repeat;
  if (g_keyTaps.pass(key, a)) ImGui_ImplGlfw_KeyCallback(window, key, scancode, action, mods);
}

GLFWwindow* create(int w, int h, const char* title) {
  GLFWwindow* win = glfwCreateWindow(w, h, title, nullptr, nullptr);
  if (win) glfwMakeContextCurrent(win);
  return win;
}
}  // namespace

std::unique_ptr<Window> Window::open(int width, int height, const char* title, bool doubleBuffered,
                                     std::string& error) {
  if (!glfwInit()) {
    error = "cannot open a window (no display?); run under X or xvfb-run";
    return nullptr;
  }
  std::unique_ptr<Window> w(new Window());
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  w->m_window = create(width, height, title);
  if (!w->m_window) {
    error = "cannot create an OpenGL 3.3 window";
    return nullptr;  // the destructor terminates GLFW
  }
  // A software rasteriser (llvmpipe under Xvfb, machines without a GPU) pays for every pixel
  // of every frame: there a single-buffered window keeps its pixels between frames, so only
  // what changed is re-rasterised (gl::PartialRedraw). A GPU draws whole frames, double
  // buffered.
  const char* r = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  w->m_renderer = r ? r : "";
  bool software = w->m_renderer.find("llvmpipe") != std::string::npos ||
                  w->m_renderer.find("softpipe") != std::string::npos ||
                  w->m_renderer.find("swrast") != std::string::npos;
  if (software && !doubleBuffered) {
    glfwDestroyWindow(w->m_window);
    glfwWindowHint(GLFW_DOUBLEBUFFER, GLFW_FALSE);
    w->m_window = create(width, height, title);
    if (!w->m_window) {
      error = "cannot create a single-buffered OpenGL 3.3 window";
      return nullptr;
    }
    w->m_singleBuffered = true;
  }
  glfwSetDropCallback(w->m_window, onDrop);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // layout comes from sessions, not imgui.ini
  ImGui_ImplGlfw_InitForOpenGL(w->m_window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  // Replaces the backend's key callback, which onKey forwards to (ImGui_ImplGlfw_Shutdown
  // restores what was there before the backend).
  glfwSetKeyCallback(w->m_window, onKey);
  w->m_imgui = true;
  return w;
}

Window::~Window() {
  if (m_imgui) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
  }
  if (m_window) glfwDestroyWindow(m_window);
  glfwTerminate();
}

bool Window::shouldClose() const { return glfwWindowShouldClose(m_window); }
void Window::requestClose() { glfwSetWindowShouldClose(m_window, 1); }
void Window::setVsync(bool on) { glfwSwapInterval(on ? 1 : 0); }
void Window::pollEvents() { glfwPollEvents(); }
void Window::waitEvents(double timeoutSeconds) { glfwWaitEventsTimeout(timeoutSeconds); }
void Window::postEmptyEvent() { glfwPostEmptyEvent(); }

void Window::newFrame() {
  for (int key : g_keyTaps.startFrame()) ImGui_ImplGlfw_KeyCallback(m_window, key, 0, GLFW_RELEASE, 0);
  // A held-back release needs one more frame even when no other event comes.
  if (g_keyTaps.holding()) glfwPostEmptyEvent();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
}

void Window::framebufferSize(int& w, int& h) const { glfwGetFramebufferSize(m_window, &w, &h); }
void Window::windowSize(int& w, int& h) const { glfwGetWindowSize(m_window, &w, &h); }

void Window::rebuildFontTexture() {
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}

void Window::setClearColor(float r, float g, float b) { glClearColor(r, g, b, 1.f); }

void Window::present() {
  if (m_singleBuffered) glFinish();  // the frame is on screen once the rasteriser is done
  else glfwSwapBuffers(m_window);
}

Image Window::readPixels(int fbw, int fbh) const {
  Image img(fbw, fbh, 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(m_singleBuffered ? GL_FRONT : GL_BACK);
  std::vector<uint8_t> raw(size_t(fbw) * size_t(fbh) * 3);
  glReadPixels(0, 0, fbw, fbh, GL_RGB, GL_UNSIGNED_BYTE, raw.data());
  for (int y = 0; y < fbh; ++y)  // GL rows start at the bottom
    std::memcpy(img.at(0, y), raw.data() + size_t(fbh - 1 - y) * size_t(fbw) * 3, size_t(fbw) * 3);
  return img;
}

std::string Window::takeDropped() {
  std::lock_guard<std::mutex> lock(g_dropMutex);
  return std::exchange(g_dropped, {});
}

}  // namespace latentlab::gl
