// What the three token panels (Tokens view, Next token, Codebook) share for a vq-autoregressive
// model: the class, seed and sampling settings, the recorded sequence of drawn tokens and the
// timeline position, and the engine results they show (the decoded grid, the next-token
// distribution, beams, the codes' pictures, usage and PCA map). It turns changes into jobs on
// FeatureJobs (slots "tokens/..."), through the torch-free TokenModel only. How a grid is
// drawn: a whole continuation ("plan") of the current prefix is drawn in one KV-cached job with
// the current settings and seed, then revealed one token per Step (or at `speed` per second
// for Run/Continue); a settings or class change half-way redraws the plan from the shown
// prefix, so every revealed token was drawn with the settings shown when it appeared.
// Never touches GL or ImGui.
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "app/feature_jobs.h"
#include "engine/data/dataset.h"
#include "engine/tokens/token_model.h"

namespace latentlab {

class TokenSession {
 public:
  // Call once per frame (from the panel drawn first): notices a new model, applies the
  // reveal animation and asks for whatever the shown state needs. `now` in seconds.
  // Every token panel calls it; only the first call of a frame (`frame`) does anything.
  void update(FeatureJobs* jobs, const std::string& dataSpec, double now, int frame);
  const std::shared_ptr<TokenModel>& model() const { return m_model; }
  bool ready() const { return m_model != nullptr; }

  // Generation.
  void run();          // new seed (unless keepSeed), empty grid, reveal to the end
  void step();         // one more token
  void continueRun();  // reveal the rest
  void cancel();       // stop revealing (the record keeps what is shown)
  void resampleFromShown();  // keep the shown prefix, new seed, redraw the rest to the end
  void setShown(int n);      // the timeline
  void setTokens(std::vector<int> tokens, const std::string& source);  // e.g. an encoded data image
  void editToken(int position, int code);  // a sampled cell gets another code
  bool playing() const { return m_playing; }
  bool busy() const { return m_planPending; }  // a plan is being drawn
  // Nothing asked for is still on its way and nothing is being revealed (screenshots, tests).
  bool settled() const;

  // The recorded sequence (raster order, first `recorded()` positions) and the timeline.
  const std::vector<int>& record() const { return m_record; }
  int recorded() const { return int(m_record.size()); }
  int shown() const { return m_shown; }
  int length() const { return m_model ? m_model->length() : 49; }
  std::vector<int> shownGrid() const;  // length entries, -1 = not sampled
  std::vector<int> shownPrefix() const { return {m_record.begin(), m_record.begin() + m_shown}; }
  const std::string& source() const { return m_source; }  // what the grid came from, in words

  // Settings (panels write them; a change takes effect from the next drawn token).
  int cls = 0;
  uint64_t seed = 0;
  bool keepSeed = false;
  TokenSettings settings;
  double speed = 20;  // tokens per second for Run / Continue
  int beamWidth = 4;

  // Results.
  const Image& image() const { return m_image; }
  uint64_t imageVersion() const { return m_imageVersion; }
  const NextTokenView* next() const { return m_nextValid ? &m_next : nullptr; }
  bool nextPending() const { return m_nextPending; }
  const std::vector<Image>& codeImages() const { return m_codeImages; }
  uint64_t codesVersion() const { return m_codesVersion; }
  const CodebookMap& codebookMap() const { return m_map; }
  const std::vector<int64_t>& usage() const { return m_usage; }
  int64_t usageImages() const { return m_usageImages; }
  bool usagePending() const { return m_usagePending; }
  void askUsage() {  // once per model and data set (a failed read is not retried every frame)
    if (m_usage.empty() && !m_usagePending && !m_usageFailed) m_usageAsked = true;
  }
  const std::vector<TokenBeamView>& beams() const { return m_beams; }
  const std::vector<Image>& beamImages() const { return m_beamImages; }
  uint64_t beamsVersion() const { return m_beamsVersion; }
  bool beamsPending() const { return m_beamsPending; }
  std::string beamsFor;  // "from step N, class C" of the shown beams
  void searchBeams() { m_beamsAsked = true; }
  // A data item's tokens (Encode): asked with encodeItem, applied with setTokens.
  void encodeItem(int64_t index) { m_encodeAsked = index; }
  bool encodePending() const { return m_encodePending; }
  const Dataset* data() const { return m_data.get(); }
  std::string error;  // the latest job failure, shown by the Tokens view

  // Session state (panels "tokens"): class, seed, temperature, top_k, top_p, greedy, speed,
  // beam_width, tokens (the record), shown, and "steps": N = draw the seed's grid and show N.
  void save(nlohmann::json& out) const;
  void restore(const nlohmann::json& in, std::vector<std::string>& warnings);

 private:
  struct PlanKey {
    std::vector<int> prefix;
    int cls = -1;
    uint64_t seed = 0;
    TokenSettings s;
    bool operator==(const PlanKey& o) const;
  };
  PlanKey currentKey() const;
  bool planValid() const;
  void askPlan();
  void reveal(int upTo);
  void request(FeatureJobs* jobs);
  void onNewModel(std::shared_ptr<TokenModel> m);

  std::shared_ptr<TokenModel> m_model;
  std::string m_modelDir;
  std::vector<int> m_record;
  int m_shown = 0;
  std::string m_source;
  // The plan: a full grid drawn from m_planKey.prefix.
  std::vector<int> m_plan;
  PlanKey m_planKey, m_planAsked;
  bool m_planPending = false, m_planWanted = false;
  bool m_playing = false;
  int m_stepsWanted = 0;     // Step presses not yet served (waiting for a plan)
  int m_restoreSteps = -1;   // a session's "steps": reveal this many once the plan is there
  bool m_restored = false;   // settings came from a session: the next model keeps them
  bool m_restoredSampling = false;  // ... and the session named temperature / top-k / top-p / greedy
  double m_playStart = 0, m_now = 0;
  int m_playFrom = 0;

  Image m_image;
  uint64_t m_imageVersion = 0;
  std::vector<int> m_imageAsked{-2};
  bool m_imagePending = false, m_codesPending = false;
  NextTokenView m_next;
  bool m_nextValid = false, m_nextPending = false;
  PlanKey m_nextAsked;
  std::vector<Image> m_codeImages;
  uint64_t m_codesVersion = 0;
  bool m_codesAsked = false;
  CodebookMap m_map;
  std::vector<int64_t> m_usage;
  int64_t m_usageImages = 0;
  bool m_usageAsked = false, m_usagePending = false, m_usageFailed = false;
  std::vector<TokenBeamView> m_beams;
  std::vector<Image> m_beamImages;
  uint64_t m_beamsVersion = 0;
  bool m_beamsAsked = false, m_beamsPending = false;
  int64_t m_encodeAsked = -1;
  bool m_encodePending = false;
  std::shared_ptr<const Dataset> m_data;
  std::string m_dataSpec;
  bool m_dataPending = false;
  FeatureJobs* m_jobs = nullptr;
  int m_frame = -1;
  uint64_t m_planSerial = 0, m_nextSerial = 0;  // only the latest request's answer counts
};

}  // namespace latentlab
