// The window's offer to fit the data set to the model (issue 11): when the map's data could
// not be encoded and the data's image shape differs from the model's, a small window over
// the panels names both shapes and offers "Resize the data to 3x32x32" (the data spec gets
// the "@CxHxW" suffix of engine/data/resize.h, so the session and the Model panel show what
// is mapped), or says why resizing is not offered. Learning the data's shape is a
// background job (the failed encode does not say it in a form to trust); it only runs after
// a failure. The same offer serves a pixel diffusion model's Forward-noising tab, drawn
// inside the tab (drawInline) where the data item could not be noised. Never touches torch.
#pragma once
#include <imgui.h>

#include <optional>
#include <string>

#include "engine/data/resize.h"

namespace latentlab {

class EngineClient;
class FeatureJobs;

class ResizeOffer {
 public:
  // `slot`: the background job that learns the data's shape (one per offer).
  explicit ResizeOffer(std::string slot = "open_model/data_shape") : m_slot(std::move(slot)) {}
  // Once per frame, before drawing: notices a failed encode of `dataSpec` by the map's model
  // and asks for the data's shape once per (model, spec).
  void update(EngineClient& engine, const std::string& dataSpec);
  // The same for any other use of the data set: `failed` says whether using `dataSpec` with
  // the model `modelDir`, whose images are `model`, failed (false closes the offer).
  void update(FeatureJobs& jobs, bool failed, const std::string& modelDir, const ImageShape& model,
              const std::string& dataSpec);
  // Draws the offer in a small window over the panels when there is one; returns the data
  // spec to use instead when the user accepts (the offer closes). Dismiss closes it until
  // the model or data changes.
  std::optional<std::string> draw();
  // The same text and buttons inside the current window (a panel's tab).
  std::optional<std::string> drawInline();

  // What the offer says and would open (tests).
  bool shown() const { return m_shown; }
  // Dismissed for the current model and data: reopen() shows it again (a panel's way back).
  bool dismissed() const { return m_dismissed; }
  void reopen() {
    if (m_dismissed) m_shown = true;
    m_dismissed = false;
  }
  bool offered() const { return m_advice.offered; }
  const std::string& acceptSpec() const { return m_accept; }
  std::string buttonLabel() const;
  std::string text() const;
  ImVec4 acceptRect() const { return m_acceptRect; }  // x, y, w, h of the button; w 0 when not drawn
  ImVec4 dismissRect() const { return m_dismissRect; }

 private:
  std::string m_slot;
  std::string m_key;  // model dir + data spec the offer (or the question) is for
  std::string m_spec, m_accept;
  ImageShape m_data, m_model;
  ResizeAdvice m_advice;
  ImVec4 m_acceptRect{0, 0, 0, 0}, m_dismissRect{0, 0, 0, 0};
  bool m_shown = false, m_useBase = false, m_dismissed = false;
};

}  // namespace latentlab
