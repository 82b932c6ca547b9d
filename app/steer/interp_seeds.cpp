// The Interpolation panel's diffusion half (split from interp_panel.cpp by feature): the
// starting noise of two seeds slerped in K steps, everything else fixed (class, sampler,
// steps, guidance, the per-step noise of seed A), and the sampler run on every step as one
// batch on the sampler worker with progress and Cancel: "nearby noise, nearby image".
#include <algorithm>

#include "app/engine_client.h"
#include "app/panels/flow_row.h"
#include "app/panels/param_help.h"
#include "app/steer/interp_panel.h"
#include "engine/explore/diffusion_sampling.h"

namespace latentlab {

namespace {
constexpr const char* kSeedSlot = "steer/interp-seeds";
}

void InterpolationPanel::drawSeeds(PanelContext& ctx) {
  const DiffusionInfo* info = ctx.engine ? ctx.engine->diffusion() : nullptr;
  if (!info || !ctx.jobs) return;
  float fs = ImGui::GetFontSize();
  FlowRow row;
  int seeds[2] = {int(m_seedA), int(m_seedB)};
  row.next(FlowRow::labeled(fs * 7, "Seeds A, B"));
  ImGui::SetNextItemWidth(fs * 7);
  if (ImGui::InputInt2("Seeds A, B", seeds)) {
    m_seedA = uint64_t(std::max(0, seeds[0]));
    m_seedB = uint64_t(std::max(0, seeds[1]));
  }
  itemHelp("interp-seeds");
  std::vector<std::string> names = {"unconditional"};
  for (int c = 0; c < info->numClasses; ++c)
    names.push_back(size_t(c) < info->classes.size() ? info->classes[size_t(c)] : "class " + std::to_string(c));
  m_seedClass = std::clamp(m_seedClass, -1, info->numClasses - 1);
  row.next(FlowRow::labeled(fs * 7, "Class"));
  ImGui::SetNextItemWidth(fs * 7);
  if (ImGui::BeginCombo("Class", names[size_t(m_seedClass + 1)].c_str())) {
    for (int c = -1; c < info->numClasses; ++c)
      if (ImGui::Selectable(names[size_t(c + 1)].c_str(), c == m_seedClass)) m_seedClass = c;
    ImGui::EndCombo();
  }
  itemHelp("interp-seed-class");
  row.next(FlowRow::labeled(fs * 5, "Pictures"));
  ImGui::SetNextItemWidth(fs * 5);
  ImGui::SliderInt("Pictures", &m_seedCount, 2, 16);
  itemHelp("interp-seed-count");
  RunnerStatus st = ctx.jobs->status(Worker::Sampler);
  bool mine = m_seedRunning && st.runningSlot == kSeedSlot;
  if (m_seedRunning) {
    row.next(FlowRow::button("Cancel"));
    if (ImGui::Button("Cancel")) ctx.jobs->cancel(Worker::Sampler, kSeedSlot);
    itemHelp("interp-seed-cancel");
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f%% %s", 100 * (mine ? st.progress : 0.0), mine ? st.message.c_str() : "waiting");
    row.next(fs * 8);
    ImGui::ProgressBar(mine ? float(st.progress) : 0.f, ImVec2(fs * 8, 0), buf);
  } else {
    row.next(FlowRow::button("Run"));
    if (ImGui::Button("Run")) runSeeds(ctx);
    itemHelp("interp-seed-run");
  }
  notesToggle(ctx), itemRect("notes");
}

void InterpolationPanel::runSeeds(PanelContext& ctx) {
  auto sampler = ctx.jobs->diffusionSampler();
  if (!sampler) return;
  const DiffusionInfo& info = sampler->info();
  SampleRequest base;
  base.seed = m_seedA;  // the per-step noise of stochastic samplers: the same for every picture
  base.classIndex = m_seedClass;
  base.sampler = info.defaultSampler;
  base.steps = info.defaultSteps;
  base.guidance = info.defaultGuidance;
  uint64_t a = m_seedA, b = m_seedB;
  int count = m_seedCount;
  m_seedRunning = true;
  m_error.clear();
  ctx.jobs->run(
      Worker::Sampler, kSeedSlot,
      [sampler, base, a, b, count](JobContext& jc) {
        // The two seeds' starting noise, slerped: Gaussian noise lives near a sphere, and a
        // straight line between two draws passes through noise of too small a norm.
        auto path = interpolatePath({sampler->startingNoise(a), sampler->startingNoise(b)}, {true}, count);
        std::vector<Image> images;
        for (size_t i = 0; i < path.size(); ++i) {
          jc.cancelToken().throwIfCancelled();
          jc.setProgress(double(i) / double(path.size()), "picture " + std::to_string(i + 1) + " of " + std::to_string(path.size()));
          SampleRequest r = base;
          r.startNoise = path[i];
          images.push_back(sampler->sample(r, {}, jc.cancelToken()));
        }
        return std::any(std::move(images));
      },
      [this](FeatureOutcome& o) {
        m_seedRunning = false;
        if (o.cancelled) return;  // the strip keeps what it showed
        if (!o.error.empty()) m_error = o.error;
        if (auto* v = std::any_cast<std::vector<Image>>(&o.value)) {
          m_images = std::move(*v);
          m_path.clear();
          m_atlas = stripPicture(0);
          ++m_version;
          m_frame = std::clamp(m_frame, 0.f, float(std::max<size_t>(1, m_images.size()) - 1));
        }
      });
}

}  // namespace latentlab
