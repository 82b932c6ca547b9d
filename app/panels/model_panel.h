// Model and data: the bundled models, a folder browser drawn with ImGui, the loaded model's
// description and errors, the data set to encode with its progress bar and Cancel button.
// Asks for loads and encodes through UiRequests only.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/panels/panel.h"

namespace latentlab {

// The Model panel's weights line: "33,123 parameters on cpu", or where a TorchScript model
// keeps its weights in buffers (register_buffer) instead, "24,584 weights, all in buffers
// (not parameters), on cpu"; counts of 100,000 and more in millions ("1.25M").
std::string weightsLine(int64_t parameters, int64_t bufferValues, const std::string& device);

class ModelPanel : public Panel {
 public:
  ModelPanel() : Panel("model", "Model and data") {}
  // For tests: what the picker shows (the loaded model's folder name) and the error line as
  // last drawn ("" when none). notesText() follows the loaded model's kind.
  const std::string& shownModel() const { return m_shownModel; }
  const std::string& shownError() const { return m_errorShown; }
  std::string dataField() const { return m_dataSpec; }  // the Data field's text

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void drawBrowser(PanelContext& ctx);
  std::string m_browseDir;
  std::vector<std::string> m_bundled;
  bool m_listed = false, m_browsing = false;
  char m_dataSpec[512] = {0};
  // The state's data spec the field last showed: when something else changes it (the resize
  // offer, a session, a lesson) the field follows, so Encode maps what is on screen.
  std::string m_fieldFrom;
  bool m_specInit = false;
  std::string m_kind;  // the loaded model's kind (the notes depend on it)
  std::string m_shownModel, m_errorShown;
  std::string m_askedDir;  // the folder of the latest open (named in its error)
};

}  // namespace latentlab
