// File > Export: a small window to write the decoded image, the manifold grid, the
// denoising strip or the map (with legend) as PNG, at 1x or a whole-number scale, to a path
// typed or chosen with the file dialog; then Copy path (GLFW's clipboard takes text only,
// so the picture itself cannot be copied) or open it with xdg-open. The picture is rendered
// on the main thread when Export is pressed; encoding and writing run in the background, so
// a large export never freezes the window. Never touches GL.
#pragma once
#include <future>
#include <string>

#include "app/export/export_render.h"
#include "app/export/image_export.h"
#include "app/widgets/file_dialog.h"

namespace latentlab {

class RecentFiles;

class ExportWindow {
 public:
  explicit ExportWindow(RecentFiles* recent = nullptr);
  ~ExportWindow();
  // Shows the window with `kind` chosen.
  void open(ExportKind kind);
  bool isOpen() const { return m_open; }
  void close() { m_open = false; }
  // Once per frame at the top level (outside other windows).
  void draw(const ExportView& view);

  // What the controls do (the UI calls these; tests may too).
  void setKind(ExportKind kind);
  void setScale(int scale);
  void setLegend(bool on) { m_legend = on; }
  void setPath(const std::string& path);
  // Renders now and starts writing in the background. False, with status() saying why, when
  // there is nothing to export or the file exists and replacing it was not confirmed.
  bool exportNow(const ExportView& view, bool replace = false);
  bool busy() const { return m_job.valid(); }
  // Collects a finished write (the UI calls it every frame); true when one finished now.
  bool poll(bool wait = false);
  // Puts the last exported PNG's path on the clipboard (text). False when there is none.
  bool copyPath();

  ExportKind kind() const { return m_kind; }
  int scale() const { return m_scale; }
  const std::string& path() const { return m_path; }
  const ExportResult& lastResult() const { return m_last; }
  const std::string& status() const { return m_status; }
  bool statusIsError() const { return m_statusError; }
  bool confirmingReplace() const { return !m_replace.empty(); }

 private:
  std::string defaultPath(ExportKind kind) const;
  void drawChoices(const ExportView& view);
  // The selected choice greyed out (a held diffusion run has no final sample yet, a new run
  // cleared the steps): select the first one that can be exported now, so Export is enabled.
  void keepChoiceAvailable(const ExportView& view);

  RecentFiles* m_recent = nullptr;
  FileDialog m_dialog;
  bool m_open = false, m_center = false, m_legend = true, m_pathAuto = true, m_statusError = false;
  ExportKind m_kind = ExportKind::Decoded;
  int m_scale = 1;
  std::string m_path, m_status, m_note, m_replace;
  ExportResult m_last;
  std::future<ExportResult> m_job;
};

}  // namespace latentlab
