#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace attnscope {

// The HTTP side of the Hub client: GET requests over one libcurl handle (connections are reused),
// following redirects, with every response's headers kept. What the Hub's answers mean is
// hub_client.cpp's business.
struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpOutcome {
  int curl_code = 0;  // CURLcode
  std::string curl_message;
  std::vector<HttpResponse> chain;  // every response, redirects first
  std::string body;                 // the body of an in-memory request, or of an error answer
  int write_errno = 0;              // a failed write to the file (ENOSPC, ...)

  long status() const { return chain.empty() ? 0 : chain.back().status; }
  bool completed() const { return curl_code == 0; }  // an answer arrived (any status)
  bool aborted() const;                              // the byte callback asked to stop
  bool unreachable() const;                          // no connection: DNS, refused, proxy
  // Worth another attempt: a reset or stalled transfer, 408, 429 or 5xx.
  bool transient() const;
  // The Hub's own answer: the first response carrying X-Repo-Commit (a CDN's come later).
  const HttpResponse* hub() const;
  // Seconds before attempt `attempt` + 1: Retry-After when the server gives one, else `backoff`
  // doubled per attempt; either capped at `cap`.
  double retry_wait(int attempt, double backoff, double cap) const;
};

class HttpSession {
 public:
  // `token`, if any, goes out as "Authorization: Bearer" (libcurl drops it on a redirect to
  // another host); a transfer with no bytes for `stall_seconds` fails as a timeout.
  HttpSession(std::string token, long stall_seconds);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  std::string escape(const std::string& s) const;  // percent-encoding of one path segment
  // GET into memory (at most `limit` bytes).
  HttpOutcome get_text(const std::string& url, size_t limit);
  // GET into `file`, from `offset` on (a Range request when > 0). On a 200 answer to a range
  // request the file is truncated and written from its start. `on_bytes` gets the file's size
  // so far and returns false to cancel.
  HttpOutcome get_file(const std::string& url, std::FILE* file, uint64_t offset, std::function<bool(uint64_t)> on_bytes);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace attnscope
