#include "app/gl/redraw_check.h"

#include <backends/imgui_impl_opengl3.h>
#include <epoxy/gl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "engine/data/image_io.h"
#include "engine/util/file_io.h"

namespace latentlab::gl {

namespace {

// Reads the bound read framebuffer as RGBA, top row first.
void readRgba(int w, int h, std::vector<uint8_t>& out) {
  out.resize(size_t(w) * h * 4);
  std::vector<uint8_t> raw(out.size());
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, raw.data());
  for (int y = 0; y < h; ++y)  // GL rows start at the bottom
    std::memcpy(&out[size_t(y) * w * 4], &raw[size_t(h - 1 - y) * w * 4], size_t(w) * 4);
}

Image toRgb(const std::vector<uint8_t>& rgba, int w, int h) {
  Image img(w, h, 3);
  for (size_t i = 0, n = size_t(w) * h; i < n; ++i) std::memcpy(&img.pixels[i * 3], &rgba[i * 4], 3);
  return img;
}

nlohmann::json rectJson(const PixelRect& r) { return {r.x0, r.y0, r.x1, r.y1}; }

}  // namespace

std::unique_ptr<RedrawCheck> RedrawCheck::fromEnv() {
  const char* path = std::getenv("LATENTLAB_REDRAW_CHECK");
  if (!path || !*path) return nullptr;
  return std::make_unique<RedrawCheck>(path);
}

RedrawCheck::RedrawCheck(std::string reportPath, int maxDumps) : m_path(std::move(reportPath)), m_maxDumps(maxDumps) {}

RedrawCheck::~RedrawCheck() {
  try {
    writeReport(true);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "latentlab: redraw check: %s\n", e.what());
  }
}

void RedrawCheck::noteWindows(const ImDrawData& dd) {
  for (int i = 0; i < dd.CmdListsCount; ++i)
    if (const char* name = dd.CmdLists[i]->_OwnerName) m_windows.insert(name);
}

void RedrawCheck::check(ImDrawData* dd, int fbw, int fbh, const std::vector<PixelRect>& damage, bool full) {
  ++m_frames;
  noteWindows(*dd);
  if (full) {
    ++m_fullFrames;
  } else {
    ++m_checked;
    long damaged = 0;
    for (const PixelRect& r : damage) damaged += r.area();
    if (damaged > 0) ++m_damaged;
    m_damagedFraction += double(damaged) / (double(fbw) * fbh);
  }

  // What the window shows now: single-buffered, the front buffer holds the frame; double-
  // buffered, the back buffer does until the swap.
  GLint readBuffer = 0, readFbo = 0, drawFbo = 0;
  GLboolean doubleBuffered = GL_FALSE;
  glGetIntegerv(GL_READ_BUFFER, &readBuffer);
  glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &readFbo);
  glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &drawFbo);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glGetBooleanv(GL_DOUBLEBUFFER, &doubleBuffered);
  glReadBuffer(doubleBuffered ? GL_BACK : GL_FRONT);
  readRgba(fbw, fbh, m_window);

  // The plain path over it, in the same buffer: cleared, the whole frame, the renderer's own
  // clip rectangles. The same target matters: an offscreen RGBA8 texture blends anti-aliased
  // edges one level apart from the window's format on llvmpipe, whole frames included. What
  // stays on screen is then the exact frame, so each frame is checked from an exact start
  // (by induction, a run without the check shows exact frames when every check passes).
  glViewport(0, 0, fbw, fbh);
  glDisable(GL_SCISSOR_TEST);
  glClear(GL_COLOR_BUFFER_BIT);  // the clear colour the frame used is still set
  ImGui_ImplOpenGL3_RenderDrawData(dd);
  readRgba(fbw, fbh, m_full);
  m_w = fbw, m_h = fbh;
  glBindFramebuffer(GL_READ_FRAMEBUFFER, GLuint(readFbo));
  glBindFramebuffer(GL_DRAW_FRAMEBUFFER, GLuint(drawFbo));
  glReadBuffer(GLenum(readBuffer));

  // Colour only: the window may have no alpha channel.
  long bad = 0;
  PixelRect box{fbw, fbh, 0, 0};
  for (int y = 0; y < fbh; ++y)
    for (int x = 0; x < fbw; ++x) {
      size_t i = (size_t(y) * fbw + x) * 4;
      if (m_window[i] == m_full[i] && m_window[i + 1] == m_full[i + 1] && m_window[i + 2] == m_full[i + 2]) continue;
      ++bad;
      box = {std::min(box.x0, x), std::min(box.y0, y), std::max(box.x1, x + 1), std::max(box.y1, y + 1)};
    }
  if (bad == 0) return;
  ++(full ? m_fullMismatched : m_mismatched);
  if (m_mismatches.size() >= 32) return;
  Mismatch m{m_frames - 1, full, bad, box, damage, "", ""};
  if (int(m_mismatches.size()) < m_maxDumps) {
    std::string stem = m_path + "-frame" + std::to_string(m.frame);
    try {
      writePng(stem + "-partial.png", toRgb(m_window, fbw, fbh));
      writePng(stem + "-full.png", toRgb(m_full, fbw, fbh));
      m.partialPng = stem + "-partial.png";
      m.fullPng = stem + "-full.png";
    } catch (const std::exception& e) {
      std::fprintf(stderr, "latentlab: redraw check: %s\n", e.what());
    }
  }
  m_mismatches.push_back(std::move(m));
}

void RedrawCheck::writeReport(bool lastPng) const {
  nlohmann::json j;
  j["format"] = "latentlab-redraw-check/1";
  j["frames"] = m_frames;
  j["full_frames"] = m_fullFrames;
  j["partial_frames_checked"] = m_checked;
  j["partial_frames_with_damage"] = m_damaged;
  j["damaged_fraction_mean"] = m_checked ? m_damagedFraction / double(m_checked) : 0.0;
  j["mismatched_frames"] = m_mismatched;
  j["full_frames_mismatched"] = m_fullMismatched;  // nonzero: the check itself is off
  nlohmann::json list = nlohmann::json::array();
  for (const Mismatch& m : m_mismatches) {
    nlohmann::json d = nlohmann::json::array();
    for (const PixelRect& r : m.damage) d.push_back(rectJson(r));
    list.push_back({{"frame", m.frame},
                    {"full", m.full},
                    {"pixels", m.pixels},
                    {"bbox", rectJson(m.bbox)},
                    {"damage", d},
                    {"partial_png", m.partialPng},
                    {"full_png", m.fullPng}});
  }
  j["mismatches"] = list;
  j["windows"] = m_windows;
  if (lastPng && m_frames > 0 && m_full.size() == size_t(m_w) * m_h * 4) {
    writePng(m_path + "-last.png", toRgb(m_full, m_w, m_h));
    j["last_png"] = m_path + "-last.png";
  }
  writeFileAtomic(m_path, j.dump(2) + "\n");
}

}  // namespace latentlab::gl
