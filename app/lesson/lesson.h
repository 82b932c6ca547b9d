// A lesson ("latentlab-lesson/1" JSON, docs/lessons.md): a title and steps, each a piece of app
// state (model, panels shown and unlocked, map, cursor, selection, directions, interpolation,
// diffusion, seed grid, a panel's own session settings) plus the text the Lesson panel shows.
// Parsing is strict: an unknown key, a wrong type or a value out of range is a BadInput whose
// one line names the file and the field ("lesson.json: steps[3].diffusion.sampler: ...").
// Plain data and parsing only: never touches ImGui, the engine or the file system beyond
// reading the lesson file.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace latentlab {

// A class given by name ("Sneaker") or number; resolved against the model when applied.
struct LessonClass {
  std::string name;
  int index = -1;  // -1: by name (or unconditional when the name is empty too)
};

struct LessonMap {
  std::optional<std::string> projection;  // pca | axes (t-SNE/UMAP run for minutes: not a step)
  std::optional<std::pair<int, int>> axes;
  std::optional<bool> grid, gridOverlay;
  std::optional<int> gridK;
  std::optional<std::vector<LessonClass>> hiddenClasses;
  std::optional<double> centerU, centerV, halfExtent;  // all three or none
};

struct LessonDirections {
  std::optional<std::string> source;  // class | pca | sefa | groups | file
  std::optional<LessonClass> from, to;
  std::optional<std::string> file;
};

struct LessonInterpolation {
  std::vector<std::string> endpoints;  // item:I | prior:SEED (empty: keep the panel's)
  std::optional<int> steps;
  std::optional<bool> slerp;
};

struct LessonDiffusion {
  std::optional<std::string> sampler, tab;  // tab: denoise | compare | noise | schedule
  std::optional<int> steps, seed;
  std::optional<double> guidance, eta;
  std::optional<LessonClass> classIndex;  // name, number, or null = unconditional
  bool classSet = false;
  std::optional<std::string> compareVary;      // sampler | guidance
  std::optional<std::string> compareSampler;   // B's sampler when vary = sampler
  std::optional<int64_t> noiseItem;
  std::optional<int> noiseT;
};

struct LessonSeeds {  // the GAN's Seed grid
  std::optional<double> psi, x, y;
  std::optional<LessonClass> classIndex;
};

struct LessonSampling {  // the Tokens view's next-token sampling (a VQ model with a prior)
  std::optional<double> temperature, topP;
  std::optional<int> topK, seed, beamWidth, steps;
  std::optional<bool> greedy;
  std::optional<LessonClass> classIndex;
};

struct LessonStep {
  std::string title;
  std::vector<std::string> text;            // paragraphs (Markdown-ish: "- " bullets, "> " try-this)
  std::string model;                        // resolved path (absolute or relative to the cwd)
  std::string modelAsWritten;               // as in the file, for messages
  std::vector<std::string> panels;          // shown (the Lesson panel always is)
  std::vector<std::string> unlock;          // usable in presenter mode
  LessonMap map;
  std::optional<std::pair<double, double>> cursor;
  std::optional<int64_t> selected;
  std::optional<LessonDirections> directions;
  std::optional<LessonInterpolation> interpolation;
  std::optional<LessonDiffusion> diffusion;
  std::optional<LessonSeeds> seeds;
  std::optional<LessonSampling> sampling;
  nlohmann::json panelState = nlohmann::json::object();  // panel id -> its session settings
};

struct Lesson {
  std::string path, title, summary;
  float presenterScale = 1.75f;
  std::vector<LessonStep> steps;
};

// `where`: the file name used in messages and the folder model paths are relative to.
// `knownPanels`: the registered panel ids ("panels", "unlock" and "panel_state" must name them).
Lesson parseLesson(const nlohmann::json& j, const std::string& where, const std::vector<std::string>& knownPanels);
Lesson loadLesson(const std::string& path, const std::vector<std::string>& knownPanels);  // throws BadInput

}  // namespace latentlab
