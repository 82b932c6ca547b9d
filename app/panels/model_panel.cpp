#include "app/panels/model_panel.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "app/bundled_models.h"
#include "app/engine_client.h"

namespace fs = std::filesystem;

namespace latentlab {

const char* ModelPanel::notes() const {
  return "The model is a trained autoencoder: an encoder squeezes each picture into a few numbers "
         "(its latent) and a decoder turns numbers back into a picture. Here you pick the model and "
         "the pictures to place on the map; encoding all of them takes a few seconds.";
}

void ModelPanel::drawBrowser(PanelContext& ctx) {
  if (m_browseDir.empty()) m_browseDir = fs::current_path().string();
  ImGui::TextWrapped("%s", m_browseDir.c_str());
  std::error_code ec;
  fs::path dir(m_browseDir);
  bool isModel = fs::exists(dir / "model.json", ec);
  if (ImGui::SmallButton("Up")) m_browseDir = dir.parent_path().string();
  ImGui::SameLine();
  if (isModel && ImGui::SmallButton("Open this model")) {
    ctx.requests.loadModel = m_browseDir;
    m_browsing = false;
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("Close")) m_browsing = false;
  std::vector<std::string> subdirs;
  for (auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory(ec) && entry.path().filename().string()[0] != '.')
      subdirs.push_back(entry.path().filename().string());
  std::sort(subdirs.begin(), subdirs.end());
  ImGui::BeginChild("browser", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 6), true);
  for (auto& name : subdirs) {
    bool model = fs::exists(dir / name / "model.json", ec);
    std::string label = (model ? "[model] " : "") + name;
    if (ImGui::Selectable(label.c_str())) m_browseDir = (dir / name).string();
  }
  ImGui::EndChild();
}

void ModelPanel::drawContent(PanelContext& ctx) {
  AppState& s = ctx.state;
  const EngineClient* e = ctx.engine;
  if (!m_listed) {
    m_bundled = listBundledModels();
    m_listed = true;
  }
  if (!m_specInit) {
    std::snprintf(m_dataSpec, sizeof(m_dataSpec), "%s", s.dataSpec.c_str());
    m_specInit = true;
  }
  std::string current = s.modelDir.empty() ? "(none)" : fs::path(s.modelDir).filename().string();
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  if (ImGui::BeginCombo("Model", current.c_str())) {
    for (auto& dir : m_bundled)
      if (ImGui::Selectable(fs::path(dir).filename().string().c_str(), dir == s.modelDir)) ctx.requests.loadModel = dir;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("Browse...")) m_browsing = !m_browsing;
  notesToggle(ctx);
  if (m_browsing) drawBrowser(ctx);

  if (e && e->loading()) ImGui::TextUnformatted("Loading the model...");
  if (e && !e->modelError.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", e->modelError.c_str());
  if (e && e->diffusion() && !e->model())
    ImGui::Text("%s\n%s on %s", e->diffusion()->name.c_str(), e->diffusion()->kind.c_str(), e->diffusion()->device.c_str());
  if (const ModelInfo* m = e ? e->model() : nullptr) {
    ImGui::Text("%s", m->name.c_str());
    ImGui::Text("%s, image %dx%dx%d, latent %d", m->kind.c_str(), m->channels, m->height, m->width, m->latentDim);
    ImGui::Text("%.2fM parameters on %s", double(m->parameterCount) / 1e6, m->device.c_str());
    if (!m->classes.empty() && ImGui::IsItemHovered()) {
      std::string cls;
      for (auto& c : m->classes) cls += (cls.empty() ? "" : ", ") + c;
      ImGui::SetTooltip("classes: %s", cls.c_str());
    }
  }
  ImGui::Separator();
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  ImGui::InputText("Data", m_dataSpec, sizeof(m_dataSpec));
  ImGui::SameLine();
  if (e && e->encoding()) {
    if (ImGui::SmallButton("Cancel")) ctx.requests.cancelEncode = true;
    RunnerStatus st = e->background().status();
    ImGui::ProgressBar(float(st.progress), ImVec2(-1, 0), st.message.c_str());
  } else if (ImGui::SmallButton("Encode")) {
    s.dataSpec = m_dataSpec;
    ctx.requests.encode = true;
  }
  if (e && !e->dataError.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", e->dataError.c_str());
  if (const LatentSet* l = e ? e->latents() : nullptr)
    ImGui::Text("%lld points from %s", (long long)l->count, l->dataSpec.c_str());
}

}  // namespace latentlab
