#pragma once

#include <string>
#include <vector>

namespace attnscope::test {

// tests/hub/hub_mirror.py on a free loopback port, for as long as this object lives.
// `repos` are "ID=DIR[:fault,...]"; every request is logged to log_path() as JSON lines.
class HubMirror {
 public:
  explicit HubMirror(const std::vector<std::string>& repos, const std::string& log_path);
  ~HubMirror();
  HubMirror(const HubMirror&) = delete;
  HubMirror& operator=(const HubMirror&) = delete;

  bool ok() const { return port_ > 0; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& log_path() const { return log_; }
  // Replaces a repo's faults (comma-separated; "" clears them).
  void set_faults(const std::string& repo, const std::string& faults) const;
  // The logged requests, one JSON object per line.
  std::vector<std::string> log_lines() const;

 private:
  int pid_ = -1;
  int port_ = 0;
  std::string log_;
};

}  // namespace attnscope::test
