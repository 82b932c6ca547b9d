#include "app/gan/seed_grid_panel.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "app/engine_client.h"
#include "app/gan/seed_space.h"
#include "app/panels/param_help.h"
#include "app/steer/steer_map_overlay.h"
#include "app/widgets/image_fit.h"
#include "engine/explore/explorer.h"

namespace latentlab {

namespace {
struct SeedGridResult {
  std::vector<Image> images;
  std::vector<std::vector<float>> latents;
};
}  // namespace

SeedGridPanel::SeedGridPanel() : Panel("seeds", "Seed grid") {}
SeedGridPanel::~SeedGridPanel() = default;

const char* SeedGridPanel::notes() const {
  return "Every seed is a different random draw of z, the generator's input, and so a different "
         "picture. The grid shows the seeds around the current one (right: +1, down: +100). Drag "
         "the grid: between two seeds the picture is made from a blend of their z, and it morphs "
         "smoothly, because the generator is a smooth function of z. Truncation psi pulls z toward "
         "the average: lower psi gives more typical, less varied clothes.";
}

void SeedGridPanel::saveState(nlohmann::json& out) const {
  out["x"] = m_x, out["y"] = m_y, out["psi"] = m_psi, out["class"] = m_class, out["k"] = m_k;
}

void SeedGridPanel::restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) {
  auto num = [&](const char* key, double lo, double hi, double& out) {
    if (!in.contains(key)) return;
    if (!in[key].is_number() || !(in[key].get<double>() >= lo && in[key].get<double>() <= hi)) {
      warnings.push_back(std::string("session: panels.seeds.") + key + " must be a number in " + std::to_string(lo) +
                         ".." + std::to_string(hi) + "; kept the current value");
      return;
    }
    out = in[key].get<double>();
  };
  double x = m_x, y = m_y, psi = m_psi, cls = m_class, k = m_k;
  num("x", -1e9, 1e9, x), num("y", -1e9, 1e9, y), num("psi", -1, 2, psi), num("class", 0, 100000, cls), num("k", 1, 9, k);
  m_x = x, m_y = y, m_psi = psi, m_class = int(cls), m_k = int(k) | 1;
  m_modelDir.clear();  // psi and class come from the session: keep them on the next model
  m_restored = true;
}

void SeedGridPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};  // "<panel>/<widget>" for the screenshot sidecar
  const ModelInfo* info = ctx.engine ? ctx.engine->model() : nullptr;
  if (!info || info->hasEncoder) {
    ImGui::TextWrapped("Open a GAN (e.g. assets/models/fashion-gan) to walk through its seeds.");
    return;
  }
  if (info->dir != m_modelDir) {  // a new model: its recommended psi, a valid class
    if (!m_restored || m_psi < 0) m_psi = info->truncation;
    if (m_class >= std::max(info->conditional, 1)) m_class = 0;
    m_modelDir = info->dir;
    m_restored = false;
    m_images.clear();
    m_latents.clear();
    ctx.state.decodeClass = info->conditional > 0 ? m_class : -1;
  }
  // One class for the window: the map cursor, the manifold grid and this grid draw it.
  if (info->conditional > 0) {
    if (ctx.state.decodeClass < 0 || ctx.state.decodeClass >= info->conditional) ctx.state.decodeClass = m_class;
    m_class = ctx.state.decodeClass;
  }
  if (ImGui::BeginTabBar("##seedtabs")) {
    if (ImGui::BeginTabItem("Seeds")) {
      drawToolbar(ctx, *info);
      drawGrid(ctx, *info);
      ImGui::EndTabItem();
    }
    const ImGuiTabItemFlags invertFlags = m_selectInversion ? ImGuiTabItemFlags_SetSelected : 0;
    m_selectInversion = false;
    if (ImGui::BeginTabItem("Invert an image", nullptr, invertFlags)) {
      m_inversion.draw(ctx, *info);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
}

void SeedGridPanel::drawToolbar(PanelContext& ctx, const ModelInfo& info) {
  float fs = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(fs * 7);
  float psi = float(m_psi);
  if (ImGui::SliderFloat("psi", &psi, 0.f, 1.f, "%.2f")) m_psi = psi;
  itemHelp("seed-psi");
  ImGui::SameLine();
  if (info.conditional > 0) {
    ImGui::SetNextItemWidth(fs * 8);
    const char* shown = m_class < int(info.classes.size()) ? info.classes[size_t(m_class)].c_str() : "";
    std::string fallback = "class " + std::to_string(m_class);
    if (ImGui::BeginCombo("##seedclass", *shown ? shown : fallback.c_str())) {
      for (int c = 0; c < info.conditional; ++c) {
        std::string name = c < int(info.classes.size()) ? info.classes[size_t(c)] : "class " + std::to_string(c);
        if (ImGui::Selectable(name.c_str(), c == m_class) && c != m_class) {
          m_class = ctx.state.decodeClass = c;
          ctx.requests.decodeGrid = true;  // the manifold grid in the new class too
        }
      }
      ImGui::EndCombo();
    }
    itemHelp("seed-class");
    ImGui::SameLine();
  }
  if (ImGui::Button("Resample")) {
    // A fresh random seed for the centre (whole seeds: the picture is one seed's, unblended).
    static std::mt19937 rng{std::random_device{}()};
    m_x = double(rng() % 100000), m_y = 0;
  }
  itemHelp("seed-resample");
  notesToggle(ctx), itemRect("notes");

  ImGui::SetNextItemWidth(fs * 7);
  int seed = int(std::floor(m_x));
  if (ImGui::InputInt("seed", &seed)) m_x = seed, m_y = std::floor(m_y);
  itemHelp("seed-seed");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 5);
  int k = m_k;
  if (ImGui::SliderInt("grid", &k, 1, 9)) m_k = k | 1;  // odd: the current seed sits in the middle
  itemHelp("seed-grid-k");
  ImGui::SameLine();
  ImGui::TextDisabled("%s", seedLabel(m_x, m_y).c_str());
}

void SeedGridPanel::drawGrid(PanelContext& ctx, const ModelInfo& info) {
  request(ctx);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float fs = ImGui::GetFontSize();
  float side = std::max(fs * 4, std::min(avail.x, avail.y - fs * 1.4f));
  float cell = side / float(m_k);
  ImVec2 p = ImGui::GetCursorScreenPos();
  p.x += std::max(0.f, (avail.x - side) * 0.5f);
  ImGui::SetCursorScreenPos(p);
  ImGui::InvisibleButton("##seedcanvas", ImVec2(side, side));
  itemHelp("seed-drag");
  ctx.rects["seed-grid"] = ImVec4(p.x, p.y, side, side);
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemActivated()) m_dragged = false;
  if (ImGui::IsItemActive() && (io.MouseDelta.x != 0 || io.MouseDelta.y != 0) &&
      ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.f)) {
    // Grab and move: the pictures follow the mouse, one cell = one seed.
    m_x -= io.MouseDelta.x / cell;
    m_y -= io.MouseDelta.y / cell;
    m_dragged = true;
  }
  if (ImGui::IsItemDeactivated() && !m_dragged) {
    // A click: that cell becomes the centre.
    int c = int((io.MousePos.x - p.x) / cell), r = int((io.MousePos.y - p.y) / cell);
    if (c >= 0 && c < m_k && r >= 0 && r < m_k) m_x += c - m_k / 2, m_y += r - m_k / 2;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const AppState& s = ctx.state;
  if (m_images.size() == size_t(m_k) * size_t(m_k)) {
    for (int r = 0; r < m_k; ++r)
      for (int c = 0; c < m_k; ++c) {
        const Image& img = m_images[size_t(r * m_k + c)];
        ImVec2 a(p.x + cell * float(c), p.y + cell * float(r));
        ImTextureID tex =
            ctx.textures.texture("seed-" + std::to_string(r * m_k + c), img, m_version, s.nearestFilter);
        ImVec2 fit = fitImageSize(img, cell, cell);  // a non-square model keeps its shape, centred
        ImVec2 o(a.x + (cell - fit.x) * 0.5f, a.y + (cell - fit.y) * 0.5f);
        if (tex) dl->AddImage(tex, o, ImVec2(o.x + fit.x, o.y + fit.y));
      }
    // The current point: the centre cell.
    ImVec2 a(p.x + cell * float(m_k / 2), p.y + cell * float(m_k / 2));
    dl->AddRect(a, ImVec2(a.x + cell, a.y + cell), IM_COL32(255, 200, 60, 255), 0, 0, 2.f);
  } else {
    dl->AddRect(p, ImVec2(p.x + side, p.y + side), IM_COL32(120, 120, 130, 255));
    dl->AddText(ImVec2(p.x + fs, p.y + fs), IM_COL32(200, 200, 200, 255), "generating...");
  }
  std::string cls = info.conditional > 0 && m_class < int(info.classes.size()) ? info.classes[size_t(m_class)] : "";
  ImGui::Text("%s  psi %.2f  %s   drag to move, click a cell to centre it", seedLabel(m_x, m_y).c_str(), m_psi,
              cls.c_str());
  // The current z on the latent map (its projection on the map's plane).
  if (m_latents.size() == size_t(m_k) * size_t(m_k)) {
    AppState::LatentOverlay o;
    o.owner = id();
    o.marks = {m_latents[size_t((m_k / 2) * m_k + m_k / 2)]};
    o.labels = {seedLabel(m_x, m_y)};
    o.color = IM_COL32(255, 200, 60, 255);
    setLatentOverlay(ctx.state, o);
  }
}

void SeedGridPanel::request(PanelContext& ctx) {
  if (!ctx.jobs || !ctx.engine) return;
  const uint64_t gen = ctx.engine->generation();
  if (m_asked.x == m_x && m_asked.y == m_y && m_asked.psi == m_psi && m_asked.cls == m_class && m_asked.k == m_k &&
      m_asked.generation == gen)
    return;
  m_asked = {m_x, m_y, m_psi, m_class, m_k, gen};
  m_pending = true;
  const double x0 = m_x, y0 = m_y, psi = m_psi;
  const int k = m_k, cls = m_class;
  ctx.jobs->run(
      Worker::Interactive, "gan/seeds",
      [model = ctx.jobs->exploreModel(), x0, y0, psi, k, cls](JobContext&) -> std::any {
        if (!model) return {};
        const int dim = model->info().latentDim;
        auto seedZ = [&](uint32_t seed) { return model->priorSample(1, seed, 1.0); };
        SeedGridResult res;
        std::vector<float> all;
        for (int r = 0; r < k; ++r)
          for (int c = 0; c < k; ++c) {
            auto z = blendLatents(seedBlend(x0 + c - k / 2, y0 + r - k / 2), dim, seedZ);
            for (float& v : z) v = float(v * psi);  // truncation toward the prior's mean 0
            all.insert(all.end(), z.begin(), z.end());
            res.latents.push_back(std::move(z));
          }
        res.images = model->decodeBatch(all, k * k, model->info().conditional > 0 ? cls : -1);
        return std::any(std::move(res));
      },
      [this](FeatureOutcome& o) {
        m_pending = false;
        if (auto* r = std::any_cast<SeedGridResult>(&o.value)) {
          m_images = std::move(r->images);
          m_latents = std::move(r->latents);
          ++m_version;
        }
      });
}

}  // namespace latentlab
