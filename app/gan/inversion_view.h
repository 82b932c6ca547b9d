// The Seed grid panel's "Invert an image" tab (issue 14, GAN inversion): pick a data image
// (of the app's data set), a class (its label, a chosen one, or search all) and steps; Invert
// runs engine/latent/gan_inversion.h on the background worker (slot "gan/invert") with a live
// view of the current reconstruction and its error curve, progress and Cancel; the found z is
// marked on the latent map. Never calls the engine on the UI thread and never touches GL.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/panels/panel.h"
#include "engine/data/image.h"

namespace latentlab {

struct ModelInfo;

class InversionView {
 public:
  InversionView();
  void draw(PanelContext& ctx, const ModelInfo& info);

  // What the worker writes while it runs and the view reads every frame (under the lock).
  struct Live {
    std::mutex mutex;
    Image target, current;
    std::vector<float> curve;  // MSE per reported step
    int step = 0, steps = 0, classIndex = -1;
    bool searching = false;
    uint64_t version = 0;
  };

  // Read by tests.
  bool running() const { return m_running; }
  const std::string& status() const { return m_status; }
  const std::vector<float>& resultZ() const { return m_z; }
  int resultClass() const { return m_resultClass; }
  double resultMse() const { return m_mse; }
  int64_t item = 0;          // the data image to invert
  int steps = 200;
  float priorWeight = 0.f;
  int classChoice = -2;      // -2: the image's label (search when it has none), -1: search, else that class

  void start(PanelContext& ctx, const ModelInfo& info);
  void cancel(PanelContext& ctx);

 private:
  std::shared_ptr<Live> m_live;
  bool m_running = false;
  std::string m_status;
  std::vector<float> m_z;
  int m_resultClass = -1;
  int64_t m_resultItem = -1;
  double m_mse = 0;
};

}  // namespace latentlab
