#include "app/tokens/token_session.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace latentlab {

namespace {
bool sameSettings(const TokenSettings& a, const TokenSettings& b) {
  return a.temperature == b.temperature && a.topK == b.topK && a.topP == b.topP && a.greedy == b.greedy;
}
struct CodesResult {
  std::vector<Image> images;
  CodebookMap map;
};
struct BeamsResult {
  std::vector<TokenBeamView> beams;
  std::vector<Image> images;
};
}  // namespace

bool TokenSession::PlanKey::operator==(const PlanKey& o) const {
  return prefix == o.prefix && cls == o.cls && seed == o.seed && sameSettings(s, o.s);
}

TokenSession::PlanKey TokenSession::currentKey() const { return {shownPrefix(), cls, seed, settings}; }

std::vector<int> TokenSession::shownGrid() const {
  std::vector<int> g(size_t(length()), -1);
  for (int i = 0; i < m_shown && i < length(); ++i) g[size_t(i)] = m_record[size_t(i)];
  return g;
}

bool TokenSession::planValid() const {
  if (int(m_plan.size()) != length() || m_planKey.cls != cls || m_planKey.seed != seed ||
      !sameSettings(m_planKey.s, settings))
    return false;
  // The plan continues what is shown: the shown tokens are its own first tokens (revealed from
  // it, or the prefix it was drawn from). An edit or a scrub back makes it stale.
  if (m_planKey.prefix.size() > size_t(m_shown)) return false;
  return std::equal(m_record.begin(), m_record.begin() + m_shown, m_plan.begin());
}

void TokenSession::onNewModel(std::shared_ptr<TokenModel> m) {
  m_model = std::move(m);
  m_plan.clear();
  m_planPending = m_nextPending = m_beamsPending = m_usagePending = m_encodePending = false;
  m_imagePending = m_codesPending = false;
  m_nextValid = false;
  m_codesAsked = false;
  m_codeImages.clear();
  m_map = CodebookMap{};
  m_usage.clear();
  m_usageAsked = false;
  m_usageFailed = false;
  m_beams.clear();
  m_beamImages.clear();
  m_imageAsked = {-2};
  m_image = Image{};
  ++m_imageVersion;
  error.clear();
  if (!m_model) return;
  if (m_model->dir() != m_modelDir && (!m_restored || !m_restoredSampling)) settings = m_model->recommended();
  if (m_model->dir() != m_modelDir && !m_restored) {
    // Another model: its own recommended settings and an empty grid.
    m_record.clear();
    m_shown = 0;
    m_source.clear();
    if (cls >= std::max(1, m_model->numClasses())) cls = 0;
    if (m_model->canSample()) {
      // Open on a grid half written (seed 1): the picture, the bars and Continue all have
      // something to show at once.
      seed = 1;
      m_source = "drawn";
      m_restoreSteps = m_model->length() / 2;
    }
  }
  // A session's tokens must fit this model's grid and codebook.
  bool fits = int(m_record.size()) <= m_model->length();
  for (int t : m_record) fits = fits && t >= 0 && t < m_model->codebookSize();
  if (!fits) {
    error = "the session's tokens do not fit this model's grid; starting empty";
    m_record.clear();
  }
  m_shown = std::min(m_shown, int(m_record.size()));
  if (cls < 0 || cls >= std::max(1, m_model->numClasses())) cls = 0;
  m_modelDir = m_model->dir();
  m_restored = m_restoredSampling = false;
}

bool TokenSession::settled() const {
  if (!m_model) return false;
  if (m_planPending || m_playing || m_stepsWanted > 0 || m_restoreSteps >= 0) return false;
  if (m_imagePending || m_codesPending || !m_codesAsked || m_nextPending || m_usagePending || m_dataPending) return false;
  if (m_beamsPending || m_encodePending || m_encodeAsked >= 0) return false;
  if (m_usageAsked) return false;
  return shownGrid() == m_imageAsked;
}

void TokenSession::reveal(int upTo) {
  m_shown = recorded();
  upTo = std::min(upTo, length());
  while (recorded() < upTo) m_record.push_back(m_plan[m_record.size()]);
  m_shown = recorded();
}

void TokenSession::run() {
  if (!keepSeed) ++seed;
  m_record.clear();
  m_shown = 0;
  m_source = "drawn";
  m_stepsWanted = 0;
  m_playing = true;
  m_playFrom = 0;
  m_playStart = m_now;
}

void TokenSession::step() {
  m_playing = false;
  m_shown = recorded();
  if (m_shown >= length()) return;
  if (m_source.empty()) m_source = "drawn";
  ++m_stepsWanted;
}

void TokenSession::continueRun() {
  m_shown = recorded();
  if (m_shown >= length()) return;
  if (m_source.empty()) m_source = "drawn";
  m_stepsWanted = 0;
  m_playing = true;
  m_playFrom = m_shown;
  m_playStart = m_now;
}

void TokenSession::cancel() {
  m_playing = false;
  m_stepsWanted = 0;
  m_restoreSteps = -1;
  if (m_jobs && m_planPending) m_jobs->cancel(Worker::Sampler, "tokens/plan");
  m_planPending = false;
  ++m_planSerial;
}

void TokenSession::resampleFromShown() {
  if (!keepSeed) ++seed;
  m_record.resize(size_t(m_shown));
  m_source = m_shown > 0 ? "resampled after token " + std::to_string(m_shown) : "drawn";
  m_stepsWanted = 0;
  m_playing = m_shown < length();
  m_playFrom = m_shown;
  m_playStart = m_now;
}

void TokenSession::setShown(int n) {
  m_playing = false;
  m_stepsWanted = 0;
  m_shown = std::clamp(n, 0, recorded());
}

void TokenSession::setTokens(std::vector<int> tokens, const std::string& source) {
  m_playing = false;
  m_stepsWanted = 0;
  m_record = std::move(tokens);
  m_shown = recorded();
  m_source = source;
}

void TokenSession::editToken(int position, int code) {
  if (position < 0 || position >= recorded() || !m_model || code < 0 || code >= m_model->codebookSize()) return;
  if (m_record[size_t(position)] == code) return;
  m_playing = false;
  m_record[size_t(position)] = code;
  m_shown = std::max(m_shown, position + 1);
  if (m_source.find("(edited)") == std::string::npos) m_source += m_source.empty() ? "edited" : " (edited)";
}

void TokenSession::askPlan() {
  if (m_planPending && m_planAsked == currentKey()) return;
  m_planWanted = true;
}

void TokenSession::update(FeatureJobs* jobs, const std::string& dataSpec, double now, int frame) {
  if (frame == m_frame) return;
  m_frame = frame;
  m_jobs = jobs;
  m_now = now;
  std::shared_ptr<TokenModel> m = jobs ? jobs->tokenModel() : nullptr;
  if (m != m_model) onNewModel(m);
  if (!m_model) return;
  if (dataSpec != m_dataSpec) {
    m_dataSpec = dataSpec;
    m_data.reset();
    m_usage.clear();
    m_usageAsked = false;
    m_usageFailed = false;
  }
  // Reveal what was asked for once the plan continues the shown tokens.
  const bool wantMore = m_playing || m_stepsWanted > 0 || m_restoreSteps >= 0;
  if (wantMore && m_shown < recorded()) m_shown = recorded();
  if (wantMore && m_shown < length()) {
    if (planValid()) {
      if (m_restoreSteps >= 0) {
        reveal(m_restoreSteps);
        m_restoreSteps = -1;
      }
      if (m_stepsWanted > 0) reveal(m_shown + m_stepsWanted), m_stepsWanted = 0;
      if (m_playing) {
        double elapsed = now - m_playStart;
        int target = speed > 0 ? m_playFrom + int(std::floor(elapsed * speed)) : length();
        reveal(std::max(target, m_shown));
      }
    } else {
      askPlan();
    }
  }
  if (m_shown >= length() || (m_restoreSteps >= 0 && m_shown >= m_restoreSteps)) {
    m_playing = false;
    m_stepsWanted = 0;
    m_restoreSteps = -1;
  }
  request(jobs);
}

void TokenSession::request(FeatureJobs* jobs) {
  if (!jobs) return;
  auto model = m_model;
  if (m_planWanted) {
    m_planWanted = false;
    m_planAsked = currentKey();
    m_planPending = true;
    const uint64_t serial = ++m_planSerial;
    PlanKey k = m_planAsked;
    jobs->run(
        Worker::Sampler, "tokens/plan",
        [model, k](JobContext& jc) -> std::any {
          jc.setProgress(0, "drawing tokens");
          return std::any(model->sampleSteps(k.cls, k.prefix, k.s, k.seed, {}, jc.cancelToken()));
        },
        [this, serial, k](FeatureOutcome& o) {
          if (serial != m_planSerial) return;
          m_planPending = false;
          if (!o.error.empty()) error = o.error, m_playing = false, m_stepsWanted = 0;
          if (auto* v = std::any_cast<std::vector<int>>(&o.value)) {
            m_plan = std::move(*v);
            m_planKey = k;
            m_playStart = m_now;  // the animation starts when the tokens are there
            m_playFrom = m_shown;
          }
        });
  }
  std::vector<int> grid = shownGrid();
  if (grid != m_imageAsked) {
    m_imageAsked = grid;
    m_imagePending = true;
    jobs->run(Worker::Interactive, "tokens/decode", [model, grid](JobContext&) { return std::any(model->decode(grid)); },
              [this, grid](FeatureOutcome& o) {
                if (grid == m_imageAsked) m_imagePending = false;
                if (auto* v = std::any_cast<Image>(&o.value)) m_image = std::move(*v), ++m_imageVersion;
                if (!o.error.empty()) error = o.error;
              });
  }
  PlanKey nk = currentKey();
  if (m_model->canSample() && m_shown < length() && !(nk == m_nextAsked)) {
    m_nextAsked = nk;
    m_nextPending = true;
    const uint64_t serial = ++m_nextSerial;
    jobs->run(
        Worker::Interactive, "tokens/next",
        [model, nk](JobContext&) { return std::any(model->nextToken(nk.cls, nk.prefix, nk.s, 16)); },
        [this, serial](FeatureOutcome& o) {
          if (serial != m_nextSerial) return;
          m_nextPending = false;
          if (auto* v = std::any_cast<NextTokenView>(&o.value)) m_next = std::move(*v), m_nextValid = true;
          if (!o.error.empty()) error = o.error;
        });
  }
  if (m_shown >= length()) m_nextValid = false, m_nextAsked = PlanKey{};
  if (!m_codesAsked) {
    m_codesAsked = true;
    m_codesPending = true;
    jobs->run(
        Worker::Background, "tokens/codes",
        [model](JobContext& jc) {
          jc.setProgress(0, "decoding the codebook");
          CodesResult r;
          std::vector<std::vector<int>> grids;
          for (int c = 0; c < model->codebookSize(); ++c) grids.push_back(std::vector<int>(size_t(model->length()), c));
          r.images = model->decodeBatch(grids);
          r.map = model->codebookMap();
          return std::any(std::move(r));
        },
        [this](FeatureOutcome& o) {
          m_codesPending = false;
          if (auto* v = std::any_cast<CodesResult>(&o.value)) {
            m_codeImages = std::move(v->images);
            m_map = std::move(v->map);
            ++m_codesVersion;
          }
          if (!o.error.empty()) error = o.error;
        });
  }
  const bool needData = (m_usageAsked || m_encodeAsked >= 0) && !m_data;
  if (needData && !m_dataPending) {
    m_dataPending = true;
    std::string spec = m_dataSpec;
    jobs->run(
        Worker::Background, "tokens/data",
        [spec](JobContext& jc) {
          jc.setProgress(0, "reading " + spec);
          return std::any(std::shared_ptr<const Dataset>(std::make_shared<Dataset>(openDataset(spec))));
        },
        [this, spec](FeatureOutcome& o) {
          m_dataPending = false;
          if (auto* v = std::any_cast<std::shared_ptr<const Dataset>>(&o.value))
            if (spec == m_dataSpec) m_data = *v;
          if (!o.error.empty()) error = o.error, m_usageAsked = false, m_usageFailed = true, m_encodeAsked = -1;
        });
  }
  if (m_usageAsked && m_data && !m_usagePending) {
    m_usageAsked = false;
    m_usagePending = true;
    auto data = m_data;
    jobs->run(
        Worker::Background, "tokens/usage",
        [model, data](JobContext& jc) {
          auto counts = model->codeUsage(
              *data, 0, [&](double f) { jc.setProgress(f, "counting code usage"); }, jc.cancelToken());
          return std::any(std::move(counts));
        },
        [this, data](FeatureOutcome& o) {
          m_usagePending = false;
          if (auto* v = std::any_cast<std::vector<int64_t>>(&o.value)) m_usage = std::move(*v), m_usageImages = data->count;
          if (!o.error.empty()) error = o.error, m_usageFailed = true;
        });
  }
  if (m_encodeAsked >= 0 && m_data) {
    const int64_t index = m_encodeAsked;
    m_encodeAsked = -1;
    if (index >= m_data->count) {
      error = "item " + std::to_string(index) + " is past the end of " + m_data->spec + " (" +
              std::to_string(m_data->count) + " images)";
    } else {
      m_encodePending = true;
      auto data = m_data;
      jobs->run(
          Worker::Interactive, "tokens/encode",
          [model, data, index](JobContext&) { return std::any(model->encode(data->image(index))); },
          [this, data, index](FeatureOutcome& o) {
            m_encodePending = false;
            if (auto* v = std::any_cast<std::vector<int>>(&o.value)) {
              std::string label = "test image #" + std::to_string(index);
              int64_t l = data->label(index);
              if (l >= 0 && l < int64_t(data->classNames.size())) label += " (" + data->classNames[size_t(l)] + ")";
              setTokens(std::move(*v), label);
            }
            if (!o.error.empty()) error = o.error;
          });
    }
  }
  if (m_beamsAsked && m_model->canSample()) {
    m_beamsAsked = false;
    m_beamsPending = true;
    const int c = cls, width = beamWidth;
    std::vector<int> prefix = shownPrefix();
    if (int(prefix.size()) >= length()) prefix.clear();
    auto names = m_model->classNames();
    beamsFor = (prefix.empty() ? std::string("from the start") : "after the first " + std::to_string(prefix.size()) + " tokens") +
               ", " + (c < int(names.size()) ? names[size_t(c)] : "class " + std::to_string(c));
    jobs->run(
        Worker::Background, "tokens/beams",
        [model, c, width, prefix](JobContext& jc) {
          jc.setProgress(0, "beam search");
          BeamsResult r;
          r.beams = model->beams(c, width, prefix);
          std::vector<std::vector<int>> grids;
          for (auto& b : r.beams) grids.push_back(b.tokens);
          r.images = model->decodeBatch(grids);
          return std::any(std::move(r));
        },
        [this](FeatureOutcome& o) {
          m_beamsPending = false;
          if (auto* v = std::any_cast<BeamsResult>(&o.value)) {
            m_beams = std::move(v->beams);
            m_beamImages = std::move(v->images);
            ++m_beamsVersion;
          }
          if (!o.error.empty()) error = o.error;
        });
  }
}

void TokenSession::save(nlohmann::json& out) const {
  out["class"] = cls;
  out["seed"] = seed;
  out["temperature"] = settings.temperature;
  out["top_k"] = settings.topK;
  out["top_p"] = settings.topP;
  out["greedy"] = settings.greedy;
  out["speed"] = speed;
  out["beam_width"] = beamWidth;
  out["tokens"] = m_record;
  out["shown"] = m_shown;
}

void TokenSession::restore(const nlohmann::json& in, std::vector<std::string>& warnings) {
  auto num = [&](const char* key, double lo, double hi, auto& out) {
    if (!in.contains(key)) return false;
    const auto& v = in[key];
    if (!v.is_number() || !(v.get<double>() >= lo && v.get<double>() <= hi)) {
      warnings.push_back(std::string("session: panels.tokens.") + key + " must be a number in " +
                         std::to_string(lo) + ".." + std::to_string(hi) + "; kept the current value");
      return false;
    }
    out = static_cast<std::decay_t<decltype(out)>>(v.get<double>());
    return true;
  };
  num("class", 0, 100000, cls);
  num("seed", 0, 4294967295.0, seed);
  num("temperature", 0, 5, settings.temperature);
  num("top_k", 0, 100000, settings.topK);
  num("top_p", 0, 1, settings.topP);
  num("speed", 0, 1000, speed);
  num("beam_width", 1, 8, beamWidth);
  if (in.contains("greedy")) {
    if (in["greedy"].is_boolean()) settings.greedy = in["greedy"].get<bool>();
    else warnings.push_back("session: panels.tokens.greedy must be true or false; kept the current value");
  }
  if (in.contains("tokens")) {
    const auto& t = in["tokens"];
    bool ok = t.is_array();
    std::vector<int> tokens;
    if (ok)
      for (const auto& v : t) {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 100000) ok = false;
        else tokens.push_back(v.get<int>());
      }
    if (ok) {
      m_record = std::move(tokens);
      m_shown = int(m_record.size());
      m_source = "from the session";
    } else {
      warnings.push_back("session: panels.tokens.tokens must be a list of code numbers; started empty");
    }
  }
  int shown = m_shown;
  if (num("shown", 0, 100000, shown)) m_shown = std::min(shown, recorded());
  int steps = -1;
  if (num("steps", 0, 100000, steps)) {
    // Draw the seed's grid and show its first `steps` tokens (lessons, screenshots).
    m_record.clear();
    m_shown = 0;
    m_source = "drawn";
    m_restoreSteps = steps;
  }
  m_restored = true;  // keep these settings when the model (re)loads
  m_restoredSampling = in.contains("temperature") || in.contains("top_k") || in.contains("top_p") || in.contains("greedy");
}

}  // namespace latentlab
