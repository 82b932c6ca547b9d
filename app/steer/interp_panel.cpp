#include "app/steer/interp_panel.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/engine_client.h"
#include "app/export/image_export.h"
#include "app/panels/flow_row.h"
#include "app/panels/param_help.h"
#include "app/steer/steer_latent.h"
#include "app/steer/steer_map_overlay.h"
#include "app/steer/vq_tokens_view.h"
#include "app/widgets/image_fit.h"
#include "engine/export/gif_writer.h"
#include "engine/explore/explorer.h"

namespace latentlab {

namespace {
struct InterpResult {
  std::vector<Latent> path;
  std::vector<Image> images;
  std::vector<int> tokens;  // a VQ model: each frame's nearest codes, frames x cells
};
const ImU32 kPathColor = IM_COL32(255, 120, 200, 255);
std::string letter(size_t i) { return i < 26 ? std::string(1, char('A' + i)) : "P" + std::to_string(i); }
}  // namespace

const char* InterpolationPanel::notes() const {
  return "Pick two or more points in latent space (A, B, C...) and watch the decoder morph one picture into "
         "the next along the path between them; the path is drawn on the map. Lerp walks the straight line; "
         "slerp walks around the sphere, keeping the latent's length, which suits random prior samples "
         "(most of a Gaussian's mass lies on a shell). Smooth strips mean a smooth latent space; a sudden "
         "jump means the path crossed a gap the model never learned.";
}

bool InterpolationPanel::resolve(PanelContext& ctx, std::vector<Latent>& out, std::string& why) {
  out.clear();
  auto model = ctx.jobs ? ctx.jobs->exploreModel() : nullptr;
  if (!model) {
    why = "Load a model with a latent space to interpolate.";
    return false;
  }
  int dim = model->info().latentDim;
  auto latents = ctx.jobs->latentsShared();
  for (size_t i = 0; i < m_points.size(); ++i) {
    const InterpEndpoint& e = m_points[i];
    Latent z = e.z;
    if (e.kind == "data") {
      if (!latents || e.index < 0 || e.index >= latents->count || latents->dim != dim) {
        why = "Endpoint " + letter(i) + " (data #" + std::to_string(e.index) + ") is not in the encoded data.";
        return false;
      }
      z = latents->latent(e.index);
    } else if (e.kind == "prior" && int(z.size()) != dim) {
      // The model's own prior (a GAN's recommended truncation included), once per endpoint.
      z = model->priorSample(1, e.seed, -1.0);
      m_points[i].z = z;
    }
    if (int(z.size()) != dim) {
      why = "Endpoint " + letter(i) + " was made with another model (" + std::to_string(z.size()) + " values, this one has " +
            std::to_string(dim) + "): remove it.";
      return false;
    }
    out.push_back(std::move(z));
  }
  if (out.size() < 2) {
    why = "Add two or more endpoints: a point selected on the map, the cursor, or a random sample.";
    return false;
  }
  return true;
}

void InterpolationPanel::request(PanelContext& ctx) {
  std::vector<Latent> pts;
  std::string why;
  if (!resolve(ctx, pts, why)) {
    m_error = why;
    return;
  }
  std::vector<bool> modes;
  for (auto& e : m_points) modes.push_back(e.slerp);
  auto model = ctx.jobs->exploreModel();
  bool snap = ctx.state.snapToCodebook;
  if (pts == m_asked && modes == m_askedModes && m_steps == m_askedSteps && model.get() == m_askedModel &&
      snap == m_askedSnap)
    return;
  m_askedSnap = snap;
  m_asked = pts;
  m_askedModes = modes;
  m_askedSteps = m_steps;
  m_askedModel = model.get();
  m_pending = true;
  m_error.clear();
  int steps = m_steps, cls = ctx.state.decodeClass;
  ctx.jobs->run(
      Worker::Interactive, "steer/interp-strip",
      [model, pts, modes, steps, cls](JobContext&) {
        InterpResult r;
        r.path = interpolatePath(pts, modes, steps);
        std::vector<float> flat;
        for (auto& z : r.path) flat.insert(flat.end(), z.begin(), z.end());
        r.images = model->decodeBatch(flat, int(r.path.size()), cls);
        if (model->info().codebookSize > 0) r.tokens = model->tokensOf(flat, int(r.path.size()));
        return std::any(std::move(r));
      },
      [this](FeatureOutcome& o) {
        m_pending = false;
        if (!o.error.empty()) m_error = o.error;
        auto* r = std::any_cast<InterpResult>(&o.value);
        if (!r) return;
        m_path = std::move(r->path);
        m_images = std::move(r->images);
        m_tokens = std::move(r->tokens);
        m_atlas = stripPicture(0);
        ++m_version;
        m_frame = std::clamp(m_frame, 0.f, float(std::max<size_t>(1, m_images.size()) - 1));
      });
}

void InterpolationPanel::drawEndpoints(PanelContext& ctx, FlowRow& row) {
  AppState& s = ctx.state;
  const LatentSet* set = ctx.engine ? ctx.engine->latents() : nullptr;
  bool canSel = set && s.selected >= 0 && s.selected < set->count;
  row.next(FlowRow::smallButton("+ Selected point"));
  ImGui::BeginDisabled(!canSel);
  if (ImGui::SmallButton("+ Selected point")) {
    InterpEndpoint e{"data", s.selected};
    int label = size_t(s.selected) < set->labels.size() ? set->labels[size_t(s.selected)] : -1;
    e.label = "#" + std::to_string(s.selected) +
              (label >= 0 && size_t(label) < set->classNames.size() ? " " + set->classNames[size_t(label)] : "");
    m_points.push_back(e);
  }
  ImGui::EndDisabled();
  itemHelp("interp-add-selected");
  Latent cur = steeredLatentOf(s);
  row.next(FlowRow::smallButton("+ Cursor"));
  ImGui::BeginDisabled(cur.empty());
  if (ImGui::SmallButton("+ Cursor")) m_points.push_back({"cursor", -1, 0, cur, true, "cursor"});
  ImGui::EndDisabled();
  itemHelp("interp-add-cursor");
  row.next(FlowRow::smallButton("+ Random"));
  if (ImGui::SmallButton("+ Random")) {
    uint64_t seed = m_nextSeed++;
    m_points.push_back({"prior", -1, seed, {}, true, "prior seed " + std::to_string(seed)});
  }
  itemHelp("interp-add-random");
  const EngineClient* e = ctx.engine;
  if (e && e->diffusion() && e->diffusion()->latent) {
    bool has = !e->sampleA.frames.empty() && !e->sampleA.frames.back().latent.empty() && !e->sampleA.sampling;
    row.next(FlowRow::smallButton("+ Diffusion sample"));
    ImGui::BeginDisabled(!has);
    if (ImGui::SmallButton("+ Diffusion sample"))
      m_points.push_back({"sample", -1, 0, e->sampleA.frames.back().latent, true, "diffusion sample"});
    ImGui::EndDisabled();
    itemHelp("interp-add-sample");
  }
  row.next(FlowRow::smallButton("Clear"));
  ImGui::BeginDisabled(m_points.empty());
  if (ImGui::SmallButton("Clear")) m_points.clear();
  ImGui::EndDisabled();
  itemHelp("interp-clear");
  notesToggle(ctx), itemRect("notes");

  // The endpoints as chips: "A #12 Sneaker [x]  slerp ->  B ...".
  FlowRow chips;
  int remove = -1;
  for (size_t i = 0; i < m_points.size(); ++i) {
    ImGui::PushID(int(i));
    std::string text = letter(i) + " " + m_points[i].label;
    chips.next(FlowRow::text(text.c_str()) + FlowRow::smallButton("x") + ImGui::GetStyle().ItemSpacing.x);
    ImGui::AlignTextToFramePadding();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kPathColor), "%s", text.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) remove = int(i);
    itemHelp("interp-remove");
    if (i + 1 < m_points.size()) {
      const char* mode = m_points[i].slerp ? "slerp ->" : "lerp ->";
      chips.next(FlowRow::smallButton(mode));
      if (ImGui::SmallButton(mode)) m_points[i].slerp = !m_points[i].slerp;
      itemHelp("interp-mode");
    }
    ImGui::PopID();
  }
  if (remove >= 0) m_points.erase(m_points.begin() + remove);
}

void InterpolationPanel::advance(PanelContext& ctx) {
  int last = int(m_images.size()) - 1;
  if (!m_playing || last < 1) {
    ctx.state.animating = false;
    return;
  }
  ctx.state.animating = open;
  m_frame += float(m_direction) * m_speed * ImGui::GetIO().DeltaTime;
  if (m_frame > float(last)) {
    if (m_pingPong) m_frame = float(last) - (m_frame - float(last)), m_direction = -1;
    else m_frame = 0;
  } else if (m_frame < 0) {
    m_frame = -m_frame;
    m_direction = 1;
  }
  m_frame = std::clamp(m_frame, 0.f, float(last));
}

void InterpolationPanel::drawPlayback(PanelContext& ctx) {
  float fs = ImGui::GetFontSize();
  FlowRow row;
  row.next(FlowRow::labeled(fs * 4, "Steps"));
  ImGui::SetNextItemWidth(fs * 4);
  ImGui::SliderInt("Steps", &m_steps, 2, 32);
  itemHelp("interp-steps");
  const char* play = m_playing ? "Pause" : "Play";
  row.next(FlowRow::button("Pause"));
  ImGui::BeginDisabled(m_images.size() < 2);
  if (ImGui::Button(play)) m_playing = !m_playing;
  ImGui::EndDisabled();
  itemHelp("interp-play");
  row.next(FlowRow::check("Ping-pong"));
  ImGui::Checkbox("Ping-pong", &m_pingPong);
  itemHelp("interp-pingpong");
  row.next(FlowRow::labeled(fs * 4, "Speed"));
  ImGui::SetNextItemWidth(fs * 4);
  ImGui::SliderFloat("Speed", &m_speed, 1.f, 30.f, "%.0f fps");
  itemHelp("interp-speed");
  int last = std::max(0, int(m_images.size()) - 1);
  int f = frame();
  float exportW = FlowRow::smallButton("Export...") + ImGui::GetStyle().ItemSpacing.x;
  float sliderW = std::max(fs * 5, ImGui::GetContentRegionAvail().x - exportW - FlowRow::text("Frame") - fs);
  row.next(FlowRow::labeled(sliderW, "Frame"));
  ImGui::SetNextItemWidth(sliderW);
  if (ImGui::SliderInt("Frame", &f, 0, last)) {
    m_frame = float(f);
    m_playing = false;
  }
  itemHelp("interp-frame");
  row.next(exportW);
  ImGui::BeginDisabled(m_images.empty());
  if (ImGui::SmallButton("Export...")) ImGui::OpenPopup("interp-export");
  ImGui::EndDisabled();
  itemHelp("interp-export");
  drawExport(ctx);
}

void InterpolationPanel::drawStrip(PanelContext& ctx) {
  if (m_images.empty()) {
    const char* idle = m_seedMode || (ctx.engine && ctx.engine->diffusion() && !ctx.engine->model())
                           ? "Pick two seeds and press Run: every picture is a full sampling run."
                           : "";
    ImGui::TextWrapped("%s", m_pending ? "Decoding the path..." : m_error.empty() ? idle : m_error.c_str());
    return;
  }
  if (!m_error.empty()) ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", m_error.c_str());
  float fs = ImGui::GetFontSize();
  int n = int(m_images.size());
  std::string caption = tokenChangeCaption(frameTokens(std::clamp(frame(), 0, n - 1)), "A (outlined)");
  if (!caption.empty()) ImGui::TextDisabled("%s", caption.c_str());
  // One texture for the whole strip (tiles side by side, no gaps): one upload, one batch.
  ImTextureID tex = ctx.textures.texture("interp-strip", m_atlas, m_version, ctx.state.nearestFilter);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float h = avail.y - 2;
  if (h < fs * 2) return;  // no room (a small window): the map still shows the path
  float preview = std::min(h, avail.x * 0.4f);
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  int cur = std::clamp(frame(), 0, n - 1);
  float du = 1.f / float(n);
  // A non-square model keeps its shape, centred in the square box.
  ImVec2 fit = fitImageSize(m_images[0], preview, preview), off = centredOffset(fit, preview, preview);
  ImVec2 pa(p.x + off.x, p.y + off.y);
  if (tex) dl->AddImage(tex, pa, ImVec2(pa.x + fit.x, pa.y + fit.y), ImVec2(du * cur, 0), ImVec2(du * (cur + 1), 1));
  ctx.rects["interp/preview"] = ImVec4(pa.x, pa.y, fit.x, fit.y);
  TokenChange change = frameTokens(cur);  // a VQ model: the tokens this frame changed since A
  if (const ModelInfo* vq = vqModelInfo(ctx); vq && vq->latentShape.size() == 3)
    drawTokenCells(change, int(vq->latentShape[0]), int(vq->latentShape[1]), pa, fit, "A");
  // The big picture is the shown frame, not one more tile: outlined (just outside it) like
  // the strip's shown tile, and set apart from the strip by a wider gap and a rule.
  dl->AddRect(ImVec2(pa.x - 3, pa.y - 3), ImVec2(pa.x + fit.x + 2, pa.y + fit.y + 2), kPathColor, 0, 0, 1.f);
  ImGui::Dummy(ImVec2(preview, preview));
  ImGui::SameLine(0, fs);
  {
    ImVec2 rule = ImGui::GetCursorScreenPos();
    dl->AddLine(ImVec2(rule.x - fs * 0.5f, rule.y), ImVec2(rule.x - fs * 0.5f, rule.y + preview), IM_COL32(90, 95, 110, 255));
  }
  // The strip: as many tiles per row as fit, rows as needed, the shown frame outlined.
  ImVec2 q = ImGui::GetCursorScreenPos();
  float width = avail.x - preview - fs;
  // The largest tiles (up to 4 font heights) whose rows fit beside the preview.
  float tile = std::min(fs * 4, width / float(std::min(n, 12)));
  int perRow = 1, rows = n;
  for (; tile > 4; tile -= 1) {
    perRow = std::max(1, int(width / tile));
    rows = (n + perRow - 1) / perRow;
    if (tile * float(rows) <= h) break;
  }
  ImGui::InvisibleButton("##strip", ImVec2(std::max(1.f, width), std::max(tile * float(rows), 1.f)));
  bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  ImVec2 mouse = ImGui::GetIO().MousePos;
  for (int i = 0; i < n; ++i) {
    ImVec2 a(q.x + tile * float(i % perRow), q.y + tile * float(i / perRow));
    ImVec2 b(a.x + tile - 1, a.y + tile - 1);
    ImVec2 tf = fitImageSize(m_images[0], tile - 1, tile - 1), to = centredOffset(tf, tile - 1, tile - 1);
    if (tex)
      dl->AddImage(tex, ImVec2(a.x + to.x, a.y + to.y), ImVec2(a.x + to.x + tf.x, a.y + to.y + tf.y), ImVec2(du * i, 0),
                   ImVec2(du * (i + 1), 1));
    if (i == cur) dl->AddRect(a, b, kPathColor, 0, 0, 2.f);
    if (clicked && mouse.x >= a.x && mouse.x < b.x && mouse.y >= a.y && mouse.y < b.y) {
      m_frame = float(i);
      m_playing = false;
    }
  }
  ctx.rects["interp/strip"] = ImVec4(q.x, q.y, width, tile * float(rows));
}

TokenChange InterpolationPanel::frameTokens(int i) const {
  TokenChange t;
  size_t n = m_images.size(), cells = n ? m_tokens.size() / n : 0;
  if (cells == 0 || m_tokens.size() != n * cells || i < 0 || size_t(i) >= n) return t;
  t.before.assign(m_tokens.begin(), m_tokens.begin() + ptrdiff_t(cells));
  t.after.assign(m_tokens.begin() + ptrdiff_t(size_t(i) * cells), m_tokens.begin() + ptrdiff_t((size_t(i) + 1) * cells));
  return t;
}

Image InterpolationPanel::stripPicture(int scale) const {
  return scale <= 0 ? stripImage(m_images, 1, 0) : stripImage(m_images, scale, 2 * scale);
}

std::string InterpolationPanel::saveGif(const std::string& path) const {
  if (m_images.empty()) return "nothing to save yet";
  std::vector<Image> frames;
  for (const Image& img : m_images) frames.push_back(scaleNearest(img, std::max(1, m_exportScale)));
  // Ping-pong plays back without repeating the two ends.
  if (m_pingPong)
    for (size_t i = m_images.size() - 1; i-- > 1;) frames.push_back(frames[i]);
  GifOptions o;
  o.delayCs = gifDelayForFps(m_speed);
  try {
    writeGif(path, frames, o);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

void InterpolationPanel::drawExport(PanelContext& ctx) {
  // A pop-up: the path and scale take no room in the panel until they are wanted.
  if (!ImGui::BeginPopup("interp-export")) return;
  float fs = ImGui::GetFontSize();
  ImGui::TextUnformatted("Save the strip (every frame, left to right)");
  ImGui::SetNextItemWidth(fs * 20);
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s", m_exportPath.c_str());
  if (ImGui::InputText("File", buf, sizeof buf)) m_exportPath = buf;
  itemHelp("interp-export-path");
  ImGui::SetNextItemWidth(fs * 6);
  ImGui::SliderInt("Scale", &m_exportScale, 1, 8, "%dx");
  itemHelp("interp-export-scale");
  if (ImGui::Button("Save PNG")) {
    ExportResult r = writeExportPng(stripPicture(m_exportScale), m_exportPath);
    m_exportMsg = r.ok ? "Saved " + r.path : r.error;
  }
  itemHelp("interp-export-png");
  ImGui::SameLine();
  if (ImGui::Button("Save GIF")) {
    std::string gif = std::filesystem::path(m_exportPath).replace_extension(".gif").string();
    std::string err = saveGif(gif);
    m_exportMsg = err.empty() ? "Saved " + std::filesystem::absolute(gif).lexically_normal().string() : err;
  }
  itemHelp("interp-export-gif");
  ImGui::SameLine();
  if (ImGui::Button("Close")) ImGui::CloseCurrentPopup();
  if (!m_exportMsg.empty()) ImGui::TextDisabled("%s", m_exportMsg.c_str());
  ImGui::EndPopup();
}

void InterpolationPanel::publishOverlay(PanelContext& ctx) {
  std::vector<Latent> pts;
  std::string why;
  AppState::LatentOverlay o;
  o.owner = id();
  o.color = kPathColor;
  if (resolve(ctx, pts, why) || pts.size() == 1) {
    o.marks = pts;
    for (size_t i = 0; i < pts.size(); ++i) o.labels.push_back(letter(i));
  }
  if (!m_pending || !m_path.empty()) o.line = m_path;
  o.current = m_images.empty() ? -1 : std::clamp(frame(), 0, int(m_images.size()) - 1);
  setLatentOverlay(ctx.state, std::move(o));
}

void InterpolationPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};
  bool diffusion = ctx.engine && ctx.engine->diffusion();
  bool latent = !ctx.engine || ctx.engine->model();  // a pixel diffusion model has no latent path
  bool seeds = diffusion && (m_seedMode || !latent);
  FlowRow row;  // the mode and the endpoint buttons share rows: the panel is often short
  if (diffusion && latent) {
    int mode = m_seedMode ? 1 : 0;
    row.next(FlowRow::check("Latent path"));
    bool changed = ImGui::RadioButton("Latent path", &mode, 0);
    itemHelp("interp-mode-path");
    row.next(FlowRow::check("Diffusion seeds"));
    changed |= ImGui::RadioButton("Diffusion seeds", &mode, 1);
    itemHelp("interp-mode-seeds");
    if (changed && (mode == 1) != m_seedMode) {
      m_seedMode = mode == 1;
      m_images.clear(), m_path.clear(), m_asked.clear(), m_atlas = Image{};
      m_playing = false;
    }
  }
  if (seeds) {
    drawSeeds(ctx);
  } else {
    drawEndpoints(ctx, row);
    drawSnapToggle(ctx, row);  // a VQ model: decode the path snapped to the codebook or as it is
    request(ctx);
    if (m_points.size() < 2) {
      m_path.clear(), m_images.clear(), m_asked.clear(), m_atlas = Image{};
      m_playing = false;
    }
  }
  advance(ctx);
  drawPlayback(ctx);
  drawStrip(ctx);
  if (!seeds) publishOverlay(ctx);
}

void InterpolationPanel::saveState(nlohmann::json& out) const {
  nlohmann::json pts = nlohmann::json::array();
  for (auto& e : m_points)
    pts.push_back({{"kind", e.kind}, {"index", e.index}, {"seed", e.seed}, {"z", e.z}, {"slerp", e.slerp}, {"label", e.label}});
  out["endpoints"] = pts;
  out["steps"] = m_steps;
  out["frame"] = frame();
  out["speed"] = m_speed;
  out["ping_pong"] = m_pingPong;
  out["next_seed"] = m_nextSeed;
  out["export_path"] = m_exportPath;
  out["seed_mode"] = m_seedMode;
  out["seeds"] = {m_seedA, m_seedB};
  out["seed_count"] = m_seedCount;
  out["seed_class"] = m_seedClass;
}

void InterpolationPanel::restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) {
  auto warn = [&](const std::string& what) { warnings.push_back("session: panels." + id() + "." + what); };
  if (in.contains("endpoints")) {
    std::vector<InterpEndpoint> pts;
    bool ok = in["endpoints"].is_array();
    for (size_t i = 0; ok && i < in["endpoints"].size(); ++i) {
      const auto& j = in["endpoints"][i];
      try {
        InterpEndpoint e;
        e.kind = j.at("kind").get<std::string>();
        e.index = j.value("index", int64_t(-1));
        e.seed = j.value("seed", uint64_t(0));
        e.z = j.value("z", std::vector<float>{});
        e.slerp = j.value("slerp", true);
        e.label = j.value("label", std::string());
        if (e.kind != "data" && e.kind != "cursor" && e.kind != "prior" && e.kind != "sample") throw std::runtime_error("kind");
        for (float v : e.z)
          if (!std::isfinite(v)) throw std::runtime_error("z");
        pts.push_back(std::move(e));
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (ok) m_points = std::move(pts);
    else warn("endpoints: expected a list of {kind: data|cursor|prior|sample, index, seed, z}; kept the current ones");
  }
  auto num = [&](const char* key, auto& dst, double lo, double hi) {
    if (!in.contains(key)) return;
    if (!in[key].is_number() || in[key].get<double>() < lo || in[key].get<double>() > hi) {
      warn(std::string(key) + ": expected a number in " + std::to_string(int(lo)) + ".." + std::to_string(int(hi)));
      return;
    }
    dst = in[key].get<std::remove_reference_t<decltype(dst)>>();
  };
  num("steps", m_steps, 2, 32);
  int f = frame();
  num("frame", f, 0, 4096);
  m_frame = float(f);
  num("speed", m_speed, 1, 30);
  num("next_seed", m_nextSeed, 0, 1e15);
  if (in.contains("ping_pong")) {
    if (in["ping_pong"].is_boolean()) m_pingPong = in["ping_pong"].get<bool>();
    else warn("ping_pong: expected true or false");
  }
  if (in.contains("seed_mode")) {
    if (in["seed_mode"].is_boolean()) m_seedMode = in["seed_mode"].get<bool>();
    else warn("seed_mode: expected true or false");
  }
  if (in.contains("seeds")) {
    try {
      auto v = in["seeds"].get<std::vector<uint64_t>>();
      if (v.size() != 2) throw std::runtime_error("size");
      m_seedA = v[0], m_seedB = v[1];
    } catch (const std::exception&) {
      warn("seeds: expected two whole numbers [A, B]");
    }
  }
  num("seed_count", m_seedCount, 2, 16);
  num("seed_class", m_seedClass, -1, 1000);
  if (in.contains("export_path")) {
    if (in["export_path"].is_string()) m_exportPath = in["export_path"].get<std::string>();
    else warn("export_path: expected a file name");
  }
}

}  // namespace latentlab
