#include "app/gan/inversion_view.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "app/engine_client.h"
#include "app/panels/param_help.h"
#include "app/steer/steer_map_overlay.h"
#include "app/widgets/image_fit.h"
#include "engine/data/dataset.h"
#include "engine/explore/explorer.h"
#include "engine/latent/gan_inversion.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {
struct InversionOutcome {
  GanInversionResult result;
  int64_t item = 0;
};
// A GAN's map is made of prior samples ("prior:SEED"), not data: inversion needs real images.
std::string realDataSpec(const std::string& spec) {
  return spec.empty() || spec.rfind("prior:", 0) == 0 ? "fashion-mnist:test" : spec;
}
}  // namespace

InversionView::InversionView() : m_live(std::make_shared<Live>()) {}

void InversionView::start(PanelContext& ctx, const ModelInfo& info) {
  if (!ctx.jobs) return;
  m_live = std::make_shared<Live>();  // a fresh record; an older job keeps writing its own
  m_running = true;
  m_status = "starting";
  GanInversionOptions o;
  o.steps = steps;
  o.priorWeight = priorWeight;
  const int choice = classChoice;
  const int64_t index = item;
  const std::string spec = realDataSpec(ctx.state.dataSpec), dir = info.dir, device = ctx.state.device;
  const std::array<int, 3> shape{info.channels, info.height, info.width};
  ctx.jobs->run(
      Worker::Background, "gan/invert",
      [live = m_live, o, choice, index, spec, dir, device, shape, modelClasses = info.classes](JobContext& jc) -> std::any {
        jc.setProgress(0, "reading " + spec);
        DatasetOptions dopts;
        dopts.limit = index + 1;
        Dataset d = openDataset(spec, dopts);
        // Data of another shape than the generator's (Fashion-MNIST beside a user's 3 x 32 x 32
        // generator): the same images resized, as the Data field's @CxHxW would give them.
        if ((d.channels != shape[0] || d.height != shape[1] || d.width != shape[2]) && spec.find('@') == std::string::npos) {
          const std::string resized = spec + "@" + std::to_string(shape[0]) + "x" + std::to_string(shape[1]) + "x" +
                                      std::to_string(shape[2]);
          jc.setProgress(0, "reading " + resized + " (resized to the generator's images)");
          d = openDataset(resized, dopts);
        }
        if (index < 0 || index >= d.count)
          throw BadInput(spec + ": there is no image #" + std::to_string(index) + " (it has " + std::to_string(d.count) + ")");
        auto inv = GanInverter::load(dir, device);
        GanInversionOptions opts = o;
        opts.classIndex = choice >= -1 ? choice : int(d.label(index));
        // Another data set's label (a Fashion-MNIST pullover beside a generator of shapes)
        // names none of the generator's classes: search them instead.
        if (choice == -2 && !d.classNames.empty() && !modelClasses.empty() && d.classNames != modelClasses)
          opts.classIndex = -1;
        if (opts.classIndex >= inv->numClasses()) opts.classIndex = -1;  // a label the generator does not know: search
        if (inv->numClasses() == 0) opts.classIndex = -1;
        {
          std::lock_guard<std::mutex> lock(live->mutex);
          live->target = d.image(index);
          ++live->version;
        }
        auto progress = [&](const GanInversionProgress& p) {
          {
            std::lock_guard<std::mutex> lock(live->mutex);
            live->current = p.image;
            if (!p.searching) live->curve.push_back(float(p.mse));
            live->step = p.step, live->steps = p.steps, live->classIndex = p.classIndex, live->searching = p.searching;
            ++live->version;
          }
          char msg[96];
          std::snprintf(msg, sizeof msg, "%s step %d of %d, MSE %.4f", p.searching ? "trying classes," : "", p.step,
                        p.steps, p.mse);
          jc.setProgress(p.steps > 0 ? double(p.step) / p.steps : 0, msg);
        };
        InversionOutcome out;
        out.item = index;
        out.result = inv->invert(d.image(index), opts, progress, jc.cancelToken());
        return std::any(std::move(out));
      },
      [this](FeatureOutcome& o) {
        m_running = false;
        if (o.cancelled) m_status = "cancelled";
        else if (!o.error.empty()) m_status = o.error;
        else if (auto* r = std::any_cast<InversionOutcome>(&o.value)) {
          m_z = r->result.z;
          m_resultClass = r->result.classIndex;
          m_mse = r->result.mse;
          m_resultItem = r->item;
          char buf[96];
          std::snprintf(buf, sizeof buf, "done: MSE %.4f", m_mse);
          m_status = buf;
        }
      });
}

void InversionView::cancel(PanelContext& ctx) {
  if (ctx.jobs) ctx.jobs->cancel(Worker::Background, "gan/invert");
}

void InversionView::draw(PanelContext& ctx, const ModelInfo& info) {
  float fs = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(fs * 6);
  int it = int(item);
  if (ImGui::InputInt("image #", &it)) item = std::max(0, it);
  itemHelp("invert-item");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 8);
  std::string shown = classChoice == -2 ? "its label" : classChoice == -1 ? "search all" :
                      classChoice < int(info.classes.size()) ? info.classes[size_t(classChoice)] : std::to_string(classChoice);
  if (ImGui::BeginCombo("class##inv", shown.c_str())) {
    if (ImGui::Selectable("its label", classChoice == -2)) classChoice = -2;
    if (ImGui::Selectable("search all", classChoice == -1)) classChoice = -1;
    for (int c = 0; c < info.conditional; ++c) {
      std::string name = c < int(info.classes.size()) ? info.classes[size_t(c)] : std::to_string(c);
      if (ImGui::Selectable(name.c_str(), classChoice == c)) classChoice = c;
    }
    ImGui::EndCombo();
  }
  itemHelp("invert-class");
  ImGui::SetNextItemWidth(fs * 6);
  ImGui::SliderInt("steps", &steps, 20, 1000);
  itemHelp("invert-steps");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 6);
  ImGui::SliderFloat("prior", &priorWeight, 0.f, 0.1f, "%.3f");
  itemHelp("invert-prior");
  ImGui::SameLine();
  if (m_running) {
    if (ImGui::Button("Cancel##inv")) cancel(ctx);
    itemHelp("invert-cancel");
  } else {
    if (ImGui::Button("Invert")) start(ctx, info);
    itemHelp("invert-run");
  }
  if (m_running && ctx.jobs) {
    RunnerStatus st = ctx.jobs->status(Worker::Background);
    if (st.runningSlot == "gan/invert") ImGui::ProgressBar(float(st.progress), ImVec2(-1, 0), st.message.c_str());
    else ImGui::ProgressBar(0.f, ImVec2(-1, 0), "waiting for the background worker");
  } else if (!m_status.empty()) {
    ImGui::TextWrapped("%s", m_status.c_str());
  }

  // Target | current reconstruction | error curve.
  std::lock_guard<std::mutex> lock(m_live->mutex);
  Live& l = *m_live;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float side = std::max(fs * 3, std::min((avail.x - fs) / 3.f, avail.y - fs * 2.6f));
  const bool nearest = ctx.state.nearestFilter;
  auto picture = [&](const char* key, const Image& img, const char* caption) {
    ImGui::BeginGroup();
    ImTextureID tex = img.empty() ? nullptr : ctx.textures.texture(key, img, l.version, nearest);
    if (tex) ImGui::Image(tex, fitImageSize(img, side, side));  // a non-square model keeps its shape
    else ImGui::Dummy(ImVec2(side, side));
    ImGui::TextUnformatted(caption);
    ImGui::EndGroup();
  };
  picture("invert-target", l.target, "the data image");
  ImGui::SameLine();
  std::string cap = l.classIndex >= 0 && l.classIndex < int(info.classes.size())
                        ? "G(z) as " + info.classes[size_t(l.classIndex)] : std::string("G(z)");
  picture("invert-current", l.current, cap.c_str());
  ImGui::SameLine();
  ImGui::BeginGroup();
  float hi = l.curve.empty() ? 0.1f : *std::max_element(l.curve.begin(), l.curve.end());
  char overlay[48];
  std::snprintf(overlay, sizeof overlay, "MSE %.4f", l.curve.empty() ? 0.0 : double(l.curve.back()));
  ImGui::PlotLines("##invcurve", l.curve.empty() ? nullptr : l.curve.data(), int(l.curve.size()), 0,
                   l.curve.empty() ? "pixel error" : overlay, 0.f, hi, ImVec2(std::max(fs * 4, avail.x - 2 * side - fs), side));
  ImGui::TextUnformatted("error per step");
  ImGui::EndGroup();

  // The found z on the latent map.
  if (!m_z.empty() && int(m_z.size()) == info.latentDim) {
    AppState::LatentOverlay o;
    o.owner = "seeds/invert";
    o.marks = {m_z};
    o.labels = {"inverted #" + std::to_string(m_resultItem)};
    o.color = IM_COL32(90, 220, 255, 255);
    setLatentOverlay(ctx.state, o);
  }
}

}  // namespace latentlab
