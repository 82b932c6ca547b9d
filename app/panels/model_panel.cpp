#include "app/panels/model_panel.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "app/bundled_models.h"
#include "app/engine_client.h"
#include "app/panels/param_help.h"
#include "engine/models/model_kinds.h"
#include "engine/tokens/token_model.h"

namespace fs = std::filesystem;

namespace latentlab {

const char* ModelPanel::notes() const {
  // What the loaded model is, in a student's words: the notes follow the model's kind.
  if (isPixelDiffusionKind(m_kind))
    return "The model is a diffusion model: it learned to remove a little noise from a noisy picture. "
           "Starting from pure noise and removing noise step by step, it draws a new picture. It has no "
           "encoder, so there is no latent map: use the Diffusion panel to watch it sample.";
  if (isDiffusionKind(m_kind))
    return "The model is a latent diffusion model: a diffusion model that works on the latent numbers of "
           "an autoencoder instead of on pixels. The map shows that autoencoder's latent space; a sampling "
           "run draws its path across the map, and the decoder turns the result into a picture.";
  if (modelFamily(m_kind) == ModelFamily::Gan)
    return "The model is a GAN generator: it turns random numbers z (and a class) into a picture in one "
           "step, having learned against a discriminator that tried to tell its pictures from real ones. It "
           "has no encoder, so the map shows 10,000 of its own samples, coloured by the class each was made "
           "for; the Seed grid walks through its seeds and the Train view trains a small GAN from scratch.";
  if (modelFamily(m_kind) == ModelFamily::Tokens)
    return "The model is a VQ-VAE with a transformer: the VQ-VAE turns a picture into a 7 x 7 grid of tokens, each "
           "one of 128 learned codes, and back; the transformer writes new grids one token at a time, like a "
           "language model writes words. The Tokens view shows the writing, the Codebook the codes. What the "
           "decoder reads is the grid of the tokens' code vectors (7 x 7 x 32 numbers): that is the latent the "
           "map, Interpolation and Directions steer (open them from View).";
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
    ctx.requests.loadModel = m_askedDir = m_browseDir;
    m_browsing = false;
  }
  ImGui::SameLine();
  if (ImGui::SmallButton("Close")) m_browsing = false;
  // Folders to go into, and TorchScript .pt files: a researcher's own checkpoint opens from
  // here too (a bare one asks its image shape next).
  std::vector<std::string> subdirs, ptFiles;
  for (auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name[0] == '.') continue;
    if (entry.is_directory(ec)) subdirs.push_back(name);
    else if (entry.path().extension() == ".pt") ptFiles.push_back(name);
  }
  std::sort(subdirs.begin(), subdirs.end());
  std::sort(ptFiles.begin(), ptFiles.end());
  ImGui::BeginChild("browser", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 6), true);
  for (auto& name : subdirs) {
    bool model = fs::exists(dir / name / "model.json", ec);
    std::string label = (model ? "[model] " : "") + name;
    if (ImGui::Selectable(label.c_str())) m_browseDir = (dir / name).string();
  }
  for (auto& name : ptFiles) {
    if (ImGui::Selectable(("[.pt] " + name).c_str())) {
      ctx.requests.loadModel = m_askedDir = (dir / name).string();
      m_browsing = false;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open this TorchScript file as the model");
  }
  ImGui::EndChild();
}

namespace {
std::string countText(int64_t n) {
  char buf[32];
  if (n >= 100000) {
    std::snprintf(buf, sizeof buf, "%.2fM", double(n) / 1e6);
    return buf;
  }
  std::string s = std::to_string(n);  // thousands separated: "24,584"
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}
}  // namespace

std::string weightsLine(int64_t parameters, int64_t bufferValues, const std::string& device) {
  if (bufferValues > 0 && parameters == 0)
    return countText(bufferValues) + " weights, all in buffers (not parameters), on " + device;
  std::string line = countText(parameters) + " parameters";
  if (bufferValues > 0) line += " and " + countText(bufferValues) + " values in buffers,";
  return line + " on " + device;
}

namespace {
std::string folderName(const std::string& dir) {
  fs::path p(dir);
  if (p.filename().empty()) p = p.parent_path();  // "models/x/" names x
  return p.filename().string();
}
bool sameFolder(const std::string& a, const std::string& b) {
  std::error_code ec1, ec2;
  return fs::weakly_canonical(a, ec1) == fs::weakly_canonical(b, ec2);
}
}  // namespace

void ModelPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};  // "<panel>/<widget>" for the screenshot sidecar
  AppState& s = ctx.state;
  const EngineClient* e = ctx.engine;
  if (!m_listed) {
    m_bundled = listBundledModels();
    m_listed = true;
  }
  if (!m_specInit || s.dataSpec != m_fieldFrom) {
    std::snprintf(m_dataSpec, sizeof(m_dataSpec), "%s", s.dataSpec.c_str());
    m_fieldFrom = s.dataSpec;
    m_specInit = true;
  }
  // The picker names the model that is loaded, not the one last asked for: after a failed
  // open the old model is still the one on screen.
  std::string loadedDir;
  if (e && e->diffusion()) loadedDir = e->diffusion()->dir, m_kind = e->diffusion()->kind;
  else if (e && e->model()) loadedDir = e->model()->dir, m_kind = e->model()->kind;
  else if (e && e->tokenModel()) loadedDir = e->tokenModel()->dir(), m_kind = "vq-autoregressive";
  else m_kind.clear();
  bool loading = e && e->loading();
  // The folder being opened, named again if it fails (the app keeps state.modelDir on the
  // model that loaded). Forgotten once a load succeeds, so an old name is never blamed.
  if (loading && !e->loadingDir().empty()) m_askedDir = e->loadingDir();
  if (e && !loading && e->modelError.empty()) m_askedDir.clear();
  m_shownModel = loadedDir.empty() ? "(none)" : folderName(loadedDir);
  if (loading) m_shownModel = "loading " + folderName(m_askedDir) + "...";
  // The picker takes what the row leaves after its label, Browse and Notes: all on one line.
  const ImGuiStyle& st = ImGui::GetStyle();
  float reserve = ImGui::CalcTextSize("Model").x + st.ItemInnerSpacing.x + ImGui::CalcTextSize("Browse...").x +
                  ImGui::CalcTextSize("Hide notes").x + st.FramePadding.x * 4 + st.ItemSpacing.x * 3;
  // Never narrower than the model's name: Notes goes to the next row first.
  float nameW = ImGui::CalcTextSize(m_shownModel.c_str()).x + ImGui::GetFrameHeight() + st.FramePadding.x * 2;
  ImGui::SetNextItemWidth(std::max(nameW, ImGui::GetContentRegionAvail().x - reserve));
  if (ImGui::BeginCombo("Model", m_shownModel.c_str())) {
    for (auto& dir : m_bundled)
      if (ImGui::Selectable(folderName(dir).c_str(), !loadedDir.empty() && sameFolder(dir, loadedDir)))
        ctx.requests.loadModel = m_askedDir = dir;
    ImGui::EndCombo();
  }
  itemHelp("model");
  ImGui::SameLine();
  if (ImGui::SmallButton("Browse...")) m_browsing = !m_browsing;
  itemHelp("browse");
  notesToggle(ctx), itemRect("notes");
  if (m_browsing) drawBrowser(ctx);
  // The data row right under the model row: both stay in view however long the model's
  // description below wraps (at 2x it pushed the Data row out of a short panel).
  ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.55f);
  ImGui::InputText("Data", m_dataSpec, sizeof(m_dataSpec));
  itemHelp("data");
  ImGui::SameLine();
  bool pixelDiffusion = e && e->diffusion() && !e->model();
  if (pixelDiffusion) {
    // No encoder, so nothing to encode: the data set only feeds Forward noising.
    if (ImGui::SmallButton("Use")) s.dataSpec = m_fieldFrom = m_dataSpec;
    itemHelp("data-use");
  } else if (e && e->encoding()) {
    if (ImGui::SmallButton("Cancel")) ctx.requests.cancelEncode = true;
    itemHelp("encode-cancel");
    RunnerStatus st = e->background().status();
    ImGui::ProgressBar(float(st.progress), ImVec2(-1, 0), st.message.c_str());
  } else {
    if (ImGui::SmallButton("Encode")) {
      s.dataSpec = m_fieldFrom = m_dataSpec;
      ctx.requests.encode = true;
    }
    itemHelp("encode");
  }
  if (e && !e->dataError.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.45f, 0.4f, 1));
    ImGui::TextWrapped("%s", e->dataError.c_str());
    ImGui::PopStyleColor();
    itemTooltip("data-error", e->dataError);
  }
  if (const LatentSet* l = e ? e->latents() : nullptr)
    ImGui::Text("%lld points from %s", (long long)l->count, l->dataSpec.c_str());
  ImGui::Separator();

  if (loading) ImGui::TextUnformatted("Loading the model...");
  m_errorShown.clear();
  if (e && !e->modelError.empty() && !loading) {
    // Said in full, wrapped to the panel, naming the model that failed; the same text on
    // hover (the tooltip stays readable when the panel is short).
    std::string failed = m_askedDir.empty() ? "the model" : folderName(m_askedDir);
    m_errorShown = "Could not open " + failed + ": " + e->modelError;
    if (!loadedDir.empty()) m_errorShown += " Still showing " + folderName(loadedDir) + ".";
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.45f, 0.4f, 1));
    ImGui::TextWrapped("%s", m_errorShown.c_str());
    ImGui::PopStyleColor();
    itemTooltip("model-error", m_errorShown);
  }
  // Wrapped: model names are long and the panel is narrow at a large UI scale.
  if (const DiffusionInfo* d = e ? e->diffusion() : nullptr) {
    ImGui::TextWrapped("%s", d->name.c_str());
    if (d->latent) ImGui::TextWrapped("latent diffusion over an autoencoder, %d classes", d->numClasses);
    else ImGui::TextWrapped("diffusion on pixels, %d classes, %d training timesteps", d->numClasses, d->maxSteps);
  }
  if (const ModelInfo* m = e ? e->model() : nullptr) {
    if (!e->diffusion()) ImGui::TextWrapped("%s", m->name.c_str());
    ImGui::TextWrapped("%s: image %dx%dx%d, latent %d", e->diffusion() ? "its autoencoder" : m->kind.c_str(), m->channels,
                       m->height, m->width, m->latentDim);
    ImGui::TextWrapped("%s", weightsLine(m->parameterCount, m->bufferValueCount, m->device).c_str());
    if (!m->classes.empty() && ImGui::IsItemHovered()) {
      std::string cls;
      for (auto& c : m->classes) cls += (cls.empty() ? "" : ", ") + c;
      ImGui::SetTooltip("classes: %s", cls.c_str());
    }
  } else if (const DiffusionInfo* d = e ? e->diffusion() : nullptr) {
    ImGui::TextWrapped("runs on %s", d->device.c_str());
  }
}

}  // namespace latentlab
