// What the window has to tell the user (errors, warnings, "saved to ..."), newest last. The
// menu bar shows the newest one, so a new message is never hidden behind an older banner.
// Plain data: no ImGui.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace latentlab {

struct Message {
  std::string text;
  bool error = true;  // false: information (a successful save, a model opened)
};

class Messages {
 public:
  void error(const std::string& text) { push({text, true}); }
  void info(const std::string& text) { push({text, false}); }
  const Message* newest() const { return m_list.empty() ? nullptr : &m_list.back(); }
  const std::vector<Message>& all() const { return m_list; }
  void clear() { m_list.clear(); }
  uint64_t count() const { return m_count; }  // messages ever pushed (tests)
  // Also hands every error to `sink` (the app logs them on stderr, so a run under a test
  // or a terminal leaves a trace of what the window said).
  void setErrorSink(std::function<void(const std::string&)> sink) { m_sink = std::move(sink); }

 private:
  void push(Message m) {
    if (m.error && m_sink) m_sink(m.text);
    if (m_list.size() >= 50) m_list.erase(m_list.begin());
    m_list.push_back(std::move(m));
    ++m_count;
  }
  std::vector<Message> m_list;
  uint64_t m_count = 0;
  std::function<void(const std::string&)> m_sink;
};

}  // namespace latentlab
