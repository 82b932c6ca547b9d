#include "app/panels/schedule_view.h"

#include "app/engine_client.h"
#include "app/panels/schedule_plot.h"

namespace latentlab {

void ScheduleView::draw(PanelContext& ctx, const DiffusionSettings& settings, int64_t shownTimestep) {
  const EngineClient* e = ctx.engine;
  const DiffusionInfo* info = e ? e->diffusion() : nullptr;
  if (!info || info->alphaBars.empty()) return;
  if (m_cachedSteps != settings.steps || m_cachedModel != info) {
    m_timesteps = e->timesteps(settings.steps);
    m_cachedSteps = settings.steps;
    m_cachedModel = info;
  }
  ImGui::TextWrapped("%d training timesteps; dots: the %zu timesteps a %d-step run visits%s.", info->maxSteps,
                     m_timesteps.size(), settings.steps, shownTimestep >= 0 ? ", yellow: the step shown" : "");
  ImVec2 avail = ImGui::GetContentRegionAvail();
  ScheduleMarks marks{m_timesteps, shownTimestep};
  drawSchedulePlots(info->alphaBars, marks, ImVec2(avail.x, std::max(avail.y, ImGui::GetFontSize() * 12)));
}

}  // namespace latentlab
