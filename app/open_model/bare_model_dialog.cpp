#include "app/open_model/bare_model_dialog.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <filesystem>

#include "engine/models/model_file.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

const char* kTitle = "Image shape of a model without metadata##bare_model";

bool keyPressed(ImGuiKey key) {
  int i = ImGui::GetKeyIndex(key);
  return i >= 0 && ImGui::IsKeyPressed(i, false);
}

// "3 x 32 x 32", "3X32X32", "3×32×32", "3,32,32" all mean 3x32x32.
std::string normalShape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ' ' || c == '\t') continue;
    if (c == 'X' || c == ',' || c == '*') c = 'x';
    if (uint8_t(c) == 0xC3 && i + 1 < text.size() && uint8_t(text[i + 1]) == 0x97) {  // UTF-8 multiplication sign
      c = 'x';
      ++i;
    }
    out.push_back(c);
  }
  return out;
}

struct Common {
  const char* shape;
  const char* what;
};
const Common kCommon[] = {{"1x28x28", "Fashion-MNIST and MNIST"},
                          {"3x32x32", "CIFAR-10 and SVHN"},
                          {"3x64x64", "CelebA and Tiny ImageNet at 64 x 64"}};

}  // namespace

void BareModelDialog::ask(const std::string& path, const std::string& suggestion, const std::string& failed) {
  m_path = path;
  m_failed = failed.empty() ? "" : "As " + suggestion + " it did not open: " + failed;
  m_text = suggestion.empty() ? "1x28x28" : suggestion;
  m_open = m_openRequested = m_focus = true;
  check();
}

void BareModelDialog::check() {
  m_problem.clear();
  try {
    parseImageShape(normalShape(m_text), "shape");
  } catch (const BadInput& e) {
    m_problem = e.what();
    if (m_problem.rfind("shape: ", 0) == 0) m_problem = m_problem.substr(7);
  }
}

std::optional<BareModelDialog::Answer> BareModelDialog::draw() {
  if (!m_open) return std::nullopt;
  if (m_openRequested) {
    ImGui::OpenPopup(kTitle);
    m_openRequested = false;
  }
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  bool keep = true;
  if (!ImGui::BeginPopupModal(kTitle, &keep, ImGuiWindowFlags_AlwaysAutoResize)) {
    m_open = false;  // closed from outside
    return std::nullopt;
  }
  const float em = ImGui::GetFontSize();
  m_rect = ImVec4(ImGui::GetWindowPos().x, ImGui::GetWindowPos().y, ImGui::GetWindowSize().x, ImGui::GetWindowSize().y);
  ImGui::PushTextWrapPos(em * 30);
  ImGui::Text("%s", std::filesystem::path(m_path).filename().string().c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", m_path.c_str());
  ImGui::TextWrapped("This TorchScript file has no metadata (no model.json beside it, no latentlab.json inside). "
                     "Say what images it takes and it opens as an autoencoder: encode(x) and decode(z), values in "
                     "[0, 1]; its latent shape is found by encoding a blank image.");
  ImGui::PopTextWrapPos();
  ImGui::Spacing();

  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Image shape (C x H x W)");
  ImGui::SameLine();
  if (m_focus) {
    ImGui::SetKeyboardFocusHere();
    m_focus = false;
  }
  ImGui::SetNextItemWidth(em * 9);
  bool enter = ImGui::InputTextWithHint("##shape", "3x32x32", &m_text,
                                        ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll);
  if (ImGui::IsItemEdited()) check();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Channels (1 = grey, 3 = RGB), then height and width in pixels, e.g. 3x32x32.\n"
                      "Enter opens the file, Esc keeps the current model.");
  ImGui::TextDisabled("Common:");
  for (const Common& c : kCommon) {
    ImGui::SameLine();
    if (ImGui::SmallButton(c.shape)) {
      m_text = c.shape;
      check();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", c.what);
  }
  for (const std::string* why : {&m_problem, &m_failed}) {
    if (why->empty()) continue;
    ImGui::PushTextWrapPos(em * 30);
    ImGui::TextColored(ImVec4(1.f, 0.45f, 0.4f, 1.f), "%s", why->c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::Spacing();

  std::optional<Answer> answer;
  bool cancel = !keep || keyPressed(ImGuiKey_Escape);
  enter = enter || keyPressed(ImGuiKey_Enter) || keyPressed(ImGuiKey_KeyPadEnter);
  ImGui::BeginDisabled(!m_problem.empty());
  bool open = ImGui::Button("Open", ImVec2(em * 6, 0));
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip(m_problem.empty() ? "Check the file in a separate process with this shape, then open it (Enter)"
                                        : "Give a shape such as 3x32x32 first");
  ImGui::SameLine();
  if (ImGui::Button("Cancel", ImVec2(em * 6, 0))) cancel = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Keep the current model (Esc)");

  if (enter && !m_problem.empty()) m_focus = true;  // refused: back in the field, selected, to type again
  if ((open || enter) && m_problem.empty() && !cancel) {
    answer = Answer{m_path, parseImageShape(normalShape(m_text), "shape")};
    m_open = false;
  }
  if (cancel) m_open = false;
  if (!m_open) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
  return answer;
}

}  // namespace latentlab
