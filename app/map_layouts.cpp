#include "app/map_layouts.h"

#include "engine/util/errors.h"

namespace latentlab {

MapLayout::Frame MapLayout::frame() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_frame;
}

MapLayout::Frame MapLayout::frameStatus() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  Frame f;
  f.version = m_frame.version;
  f.epoch = m_frame.epoch;
  f.epochs = m_frame.epochs;
  f.fraction = m_frame.fraction;
  f.message = m_frame.message;
  f.error = m_frame.error;
  f.inverse = m_frame.inverse;
  return f;
}

void MapLayout::dropInverse() {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_frame.inverse.reset();
}

uint64_t MapLayout::version() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_frame.version;
}

void MapLayout::publish(const LayoutRun& run) {
  std::lock_guard<std::mutex> lock(m_mutex);
  m_frame.uv = run.layout();
  ++m_frame.version;
  m_frame.epoch = run.epochsDone();
  m_frame.epochs = run.epochs();
}

std::any MapLayout::work(JobContext& jc) {
  State end = State::Failed;
  try {
    state = State::Running;
    if (!m_run) m_run = findProjection(projection).start(*latents, params);
    LayoutHooks h;
    h.cancel = jc.cancelToken();
    h.stop = [this] { return pauseRequested.load(); };
    h.publish = [this](const LayoutRun& r) { publish(r); };
    h.progress = [&](double f, const std::string& m) {
      jc.setProgress(f, m);
      std::lock_guard<std::mutex> lock(m_mutex);
      m_frame.fraction = f;
      m_frame.message = m;
    };
    bool finished = runLayout(*m_run, h);
    // The inverse (drag to decode) is built on the worker, for a finished or paused layout.
    auto inverse = std::make_shared<MapInverse>(latents->z.data(), latents->count, latents->dim, m_run->layout());
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_frame.inverse = inverse;
      if (finished) m_frame.fraction = 1;
    }
    if (finished) m_run.reset();  // the optimiser state (affinities) is large; the layout stays
    end = finished ? State::Finished : State::Paused;
  } catch (const Cancelled&) {
    end = State::Cancelled;
    if (m_run && m_run->prepared()) {  // the map keeps the last frame: it can still be dragged on
      auto inverse = std::make_shared<MapInverse>(latents->z.data(), latents->count, latents->dim, m_run->layout());
      std::lock_guard<std::mutex> lock(m_mutex);
      m_frame.uv = m_run->layout();
      ++m_frame.version;
      m_frame.inverse = inverse;
    }
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_frame.error = e.what();
    end = State::Failed;
  }
  State expected = state.load();
  if (expected != State::Cancelled) state = end;  // a Cancel pressed meanwhile stays
  return std::any(int(end));
}

std::string MapLayouts::keyFor(const LatentSet& s, const std::string& projection, const ProjectionParams& p) {
  return s.modelDir + "|" + s.dataSpec + "|" + std::to_string(s.count) + "|" + projectionKey(projection, p);
}

std::shared_ptr<MapLayout> MapLayouts::find(const std::string& key) const {
  auto it = m_layouts.find(key);
  return it == m_layouts.end() ? nullptr : it->second;
}

std::shared_ptr<MapLayout> MapLayouts::create(const std::string& projection, const ProjectionParams& p,
                                              std::shared_ptr<const LatentSet> latents) {
  std::string key = keyFor(*latents, projection, p);
  auto layout = std::make_shared<MapLayout>(key, projection, p, std::move(latents));
  m_layouts[key] = layout;
  return layout;
}

void MapLayouts::forget(const std::string& key) {
  m_layouts.erase(key);
  if (m_active && m_active->key == key) m_active.reset();
}

}  // namespace latentlab
