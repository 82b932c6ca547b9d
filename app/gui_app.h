// The desktop app: owns the AppState, the engine client, the list of panels (app/panel_list.h)
// and the frame: shortcuts, main menu, dialogs (app/widgets/desktop_tools.h), layout, panels,
// turning their requests into engine work, model switches, messages, --screenshot. run() puts it in a real window
// (app/gl/window.h); tests drive the same frames headless (start / update / buildFrame).
// Never calls GL or GLFW itself: the window and GL renderers live in app/gl/.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/app_state.h"
#include "app/cursor_decoder.h"
#include "app/drag_bench.h"
#include "app/map/map_bench.h"
#include "app/engine_client.h"
#include "app/layout.h"
#include "app/map_points.h"
#include "app/messages.h"
#include "app/open_model/bare_model_dialog.h"
#include "app/open_model/resize_offer.h"
#include "app/panel_list.h"
#include "app/perf_stats.h"
#include "app/screenshot.h"
#include "app/texture_source.h"
#include "app/widgets/desktop_tools.h"

namespace latentlab {

struct GuiOptions {
  std::vector<std::string> models;
  std::string data, session, screenshot, device = "auto";
  std::string image;  // --image CxHxW: the image shape of a bare .pt given with --model
  float scale = 0;  // 0 = from the session or 1.0
  int width = 1600, height = 1000;
  std::string benchDrag;  // --bench-drag OUT.json (see app/drag_bench.h)
  int benchMoves = 300;
  // Diffusion bundles: open the Diffusion panel on this tab (denoise, compare, noise,
  // schedule); "noise" also noises data item noiseIndex to noiseT. For screenshots.
  std::string diffusionTab;
  int64_t noiseIndex = 0;
  int noiseT = 300;
  // `latentlab lesson FILE`: open this lesson (app/lesson/) at lessonStep (0-based), in
  // presenter mode when asked.
  std::string lesson;
  int lessonStep = 0;
  bool presenter = false;
  bool lessonAllSteps = false;  // with screenshot: every step from lessonStep on, OUT-01.png, OUT-02.png...
  int lessonLastStep = -1;      // ... up to this one (0-based; -1 = the last)
};

// Returns the process exit code: 0, 1 (no window could be opened), 3 (bad session/model
// with --screenshot; without it the window opens and says what is wrong).
int runGui(const GuiOptions& opts);

class GuiApp {
 public:
  GuiApp(const GuiOptions& opts, AppState state, std::vector<std::string> warnings = {});
  ~GuiApp();
  GuiApp(const GuiApp&) = delete;
  GuiApp& operator=(const GuiApp&) = delete;

  // Opens the window and runs until it closes; the exit code.
  int run();
  // True when quitting left a job that could not be interrupted running (see
  // EngineClient::shutdown): the process should end without running destructors.
  bool abandonedWork() const { return m_abandoned; }

  // ---- Frames without a window (tests; the caller owns the ImGui context) -------------
  void start();   // opens the state's model, as run() does first
  void update();  // before ImGui::NewFrame: engine results, model switches, UI scale
  void buildFrame(float width, float height);  // between ImGui::NewFrame and ImGui::Render
  // buildFrame, but an exception becomes a message and the frame is still ended cleanly
  // (what run() does every frame; with --screenshot it also means exit 3).
  void safeBuildFrame(float width, float height);
  void headlessFrame(float width = 1600, float height = 1000);  // update + NewFrame + build + Render

  // ---- What the menu, the shortcuts, dropped folders and sessions do ------------------
  // Opens a model folder. `restoring`: the state (plane, view, cursor) was made for this
  // model (a session), keep it; otherwise the new model's map starts fitted and fresh.
  void openModel(const std::string& dir, bool restoring = false);
  bool openSession(const std::string& path);  // a message either way; false on failure
  bool saveSession(const std::string& path);  // a message either way; false on failure
  void resetLayout();                          // every panel open and in its place
  // One more panel after the registered ones (tests; a plug-in would use it too).
  void addPanel(PanelEntry entry);
  bool frameFailed() const { return m_frameFailed; }

  // ---- Looking inside ------------------------------------------------------------------
  AppState& state() { return m_state; }
  EngineClient& engine() { return m_engine; }
  const Messages& messages() const { return m_messages; }
  const BareModelDialog& bareModelDialog() const { return m_bareDialog; }  // app/open_model/
  const ResizeOffer& resizeOffer() const { return m_resizeOffer; }
  Panel* panel(const std::string& id) const;
  std::vector<Panel*> shownPanels() const;  // the panels of the loaded kind of model
  ModelKind modelKind() const;
  const std::map<std::string, LayoutRect>& layout() const { return m_layout; }
  const std::map<std::string, ImVec4>& rects() const { return m_rects; }  // drawn this frame
  // Every job idle, every result drawn and nothing more to ask for (--screenshot waits for it).
  bool settled() const;
  bool quitRequested() const { return m_quit; }

 private:
  struct Gl;  // the window's renderers (gui_app.cpp), absent when headless
  void applyScale();
  void applyLayout(float width, float height);
  void handleShortcuts(PanelContext& ctx);
  // File dialog, recent files, Export, Undo/Redo, Help (app/widgets/desktop_tools.h).
  DiffusionSettings* diffusionSettings() const;  // the Diffusion panel's, when it is shown
  ExportView exportView() const;
  void applyToolActions(const ToolActions& t);
  class LessonPanel* lessonPanel() const;  // the registered Lesson panel (app/lesson/)
  void drawMenus();
  void processRequests(UiRequests& req);
  void onModelLoaded();
  bool gridWanted() const;
  void requestGrid();
  void collectPanelState();
  void restorePanelState();
  int frameLoop();
  std::string frameError(const std::exception& e);

  GuiOptions m_opts;
  AppState m_state;
  EngineClient m_engine;
  std::vector<PanelEntry> m_panels;
  std::unique_ptr<Gl> m_gl;
  TextureSource m_noTextures;
  PointsDrawer m_noPoints;
  TextureSource* m_textures = &m_noTextures;
  PointsDrawer* m_pointsDrawer = &m_noPoints;
  PerfStats m_perf;
  CursorDecoder m_decoder;
  DragBench m_bench{m_opts.benchDrag, m_opts.benchMoves};
  MapBench m_mapBench;  // LATENTLAB_BENCH_MAP=OUT.json (bench/gui_map.sh)
  Messages m_messages;
  uint64_t m_errorsAtStart = 0;
  DesktopTools m_tools;
  BareModelDialog m_bareDialog;  // a dropped .pt without metadata: its image shape first
  ResizeOffer m_resizeOffer;     // data of another shape than the model's: offer to resize
  std::string m_bareAnswered;    // the bare .pt whose shape was just given (opens without asking)
  std::string m_barePending;     // ... and is loading: if it fails, the dialog asks again
  ScreenshotWaiter m_shot;
  std::map<std::string, ImVec4> m_rects;
  std::map<std::string, LayoutRect> m_layout;
  ModelKind m_kind = ModelKind::None;
  float m_appliedScale = 0;
  ImVec2 m_laidOut{0, 0};
  std::vector<bool> m_openLaidOut;  // which panels were open at the last layout
  bool m_relayout = true;
  bool m_fullRedraw = true;
  bool m_restoring = false;
  bool m_quit = false;
  bool m_abandoned = false;
  bool m_frameFailed = false;  // an exception reached the frame (exit 3 for --screenshot)
  uint64_t m_seenGeneration = 0;
  struct GridKey {
    uint64_t generation = ~uint64_t(0);
    LatentPlane plane;
  } m_gridAsked;
};

}  // namespace latentlab
