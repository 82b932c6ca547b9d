#include "app/gui_app.h"

#define GLFW_INCLUDE_NONE
#include <epoxy/gl.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/bundled_models.h"
#include "app/cursor_decoder.h"
#include "app/diffusion_requests.h"
#include "app/drag_bench.h"
#include "app/engine_client.h"
#include "app/gl/partial_redraw.h"
#include "app/gl/scatter_renderer.h"
#include "app/gl/texture_cache.h"
#include "app/panels/diffusion_panel.h"
#include "app/panels/image_panel.h"
#include "app/panels/latent_map_panel.h"
#include "app/panels/manifold_panel.h"
#include "app/panels/model_panel.h"
#include "app/panels/performance_panel.h"
#include "app/perf_stats.h"
#include "app/session.h"
#include "engine/data/image_io.h"
#include "engine/models/manifest.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {

const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// A dropped folder (GLFW calls back without user data we could type-check cheaply).
std::string g_dropped;
void onDrop(GLFWwindow*, int count, const char** paths) {
  if (count > 0) g_dropped = paths[0];
  glfwPostEmptyEvent();
}

class GuiApp {
 public:
  GuiApp(const GuiOptions& opts, AppState state, std::vector<std::string> warnings)
      : m_opts(opts), m_state(std::move(state)), m_engine(1) {
    for (auto& w : warnings) m_messages.push_back(w);
  }
  int run();

 private:
  void applyScale();
  void layout(float w, float h);
  void drawMenu();
  void handleShortcuts();
  bool createWindow();  // with the current hints; made current. False (and a message) on failure
  void drawSessionPopup();
  void processRequests(UiRequests& req);
  void openModel(const std::string& dir);
  bool screenshotReady();
  int writeScreenshot(int fbw, int fbh);

  GuiOptions m_opts;
  AppState m_state;
  EngineClient m_engine;
  GLFWwindow* m_window = nullptr;
  gl::TextureCache m_textures;
  gl::ScatterRenderer m_scatter;
  // Re-rasterises only what changed (a software rasteriser pays for every pixel); set
  // LATENTLAB_FULL_REDRAW=1 to draw whole frames, e.g. to compare in bench/.
  gl::PartialRedraw m_redraw;
  bool m_fullRedraw = true;
  bool m_alwaysFull = std::getenv("LATENTLAB_FULL_REDRAW") != nullptr;
  bool m_singleBuffered = false;
  bool m_pixelDiffusionLayout = false;  // a pixel diffusion model: no map, the Diffusion panel is large
  PointsDrawer m_noPointsDrawer;
  bool m_scatterOk = false;
  LatentMapPanel m_map;
  ImagePanel m_image;
  ModelPanel m_model;
  ManifoldPanel m_manifold;
  DiffusionPanel m_diffusion;
  PerformancePanel m_perfPanel;
  PerfStats m_perf;
  CursorDecoder m_decoder;
  DragBench m_bench{m_opts.benchDrag, m_opts.benchMoves};
  std::vector<std::string> m_messages;
  std::map<std::string, ImVec4> m_rects;
  float m_appliedScale = 0;
  ImVec2 m_laidOut{0, 0};
  bool m_relayout = true;
  bool m_gridPending = false;
  int m_idleFrames = 0;
  std::string m_sessionPopup;   // "open" / "save": open the path popup this frame
  std::string m_sessionPopup2;  // which one the open popup is for
  char m_sessionPath[1024] = "session.json";
};

void GuiApp::applyScale() {
  float s = std::clamp(m_state.uiScale, 1.f, 3.f);
  if (s == m_appliedScale) return;
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  std::error_code ec;
  ImFont* font = nullptr;
  if (fs::exists(kFontPath, ec)) font = io.Fonts->AddFontFromFileTTF(kFontPath, std::round(15.f * s));
  if (!font) {
    ImFontConfig cfg;
    cfg.SizePixels = std::round(13.f * s);
    io.Fonts->AddFontDefault(&cfg);
  }
  io.Fonts->Build();
  m_fullRedraw = true;  // the font texture changes under every glyph
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 4;
  style.FrameRounding = 3;
  style.ScaleAllSizes(s);
  ImGui::GetStyle() = style;
  m_appliedScale = s;
  m_relayout = true;
}

void GuiApp::layout(float w, float h) {
  float top = ImGui::GetFrameHeight();
  // Bigger UI scales give the right-hand panels more room; the map stays the largest.
  float frac = std::clamp(0.62f - 0.08f * (m_appliedScale - 1.f), 0.5f, 0.62f);
  float H = h - top, left = std::round(w * frac), right = w - left;
  m_map.setPlacement(ImVec2(0, top), ImVec2(left, H));
  m_image.setPlacement(ImVec2(left, top), ImVec2(right, std::round(H * 0.42f)));
  m_manifold.setPlacement(ImVec2(left, top + std::round(H * 0.42f)), ImVec2(right, std::round(H * 0.30f)));
  // A diffusion model's panel takes the place of the decoded image and the manifold grid.
  m_diffusion.setPlacement(ImVec2(left, top), ImVec2(right, std::round(H * 0.72f)));
  float y = top + std::round(H * 0.72f), hh = h - y;
  m_model.setPlacement(ImVec2(left, y), ImVec2(std::round(right * 0.55f), hh));
  m_perfPanel.setPlacement(ImVec2(left + std::round(right * 0.55f), y), ImVec2(right - std::round(right * 0.55f), hh));
  if (m_pixelDiffusionLayout) {
    // A pixel diffusion model has no latent map: its panel takes the map's place.
    m_diffusion.setPlacement(ImVec2(0, top), ImVec2(left, H));
    m_model.setPlacement(ImVec2(left, top), ImVec2(right, std::round(H * 0.5f)));
    m_perfPanel.setPlacement(ImVec2(left, top + std::round(H * 0.5f)), ImVec2(right, H - std::round(H * 0.5f)));
  }
}

void GuiApp::handleShortcuts() {
  // Keyboard shortcuts, shown next to their menu items. Ignored while typing in a field.
  ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_O, false)) m_sessionPopup = "open";
  if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_S, false)) m_sessionPopup = "save";
  if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Q, false)) glfwSetWindowShouldClose(m_window, 1);
  if (io.KeyCtrl && (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD)))
    m_state.uiScale = std::min(3.f, m_state.uiScale + 0.25f);
  if (io.KeyCtrl && (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT)))
    m_state.uiScale = std::max(1.f, m_state.uiScale - 0.25f);
  if (ImGui::IsKeyPressed(GLFW_KEY_F1, false)) {
    bool all = true;
    for (const char* id : {"map", "image", "manifold", "model", "perf", "diffusion"}) all = all && m_state.showNotes[id];
    for (const char* id : {"map", "image", "manifold", "model", "perf", "diffusion"}) m_state.showNotes[id] = !all;
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_F, false) && !io.KeyCtrl && m_engine.points().count()) {
    m_state.view.fit(m_engine.points().uv);
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) {  // Esc cancels long work
    if (m_engine.encoding()) m_engine.cancelEncode();
    m_engine.cancelGrid();
    if (m_engine.sampling()) m_engine.cancelSample();
  }
}

void GuiApp::drawMenu() {
  handleShortcuts();
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open session...", "Ctrl+O")) m_sessionPopup = "open";
    if (ImGui::MenuItem("Save session...", "Ctrl+S")) m_sessionPopup = "save";
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) glfwSetWindowShouldClose(m_window, 1);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    float s = m_state.uiScale;
    if (ImGui::SliderFloat("UI scale", &s, 1.f, 3.f, "%.2fx")) m_state.uiScale = s;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Ctrl+= / Ctrl+- to change; larger for projectors");
    ImGui::TextDisabled("F: fit the map   Esc: cancel long work");
    ImGui::MenuItem("Latent map", nullptr, &m_map.open);
    ImGui::MenuItem("Decoded image", nullptr, &m_image.open);
    ImGui::MenuItem("Manifold grid", nullptr, &m_manifold.open);
    if (m_engine.diffusion()) ImGui::MenuItem("Diffusion", nullptr, &m_diffusion.open);
    ImGui::MenuItem("Model and data", nullptr, &m_model.open);
    ImGui::MenuItem("Performance", nullptr, &m_perfPanel.open);
    if (ImGui::MenuItem("Reset layout")) m_relayout = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    bool all = true;
    for (const char* id : {"map", "image", "manifold", "model", "perf", "diffusion"}) all = all && m_state.showNotes[id];
    if (ImGui::MenuItem("Show all notes", "F1", all))
      for (const char* id : {"map", "image", "manifold", "model", "perf", "diffusion"}) m_state.showNotes[id] = !all;
    ImGui::EndMenu();
  }
  // The newest message (an engine error, a session warning) stays visible in the menu bar.
  std::string msg = !m_engine.lastError.empty() ? m_engine.lastError : (m_messages.empty() ? "" : m_messages.back());
  if (!msg.empty()) {
    ImGui::Separator();
    ImGui::TextColored(ImVec4(1, 0.6f, 0.4f, 1), "%s", msg.c_str());
    if (ImGui::SmallButton("x")) {
      m_engine.lastError.clear();
      m_messages.clear();
    }
  }
  ImGui::EndMainMenuBar();
}

void GuiApp::drawSessionPopup() {
  if (!m_sessionPopup.empty()) {
    ImGui::OpenPopup("Session file");
    m_sessionPopup2 = m_sessionPopup;
    m_sessionPopup.clear();
  }
  if (ImGui::BeginPopupModal("Session file", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::Text(m_sessionPopup2 == "save" ? "Save the session to:" : "Open the session from:");
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 30);
    ImGui::InputText("##path", m_sessionPath, sizeof(m_sessionPath));
    if (ImGui::Button(m_sessionPopup2 == "save" ? "Save" : "Open")) {
      try {
        if (m_sessionPopup2 == "save") {
          saveSession(m_sessionPath, m_state);
          m_messages.push_back(std::string("saved ") + m_sessionPath);
        } else {
          AppState s;
          auto warnings = loadSession(m_sessionPath, s);
          for (auto& w : warnings) m_messages.push_back(w);
          std::string dir = s.modelDir;
          std::error_code ec;
          if (dir.empty() || !fs::exists(fs::path(dir) / "model.json", ec)) {
            m_messages.push_back("session: model \"" + dir + "\" not found; keeping the current model");
            dir = m_state.modelDir;
          }
          m_state = s;
          m_state.modelDir.clear();
          m_decoder.reset();
          openModel(dir);
          m_relayout = true;
        }
      } catch (const std::exception& e) {
        m_messages.push_back(e.what());
      }
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
}

void GuiApp::openModel(const std::string& dir) {
  if (dir != m_state.modelDir) {
    // A different model has a different latent: the plane and view start over.
    if (m_state.planeMode == "custom" && !m_state.modelDir.empty()) m_state.planeMode = "pca";
    if (!m_state.modelDir.empty()) {
      m_state.plane = LatentPlane{};
      m_state.viewSet = false;
      m_state.selected = -1;
    }
  }
  m_state.modelDir = dir;
  m_decoder.reset();
  m_engine.loadModel(dir, m_state.device);
  m_engine.encodeData(m_state.dataSpec);
}

void GuiApp::processRequests(UiRequests& req) {
  if (!g_dropped.empty()) {
    req.loadModel = g_dropped;
    g_dropped.clear();
  }
  if (!req.loadModel.empty()) openModel(req.loadModel);
  if (req.encode) {
    m_state.viewSet = false;
    m_engine.encodeData(m_state.dataSpec);
  }
  if (req.cancelEncode) m_engine.cancelEncode();
  if (req.cancelGrid) m_engine.cancelGrid();
  applyDiffusionRequests(req, m_engine, m_state);
  if (req.planeChanged) {
    m_engine.applyPlane(m_state);
    m_state.view.fit(m_engine.points().uv);
  }
  if (req.decodeGrid || m_gridPending) {
    auto it = m_rects.find("map");
    if (it != m_rects.end() && !m_state.plane.origin.empty() && m_engine.latents()) {
      MapRect r{it->second.x, it->second.y, it->second.z, it->second.w};
      double u0, u1, v0, v1;
      m_state.view.bounds(r, u0, u1, v0, v1);
      m_engine.decodeGrid(m_state.plane, u0, u1, v0, v1, m_state.gridK);
      m_gridPending = false;
    } else {
      m_gridPending = true;
    }
  }
  // Cursor and selection changes become requests only once the map exists.
  if (m_engine.model() && m_engine.latents()) {
    m_decoder.update(m_state, [&](std::vector<float> z) { m_engine.decodeCursor(std::move(z)); });
    m_decoder.updateSelection(m_state, [&](int64_t i) { m_engine.reconstruct(i); });
  }
}

bool GuiApp::screenshotReady() {
  // A pixel diffusion model never gets latents, so a requested grid can never start.
  bool mapless = m_engine.diffusion() && !m_engine.model();
  if (!m_engine.idle() || (m_gridPending && !mapless)) {
    m_idleFrames = 0;
    return false;
  }
  if (!m_engine.modelError.empty() || !m_engine.dataError.empty()) return true;  // reported by the caller
  if (m_engine.diffusion() && m_engine.sampleA.finished == 0) return false;  // the first run is the picture
  if (!m_engine.latents() && !mapless) return false;
  if (m_state.hasCursor && m_engine.cursorVersion == 0 && m_engine.lastError.empty()) return false;
  // Two settled frames: the first draws the last results, the second is what is captured.
  return ++m_idleFrames >= 3;
}

int GuiApp::writeScreenshot(int fbw, int fbh) {
  Image img(fbw, fbh, 3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(m_singleBuffered ? GL_FRONT : GL_BACK);
  std::vector<uint8_t> raw(size_t(fbw) * fbh * 3);
  glReadPixels(0, 0, fbw, fbh, GL_RGB, GL_UNSIGNED_BYTE, raw.data());
  for (int y = 0; y < fbh; ++y)  // GL rows start at the bottom
    std::memcpy(img.at(0, y), raw.data() + size_t(fbh - 1 - y) * fbw * 3, size_t(fbw) * 3);
  writePng(m_opts.screenshot, img);
  // The sidecar tells tests where the panels are, in framebuffer pixels.
  ImVec2 s = ImGui::GetIO().DisplayFramebufferScale;
  nlohmann::json side;
  for (auto& [name, r] : m_rects) side[name] = {r.x * s.x, r.y * s.y, r.z * s.x, r.w * s.y};
  side["framebuffer"] = {fbw, fbh};
  side["cursor_latent"] = m_engine.cursorLatent;
  side["points"] = m_engine.points().count();
  side["model"] = m_state.modelDir;
  writeFileAtomic(m_opts.screenshot + ".json", side.dump(2) + "\n");
  return 0;
}

bool GuiApp::createWindow() {
  m_window = glfwCreateWindow(m_opts.width, m_opts.height, "LatentLab", nullptr, nullptr);
  if (!m_window) {
    std::fprintf(stderr, "latentlab: cannot create an OpenGL 3.3 window\n");
    glfwTerminate();
    return false;
  }
  glfwMakeContextCurrent(m_window);
  return true;
}

int GuiApp::run() {
  if (!glfwInit()) {
    std::fprintf(stderr, "latentlab: cannot open a window (no display?); run under X or xvfb-run\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  if (!createWindow()) return 1;
  // A software rasteriser (llvmpipe under Xvfb, machines without a GPU) pays for every pixel
  // of every frame: there a single-buffered window keeps its pixels between frames, so only
  // what changed is re-rasterised (gl::PartialRedraw). A GPU draws whole frames, double
  // buffered. LATENTLAB_FULL_REDRAW=1 forces whole frames everywhere (bench comparisons).
  const char* renderer = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  std::string r = renderer ? renderer : "";
  bool software = r.find("llvmpipe") != std::string::npos || r.find("softpipe") != std::string::npos ||
                  r.find("swrast") != std::string::npos;
  if (software && !m_alwaysFull) {
    glfwDestroyWindow(m_window);
    glfwWindowHint(GLFW_DOUBLEBUFFER, GLFW_FALSE);
    if (!createWindow()) return 1;
    m_singleBuffered = true;
  }
  m_bench.setPartialRedraw(m_singleBuffered);
  glfwSwapInterval(m_opts.screenshot.empty() ? 1 : 0);
  glfwSetDropCallback(m_window, onDrop);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // layout comes from sessions, not imgui.ini
  ImGui_ImplGlfw_InitForOpenGL(m_window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  try {
    m_scatter.init();
    m_scatterOk = true;
  } catch (const std::exception& e) {
    m_messages.push_back(std::string(e.what()) + " (drawing points without it)");
    std::fprintf(stderr, "latentlab: %s\n", e.what());
  }
  m_engine.setWake([] { glfwPostEmptyEvent(); });
  std::string dir = m_state.modelDir;
  m_state.modelDir.clear();
  m_state.plane = m_state.planeMode == "custom" ? m_state.plane : LatentPlane{};
  openModel(dir);
  m_gridPending = m_state.gridRequested;
  if (!m_opts.diffusionTab.empty()) {
    m_diffusion.selectTab(m_opts.diffusionTab);
    if (m_opts.diffusionTab == "noise") m_diffusion.forwardNoise().set(m_opts.noiseIndex, m_opts.noiseT);
    if (m_opts.diffusionTab == "compare") m_diffusion.compare().setEnabled(true);
  }

  int rc = -1;
  double last = nowSeconds(), started = last;
  while (!glfwWindowShouldClose(m_window) && rc < 0) {
    // Redraw on demand: wait for input or a worker result unless something is moving.
    // A run held by the Step button is waiting for the user, not working: idle until input.
    bool working = !m_engine.idle() && !(m_engine.samplePaused() && m_engine.sampleA.gate->waiting());
    bool busy = working || ImGui::IsAnyMouseDown() || !m_opts.screenshot.empty() || m_bench.enabled();
    if (busy) glfwPollEvents();
    else glfwWaitEventsTimeout(0.25);
    double tStart = nowSeconds();
    bool changed = m_engine.poll(m_state);
    m_bench.beforeFrame(m_state, m_engine, nowSeconds());
    (void)changed;
    applyScale();
    int fbw, fbh, ww, wh;
    glfwGetFramebufferSize(m_window, &fbw, &fbh);
    glfwGetWindowSize(m_window, &ww, &wh);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    if (m_laidOut.x != float(ww) || m_laidOut.y != float(wh)) m_relayout = true;
    bool pixelDiffusion = m_engine.diffusion() && !m_engine.model();
    if (pixelDiffusion != m_pixelDiffusionLayout) {
      m_pixelDiffusionLayout = pixelDiffusion;
      m_relayout = true;
    }
    if (m_relayout) {
      layout(float(ww), float(wh));
      m_laidOut = ImVec2(float(ww), float(wh));
    }
    drawMenu();
    drawSessionPopup();
    UiRequests req;
    PanelContext ctx{m_state, req, m_textures, m_scatterOk ? static_cast<PointsDrawer&>(m_scatter) : m_noPointsDrawer};
    ctx.engine = &m_engine;
    ctx.points = &m_engine.points();
    ctx.data = m_engine.data();
    ctx.perf = &m_perf;
    if (!m_pixelDiffusionLayout) m_map.draw(ctx, m_relayout);
    if (m_engine.diffusion()) {
      m_diffusion.draw(ctx, m_relayout);
    } else {
      m_image.draw(ctx, m_relayout);
      m_manifold.draw(ctx, m_relayout);
    }
    m_model.draw(ctx, m_relayout);
    m_perfPanel.draw(ctx, m_relayout);
    m_relayout = false;
    m_rects = ctx.rects;
    processRequests(req);
    ImGui::Render();
    double tUi = nowSeconds();
    glClearColor(0.08f, 0.09f, 0.11f, 1.f);
    {
      std::vector<DirtyRect> extra;
      ImVec4 map;
      if (m_scatterOk && m_scatter.takeChanged(map)) extra.push_back({map.x, map.y, map.z, map.w});
      m_redraw.render(ImGui::GetDrawData(), fbw, fbh, m_textures.takeUploaded(), extra,
                      m_fullRedraw || !m_singleBuffered);
      m_fullRedraw = false;
    }
    if (!m_opts.screenshot.empty()) {
      if (screenshotReady()) {
        std::string err = !m_engine.modelError.empty() ? m_engine.modelError : m_engine.dataError;
        if (!err.empty()) {
          std::fprintf(stderr, "latentlab: %s\n", err.c_str());
          rc = 3;
        } else {
          try {
            rc = writeScreenshot(fbw, fbh);
          } catch (const std::exception& e) {
            std::fprintf(stderr, "latentlab: %s\n", e.what());
            rc = 3;
          }
        }
      } else if (nowSeconds() - started > 600) {
        std::fprintf(stderr, "latentlab: --screenshot gave up: the engine did not settle within 600 s\n");
        rc = 1;
      }
    }
    double tDraw = nowSeconds();
    if (m_singleBuffered) glFinish();  // the frame is on screen once the rasteriser is done
    else glfwSwapBuffers(m_window);
    double now = nowSeconds();
    m_bench.addPhases((tUi - tStart) * 1e3, (tDraw - tUi) * 1e3, (now - tDraw) * 1e3, m_redraw.lastFraction());
    m_perf.push(float((now - last) * 1000.0));
    m_bench.afterSwap(now, (now - last) * 1000.0);
    if (m_bench.finished() && rc < 0) rc = m_bench.writeResult();
    last = now;
  }
  // GL objects must go while their context is still current.
  m_textures.clear();
  m_scatter.release();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(m_window);
  glfwTerminate();
  return rc < 0 ? 0 : rc;
}

}  // namespace

int runGui(const GuiOptions& opts) {
  AppState state;
  std::vector<std::string> warnings;
  if (!opts.session.empty()) {
    try {
      warnings = loadSession(opts.session, state);
    } catch (const BadInput& e) {
      std::fprintf(stderr, "latentlab: %s\n", e.what());
      return 3;
    }
    for (auto& w : warnings) std::fprintf(stderr, "latentlab: %s\n", w.c_str());
  }
  if (!opts.models.empty()) state.modelDir = opts.models.front();
  if (!opts.data.empty()) state.dataSpec = opts.data;
  if (!opts.device.empty() && (opts.session.empty() || opts.device != "auto")) state.device = opts.device;
  if (opts.scale > 0) state.uiScale = opts.scale;
  if (state.modelDir.empty()) state.modelDir = findBundledModel("fashion-vae-16");
  // A model that cannot even be described is refused before a window opens.
  try {
    readManifest(state.modelDir);
  } catch (const BadInput& e) {
    std::fprintf(stderr, "latentlab: %s\n", e.what());
    return 3;
  }
  GuiApp app(opts, std::move(state), std::move(warnings));
  return app.run();
}

}  // namespace latentlab
