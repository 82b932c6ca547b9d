#include "app/gui_app.h"

#include <imgui.h>
#include <imgui_internal.h>  // ErrorCheckEndFrameRecover: a frame that threw still ends cleanly

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "app/bundled_models.h"
#include "app/diffusion_requests.h"
#include "app/gl/partial_redraw.h"
#include "app/gl/scatter_renderer.h"
#include "app/gl/texture_cache.h"
#include "app/gl/window.h"
#include "app/lesson/lesson_panel.h"
#include "app/main_menu.h"
#include "app/panels/diffusion_panel.h"
#include "app/panels/grid_geometry.h"
#include "app/panels/style.h"
#include "app/session.h"
#include "app/help/shortcuts.h"
#include "engine/models/manifest.h"
#include "engine/models/model_file.h"
#include "app/tokens/tokens_panel.h"
#include "engine/tokens/token_model.h"
#include "engine/util/errors.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {
const char* kFontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

double nowSeconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void ignoreImGuiLog(void*, const char*, ...) {}  // the exception's own message says what went wrong

bool samePlane(const LatentPlane& a, const LatentPlane& b) {
  return a.origin == b.origin && a.axisU == b.axisU && a.axisV == b.axisV;
}
}  // namespace

// What only a real window has: the window and the GL renderers. Destroyed before the window.
struct GuiApp::Gl {
  std::unique_ptr<gl::Window> window;
  gl::TextureCache textures;
  gl::ScatterRenderer scatter;
  // Re-rasterises only what changed (a software rasteriser pays for every pixel); set
  // LATENTLAB_FULL_REDRAW=1 to draw whole frames, e.g. to compare in bench/.
  gl::PartialRedraw redraw;
  bool scatterOk = false;
  ~Gl() {
    // GL objects must go while their context is still current, i.e. before the window.
    textures.clear();
    scatter.release();
  }
};

GuiApp::GuiApp(const GuiOptions& opts, AppState state, std::vector<std::string> warnings)
    : m_opts(opts), m_state(std::move(state)), m_engine(1), m_panels(makePanels()) {
  m_messages.setErrorSink([](const std::string& text) { std::fprintf(stderr, "latentlab: %s\n", text.c_str()); });
  for (auto& w : warnings) m_messages.error(w);
  m_errorsAtStart = m_messages.count();
  restorePanelState();
  if (LessonPanel* l = lessonPanel()) {
    l->bind(this);
    if (!m_opts.lesson.empty() && !l->openLesson(m_opts.lesson, m_opts.lessonStep, m_opts.presenter))
      m_messages.error(l->error());
    l->setScreenshotAllSteps(m_opts.lessonAllSteps, m_opts.lessonLastStep);
    if (m_opts.scale > 0) m_state.uiScale = m_opts.scale;  // --scale wins over the lesson's
  }
}

LessonPanel* GuiApp::lessonPanel() const { return dynamic_cast<LessonPanel*>(panel("lesson")); }

GuiApp::~GuiApp() {
  // Workers first (they may call back into the window system), then the window.
  m_engine.shutdown(m_gl ? 1.0 : -1.0);
  m_gl.reset();
}

// ---------------------------------------------------------------- frame

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
  if (m_gl) m_gl->window->rebuildFontTexture();
  ImGuiStyle style;
  applyAppStyle(style, s);
  ImGui::GetStyle() = style;
  m_appliedScale = s;
  m_relayout = true;
}

void GuiApp::start() {
  std::string dir = m_state.modelDir;
  if (m_state.planeMode != "custom") m_state.plane = LatentPlane{};
  if (dir.empty()) {
    m_messages.error("no model given: pick one in the Model panel");
    return;
  }
  if (!m_opts.image.empty()) m_bareAnswered = dir;  // --image answered the dialog
  openModel(dir, true);
  if (!m_opts.diffusionTab.empty()) {
    if (auto* d = dynamic_cast<DiffusionPanel*>(panel("diffusion"))) {
      d->selectTab(m_opts.diffusionTab);
      if (m_opts.diffusionTab == "noise") d->forwardNoise().set(m_opts.noiseIndex, m_opts.noiseT);
      if (m_opts.diffusionTab == "compare") d->compare().setEnabled(true);
    }
  }
}

void GuiApp::openModel(const std::string& dir, bool restoring) {
  // A TorchScript file without metadata opens once the user gives its image shape (a dialog;
  // Cancel keeps the current model). Asked again whenever it is opened anew, so a wrong
  // shape is never stuck; a reload of the open model keeps the shape it was opened with.
  bool answered = dir == m_bareAnswered;
  m_bareAnswered.clear();
  bool reload = dir == m_state.modelDir && m_engine.model();
  if (isBareModelFile(dir) && !answered && !reload) {
    auto given = rememberedBareImageShape(dir);
    const Dataset* d = m_engine.data();
    m_bareDialog.ask(dir, given ? shapeText({given->channels, given->height, given->width})
                          : d ? shapeText(shapeOf(*d)) : "1x28x28");
    return;
  }
  m_restoring = restoring;
  m_engine.loadModel(dir, m_state.device);
  m_engine.encodeData(m_state.dataSpec);
}

void GuiApp::onModelLoaded() {
  m_seenGeneration = m_engine.generation();
  std::string dir = m_engine.model() ? m_engine.model()->dir : m_engine.diffusion() ? m_engine.diffusion()->dir : "";
  if (auto t = m_engine.tokenModel()) dir = t->dir();
  bool same = dir == m_state.modelDir;
  m_state.modelDir = dir;
  if (!m_restoring) {
    // Another model has another latent space: its map starts over, fitted to its data,
    // with the cursor on its first item. The selected data item stays selected: its
    // reconstruction is redone with the new model.
    if (m_state.planeMode == "custom" || !same) m_state.planeMode = "pca";
    m_state.plane = LatentPlane{};
    m_state.viewSet = false;
    m_state.hasCursor = false;
  }
  // A panel that starts open in general but closed for this kind (a GAN's manifold grid of
  // random z directions) closes when such a model opens, unless a session said otherwise;
  // View brings it back.
  for (auto& e : m_panels) {
    bool fromSession = m_restoring && m_state.panels.count(e.panel->id());
    if (!fromSession && !e.placement(modelKind()).startsOpen && e.placement(ModelKind::None).startsOpen)
      e.panel->open = false;
  }
  m_restoring = false;
  m_decoder.reset();  // the cursor and the selection are asked for again, of the new model
  m_gridAsked = GridKey{};
  if (m_gl) m_gl->textures.clear();  // nothing the old model drew is shown again
  m_fullRedraw = true;
  m_relayout = true;
  std::string name = m_engine.model() ? m_engine.model()->name : m_engine.diffusion() ? m_engine.diffusion()->name : dir;
  if (auto t = m_engine.tokenModel()) name = t->name();
  m_messages.info("Opened " + name + " (" + dir + ")");
}

void GuiApp::update() {
  if (m_gl) {
    std::string dropped = m_gl->window->takeDropped();
    if (!dropped.empty()) openModel(dropped);
  }
  m_engine.poll(m_state);
  for (auto& e : m_engine.takeErrors()) m_messages.error(e);
  bool loaded = m_engine.generation() != m_seenGeneration;
  if (loaded) onModelLoaded();
  if (!m_barePending.empty() && !m_engine.loading()) {  // a bare .pt opened with the dialog's shape
    if (!loaded && !m_engine.modelError.empty())
      m_bareDialog.ask(m_barePending, m_bareDialog.text(), m_engine.modelError);  // ask again, saying why
    m_barePending.clear();
  }
  m_resizeOffer.update(m_engine, m_state.dataSpec);
  applyScale();
}

void GuiApp::handleShortcuts(PanelContext& ctx) {
  // The keys of app/help/shortcuts.h, whatever window has the focus; none while a text field
  // is being edited or a dialog is open (pressedShortcuts checks).
  std::vector<Panel*> shown = shownPanels();
  for (ShortcutId id : pressedShortcuts(ImGui::GetIO())) {
    switch (id) {
      case ShortcutId::Quit: m_quit = true; break;
      case ShortcutId::ScaleUp: m_state.uiScale = std::min(3.f, m_state.uiScale + 0.25f); break;
      case ShortcutId::ScaleDown: m_state.uiScale = std::max(1.f, m_state.uiScale - 0.25f); break;
      case ShortcutId::AllNotes: setAllNotes(m_state, shown, !allNotesShown(m_state, shown)); break;
      case ShortcutId::FitMap:
        if (m_engine.points().count()) m_engine.map().fit(m_state.view);
        break;
      case ShortcutId::CancelWork:
        if (m_engine.encoding()) m_engine.cancelEncode();
        m_engine.cancelGrid();
        if (m_engine.sampling()) m_engine.cancelSample();
        break;
      default:
        // Dialogs, Export, Undo/Redo, the key list; the rest belongs to a panel (Run / Step
        // to the Diffusion panel).
        if (m_tools.onShortcut(id, m_state, diffusionSettings(), m_engine.threads())) break;
        for (Panel* p : shown)
          if (p->open && p->onShortcut(id, ctx)) break;
        break;
    }
  }
}

bool GuiApp::openSession(const std::string& path) {
  AppState s;
  std::vector<std::string> warnings;
  try {
    warnings = loadSession(path, s);
  } catch (const std::exception& e) {
    m_messages.error(std::string("Could not open the session: ") + e.what());
    return false;
  }
  for (auto& w : warnings) m_messages.error(w);
  std::string dir = s.modelDir;
  std::error_code ec;
  if (dir.empty() || !(fs::exists(fs::path(dir) / "model.json", ec) || isModelFile(dir))) {  // a folder or a .pt
    m_messages.error("session: model \"" + dir + "\" not found; keeping the current model");
    dir = m_state.modelDir;
  }
  m_state = s;
  m_state.modelDir = dir;
  restorePanelState();
  if (!dir.empty()) openModel(dir, true);
  m_messages.info("Opened the session " + path);
  return true;
}

bool GuiApp::saveSession(const std::string& path) {
  collectPanelState();
  std::error_code ec;
  fs::path where = fs::absolute(path, ec);
  try {
    latentlab::saveSession(path, m_state);
  } catch (const std::exception& e) {
    m_messages.error(std::string("Could not save the session: ") + e.what());
    return false;
  }
  m_messages.info("Saved the session to " + (ec ? path : where.lexically_normal().string()));
  return true;
}

void GuiApp::drawMenus() {
  MenuExtras extras;
  ExportView view = exportView();
  extras.file = [&] { m_tools.fileMenuItems(m_state, view); };
  extras.edit = [&] { m_tools.editMenu(m_state, diffusionSettings()); };
  extras.help = [&] { m_tools.helpMenuItems(m_state, m_engine.threads()); };
  MenuActions a = drawMainMenu(m_state, shownPanels(), m_messages, extras);
  if (a.openSession) m_tools.openSessionDialog(false, m_state);
  if (a.saveSession) m_tools.openSessionDialog(true, m_state);
  if (a.quit) m_quit = true;
  if (a.resetLayout) resetLayout();
  if (a.panelsToggled) m_relayout = true;
  if (a.dismissMessages) m_messages.clear();
  if (!a.openLesson.empty())
    if (LessonPanel* l = lessonPanel(); l && !l->openLesson(a.openLesson, 0, l->presenter())) m_messages.error(l->error());
}

void GuiApp::buildFrame(float width, float height) {
  ModelKind kind = modelKind();
  if (kind != m_kind) {
    m_kind = kind;
    m_relayout = true;
  }
  if (m_laidOut.x != width || m_laidOut.y != height) m_relayout = true;
  // A panel opened or closed (its window's X, the View menu, Reset layout, a session): the
  // others take its place, so no hole is left.
  std::vector<bool> open;
  for (auto& e : m_panels) open.push_back(e.panel->open);
  if (open != m_openLaidOut) m_relayout = true;
  if (m_relayout) applyLayout(width, height);
  UiRequests req;
  PanelContext ctx{m_state, req, *m_textures, *m_pointsDrawer};
  ctx.engine = &m_engine;
  ctx.jobs = &m_engine;
  ctx.points = &m_engine.points();
  ctx.data = m_engine.data();
  ctx.perf = &m_perf;
  handleShortcuts(ctx);
  if (LessonPanel* l = lessonPanel()) l->frame(ctx);  // a lesson step going into the app
  drawMenus();
  bool relayout = m_relayout;
  m_relayout = false;
  for (Panel* p : shownPanels()) p->draw(ctx, relayout);
  if (auto a = m_bareDialog.draw()) {  // app/open_model/
    rememberBareImageShape(a->path, a->image);
    m_bareAnswered = m_barePending = a->path;
    openModel(a->path);
  }
  if (m_bareDialog.isOpen()) ctx.rects["open-model/shape-dialog"] = m_bareDialog.rect();
  if (auto spec = m_resizeOffer.draw()) {
    m_state.dataSpec = *spec;
    req.encode = true;
    m_messages.info("Mapping " + *spec + ": the data set resized to the model's image shape");
  }
  if (auto* d = dynamic_cast<DiffusionPanel*>(panel("diffusion")))  // the same offer on Forward noising
    if (std::string spec = d->forwardNoise().takeAcceptedResize(); !spec.empty())
      m_messages.info("Noising items of " + spec + ": the data set resized to the model's image shape");
  m_rects = ctx.rects;
  processRequests(req);
  applyToolActions(m_tools.endFrame(m_state, diffusionSettings(), exportView(), m_engine.generation(),
                                    m_engine.loading()));
}

DiffusionSettings* GuiApp::diffusionSettings() const {
  auto* d = dynamic_cast<DiffusionPanel*>(panel("diffusion"));
  return d && m_engine.diffusion() ? &d->settings() : nullptr;
}

ExportView GuiApp::exportView() const {
  ExportView v;
  // A diffusion model's picture is its finished sample; a VAE's the decode under the cursor.
  bool diffusion = m_engine.diffusion() != nullptr;
  v.decoded = diffusion ? &m_engine.sampleA.final : &m_engine.cursorImage;
  v.decodedLabel = diffusion ? "Final sample" : "Decoded image";
  v.grid = &m_engine.grid.atlas;
  v.frames = &m_engine.sampleA.frames;
  v.points = &m_engine.points();
  v.state = &m_state;
  auto it = m_rects.find("map");
  if (it != m_rects.end()) v.mapW = it->second.z, v.mapH = it->second.w;
  return v;
}

void GuiApp::applyToolActions(const ToolActions& t) {
  if (!t.saveSession.empty()) saveSession(t.saveSession);
  if (!t.openSession.empty()) openSession(t.openSession);
  if (!t.openModel.empty()) openModel(t.openModel);
  if (t.planeChanged) {  // Undo/Redo put back another plane
    UiRequests req;
    req.planeChanged = true;
    processRequests(req);
  }
}

void GuiApp::safeBuildFrame(float width, float height) {
  try {
    buildFrame(width, height);
  } catch (const std::exception& e) {
    // Whatever the panels began is ended, so the frame still renders (with the message).
    ImGui::ErrorCheckEndFrameRecover(ignoreImGuiLog);
    frameError(e);
  }
}

void GuiApp::headlessFrame(float width, float height) {
  ImGui::GetIO().DisplaySize = ImVec2(width, height);
  try {
    update();
  } catch (const std::exception& e) {
    frameError(e);
  }
  ImGui::NewFrame();
  safeBuildFrame(width, height);
  ImGui::Render();
}

void GuiApp::addPanel(PanelEntry entry) {
  m_panels.push_back(std::move(entry));
  m_relayout = true;
}

// ---------------------------------------------------------------- requests

bool GuiApp::gridWanted() const {
  if (!m_state.gridRequested || !m_engine.model() || !m_engine.latents() || m_state.plane.origin.empty()) return false;
  if (!m_rects.count("map")) return false;  // the grid covers what the map shows
  return m_gridAsked.generation != m_engine.generation() || !samePlane(m_gridAsked.plane, m_state.plane);
}

void GuiApp::requestGrid() {
  auto it = m_rects.find("map");
  if (it == m_rects.end() || m_state.plane.origin.empty() || !m_engine.latents()) return;
  MapRect r{it->second.x, it->second.y, it->second.z, it->second.w};
  // Decode points inset half a tile, so the overlay's outer tiles are not cut at the edge.
  PlaneRect b = gridDecodeBounds(m_state.view, r, m_state.gridK);
  m_engine.decodeGrid(m_state.plane, b.u0, b.u1, b.v0, b.v1, m_state.gridK, m_state.decodeClass);
  m_gridAsked = GridKey{m_engine.generation(), m_state.plane};
}

void GuiApp::processRequests(UiRequests& req) {
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
    m_engine.map().fit(m_state.view);
  }
  // The grid follows the model and the plane by itself (a grid of another model or plane
  // would show pictures that are not on this map); a moved view waits for "Decode grid".
  if (req.decodeGrid || gridWanted()) requestGrid();
  // A VQ model's "Snap to codebook" (a session may set it with the steering panels closed):
  // the model follows AppState before any decode is asked for (a switch; it never blocks).
  if (auto m = m_engine.exploreModel(); m && m->info().codebookSize > 0 && m->snapToCodebook() != m_state.snapToCodebook)
    m->setSnapToCodebook(m_state.snapToCodebook);
  // Cursor and selection changes become requests only once the map exists.
  if (m_engine.model() && m_engine.latents()) {
    m_decoder.update(m_state, [&](std::vector<float> z) { m_engine.decodeCursor(std::move(z), m_state.decodeClass); });
    m_decoder.updateSelection(m_state, [&](int64_t i) { m_engine.reconstruct(i); });
  }
}

bool GuiApp::settled() const {
  if (m_bareDialog.isOpen()) return m_engine.idle();  // waiting for the user's image shape
  if (!m_engine.idle() || gridWanted()) return false;
  if (LessonPanel* l = lessonPanel(); l && !l->settled()) return false;
  if (!m_engine.modelError.empty() || !m_engine.dataError.empty()) return true;  // reported by the caller
  if (m_engine.loading() || m_seenGeneration == 0) return false;
  bool mapless = (m_engine.diffusion() || m_engine.tokenModel()) && !m_engine.model();
  if (auto* t = dynamic_cast<TokensPanel*>(panel("tokens")); t && m_engine.tokenModel() && !t->session().settled())
    return false;  // the Tokens view's grid, picture, bars and codebook
  if (m_engine.diffusion() && m_engine.sampleA.finished == 0) return false;  // the first run is the picture
  if (!m_engine.latents() && !mapless) return false;
  bool errors = m_messages.count() > m_errorsAtStart;
  if (!mapless && m_state.hasCursor && m_engine.cursorImage.empty() && !errors) return false;
  return true;
}

std::string GuiApp::frameError(const std::exception& e) {
  m_frameFailed = true;
  std::string msg = std::string("internal error (the window keeps going): ") + e.what();
  m_messages.error(msg);
  return msg;
}

// ---------------------------------------------------------------- the window

int GuiApp::frameLoop() {
  Gl& g = *m_gl;
  gl::Window& win = *g.window;
  int rc = -1;
  double last = nowSeconds(), started = last;
  while (!win.shouldClose() && !m_quit && rc < 0) {
    // Redraw on demand: wait for input or a worker result unless something is moving.
    // A run held by the Step button is waiting for the user, not working: idle until input.
    bool working = !m_engine.idle() && !(m_engine.samplePaused() && m_engine.sampleA.gate->waiting());
    bool busy = !m_opts.screenshot.empty() || m_bench.enabled() || m_mapBench.enabled() ||
                m_state.animating;  // a panel plays an animation (Interpolation)
    // While a worker runs or a button is held, nothing new can show before an input event or
    // a worker's result, and both end the wait at once (the workers post an empty event): a
    // slider's decode is drawn the moment it lands instead of after the frame in progress,
    // and frames spun meanwhile do not take the CPU from it. 1/120 s keeps progress moving.
    if (busy) win.pollEvents();
    else win.waitEvents(working || ImGui::IsAnyMouseDown() ? 1.0 / 120 : 0.25);
    double tStart = nowSeconds();
    int fbw, fbh, ww, wh;
    try {
      update();
      m_bench.beforeFrame(m_state, m_engine, nowSeconds());
    } catch (const std::exception& e) {
      frameError(e);
    }
    win.framebufferSize(fbw, fbh);
    win.windowSize(ww, wh);
    win.newFrame();
    m_mapBench.beforeNewFrame(m_state, m_engine, m_rects, nowSeconds());  // LATENTLAB_BENCH_MAP
    ImGui::NewFrame();
    safeBuildFrame(float(ww), float(wh));
    ImGui::Render();
    double tUi = nowSeconds();
    win.setClearColor(0.08f, 0.09f, 0.11f);
    {
      std::vector<DirtyRect> extra;
      ImVec4 map;
      if (g.scatterOk && g.scatter.takeChanged(map)) extra.push_back({map.x, map.y, map.z, map.w});
      g.redraw.render(ImGui::GetDrawData(), fbw, fbh, g.textures.takeUploaded(), extra,
                      m_fullRedraw || !win.singleBuffered());
      m_fullRedraw = false;
    }
    if (!m_opts.screenshot.empty()) {
      if (m_frameFailed) {
        rc = 3;  // already on stderr
      } else if (m_shot.ready(settled())) {
        std::string err = !m_engine.modelError.empty() ? m_engine.modelError : m_engine.dataError;
        if (!err.empty()) {
          rc = 3;  // the message is on stderr already (Messages' error sink)
        } else {
          try {
            ScreenshotInfo info;
            info.rects = m_rects;
            info.framebufferScale = ImGui::GetIO().DisplayFramebufferScale;
            info.cursorLatent = m_engine.cursorLatent;
            info.points = m_engine.points().count();
            info.model = m_state.modelDir;
            for (auto& m : m_messages.all()) info.messages.push_back(m.text);
            LessonPanel* lesson = lessonPanel();  // a lesson's steps: what each could not apply, one shot per step
            if (lesson)
              for (auto& p : lesson->problems()) info.messages.push_back("lesson: " + p);
            std::string path = lesson ? lesson->screenshotPath(m_opts.screenshot) : m_opts.screenshot;
            writeScreenshot(path, win.readPixels(fbw, fbh), screenshotSidecar(info, fbw, fbh));
            if (lesson && lesson->nextScreenshotStep()) m_shot = ScreenshotWaiter{};
            else rc = 0;
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
    win.present();
    double now = nowSeconds();
    m_bench.addPhases((tUi - tStart) * 1e3, (tDraw - tUi) * 1e3, (now - tDraw) * 1e3, g.redraw.lastFraction());
    m_perf.pushFrame(float((now - tStart) * 1000.0), float((now - last) * 1000.0));
    m_perf.presentedAt = now;  // the slider bench measures to this swap (app/steer/slider_bench.h)
    m_bench.afterSwap(now, (now - last) * 1000.0);
    if (m_bench.finished() && rc < 0) rc = m_bench.writeResult();
    m_mapBench.afterFrame(tStart, tUi, tDraw, now, last, g.redraw.lastFraction());
    if (m_mapBench.finished() && rc < 0) rc = m_mapBench.writeResult();
    last = now;
  }
  return rc < 0 ? 0 : rc;
}

int GuiApp::run() {
  std::string error;
  auto window = gl::Window::open(m_opts.width, m_opts.height, "LatentLab",
                                 std::getenv("LATENTLAB_FULL_REDRAW") != nullptr, error);
  if (!window) {
    std::fprintf(stderr, "latentlab: %s\n", error.c_str());
    return 1;
  }
  m_gl = std::make_unique<Gl>();
  m_gl->window = std::move(window);
  m_textures = &m_gl->textures;
  m_bench.setPartialRedraw(m_gl->window->singleBuffered());
  m_gl->window->setVsync(m_opts.screenshot.empty());
  try {
    m_gl->scatter.init();
    m_gl->scatterOk = true;
    m_pointsDrawer = &m_gl->scatter;
  } catch (const std::exception& e) {
    m_messages.error(std::string(e.what()) + " (drawing points without it)");
  }
  m_engine.setWake([] { gl::Window::postEmptyEvent(); });
  int rc = 0;
  try {
    start();
    rc = frameLoop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "latentlab: %s\n", e.what());
    rc = m_opts.screenshot.empty() ? 1 : 3;
  }
  // Quitting: cancel and stop the workers (the wake function goes first, so none calls GLFW
  // after it is terminated); a model load that cannot be interrupted gets one second.
  m_abandoned = !m_engine.shutdown(1.0);
  m_textures = &m_noTextures;
  m_pointsDrawer = &m_noPoints;
  m_gl.reset();  // GL objects, then ImGui's backends and context, the window, glfwTerminate
  return rc;
}
}  // namespace latentlab
