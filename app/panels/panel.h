// Base of every panel: owns ImGui::Begin/End, the default placement and the "what am I
// looking at?" notes toggle; a subclass draws only its content. Panels read AppState and
// write to it or to UiRequests; they never call the engine or GL directly.
#pragma once
#include <imgui.h>

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "app/app_state.h"
#include "app/feature_jobs.h"
#include "app/help/shortcuts.h"
#include "app/map_points.h"
#include "app/texture_source.h"
#include "engine/explore/diffusion_sampling.h"

namespace latentlab {

class EngineClient;
struct Dataset;

// What panels ask the app to do this frame (processed after all panels have drawn).
struct UiRequests {
  std::string loadModel;   // folder to open
  bool encode = false;     // (re)encode state.dataSpec
  bool cancelEncode = false;
  bool decodeGrid = false;
  bool cancelGrid = false;
  bool planeChanged = false;  // state.planeMode/points/axes changed: recompute the plane
  bool runSample = false;     // start a diffusion sampling run with `sample`
  bool cancelSample = false;
  SampleRequest sample;
  // With runSample: start the run held after its first step. Alone: a held run does one
  // more step.
  bool stepSample = false;
  bool resumeSample = false;  // a held run continues to the end
  bool runCompare = false;    // with runSample: also run `compare` (the Compare view's B)
  SampleRequest compare;
  bool forwardNoise = false;  // noise data item noiseIndex to timestep noiseT
  int64_t noiseIndex = 0, noiseT = 0;
  uint64_t noiseSeed = 0;
};

struct PerfStats;


struct PanelContext {
  AppState& state;
  UiRequests& requests;
  TextureSource& textures;
  PointsDrawer& pointsDrawer;
  const EngineClient* engine = nullptr;  // null in headless tests
  FeatureJobs* jobs = nullptr;           // a feature's own engine jobs (app/feature_jobs.h); null in panel-only tests
  const MapPoints* points = nullptr;
  const Dataset* data = nullptr;
  const PerfStats* perf = nullptr;
  std::map<std::string, ImVec4> rects;  // screen rectangles panels report (x, y, w, h)
};

class Panel {
 public:
  Panel(std::string id, std::string title) : m_id(std::move(id)), m_title(std::move(title)) {}
  virtual ~Panel() = default;
  // Draws the window; placement is applied when `relayout` is true (first frame, resize, scale).
  void draw(PanelContext& ctx, bool relayout);
  void setPlacement(ImVec2 pos, ImVec2 size) {
    m_pos = pos;
    m_size = size;
  }
  const std::string& id() const { return m_id; }
  const std::string& title() const { return m_title; }
  const char* notesText() const { return notes(); }
  bool open = true;
  // Presenter mode of a lesson (app/lesson/): the panel is drawn but its controls are disabled,
  // and hovering it says why. Set by the Lesson panel only.
  bool locked = false;

  // Panel-local settings a session keeps, under "panels".<id> (GuiApp saves `open` itself).
  virtual void saveState(nlohmann::json& out) const {}
  // Reads what saveState wrote; a bad value adds a warning and keeps the current setting.
  virtual void restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) {}
  // A global shortcut (app/help/shortcuts.h) the app does not handle itself, offered to every
  // panel shown whatever window has the focus (never while a text field is being edited);
  // true when this panel acted on it, e.g. the Diffusion panel on RunSample / StepSample.
  virtual bool onShortcut(ShortcutId id, PanelContext& ctx) { return false; }

 protected:
  virtual void drawContent(PanelContext& ctx) = 0;
  virtual const char* notes() const = 0;
  virtual ImGuiWindowFlags flags() const { return 0; }
  // Subclasses call this at the end of their first row: a right-aligned "Notes" toggle.
  void notesToggle(PanelContext& ctx);

 private:
  std::string m_id, m_title;
  ImVec2 m_pos{0, 0}, m_size{400, 300};
};

}  // namespace latentlab
