#include "core/hub/http_session.h"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <mutex>

#include "core/common/error.h"

namespace attnscope {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

class HttpSession::Impl {
 public:
  Impl(std::string token, long stall_seconds) : token_(std::move(token)), stall_seconds_(stall_seconds) {
    global_init();
    curl_ = curl_easy_init();
    if (!curl_) fail(ErrorKind::Network, "libcurl could not start a transfer");
  }
  ~Impl() { curl_easy_cleanup(curl_); }

  std::string escape(const std::string& s) const {
    char* e = curl_easy_escape(curl_, s.c_str(), static_cast<int>(s.size()));
    std::string out = e ? e : "";
    curl_free(e);
    return out;
  }

  // GET into memory (at most `limit` bytes).
  HttpOutcome get_text(const std::string& url, size_t limit) {
    Sink sink;
    sink.limit = limit;
    return perform(url, sink, 0);
  }

  // GET into `file`, starting at `offset` (a Range request when > 0). On a 200 answer to a
  // range request the file is truncated and written from its start. `on_bytes` gets the file's
  // size so far and returns false to cancel.
  HttpOutcome get_file(const std::string& url, std::FILE* file, uint64_t offset, std::function<bool(uint64_t)> on_bytes) {
    Sink sink;
    sink.file = file;
    sink.offset = offset;
    sink.on_bytes = std::move(on_bytes);
    return perform(url, sink, offset);
  }

 private:
  struct Sink {
    std::FILE* file = nullptr;
    uint64_t offset = 0;
    uint64_t written = 0;
    size_t limit = 0;
    std::function<bool(uint64_t)> on_bytes;
    HttpOutcome* out = nullptr;
    bool started = false;
  };

  static size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto* out = static_cast<HttpOutcome*>(user);
    std::string line(data, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.rfind("HTTP/", 0) == 0) {
      HttpResponse r;
      const size_t sp = line.find(' ');
      if (sp != std::string::npos) r.status = std::strtol(line.c_str() + sp + 1, nullptr, 10);
      out->chain.push_back(std::move(r));
    } else if (!out->chain.empty()) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string key = line.substr(0, colon);
        std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(" \t"));
        out->chain.back().headers[key] = value;
      }
    }
    return size * n;
  }

  static size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto* s = static_cast<Sink*>(user);
    const size_t bytes = size * n;
    const long status = s->out->status();
    if (status >= 300 || !s->file) {
      // An error page, or the API's JSON: keep it in memory, bounded.
      const size_t cap = s->file ? 65536 : s->limit;
      if (s->out->body.size() + bytes > cap) return s->file ? bytes : 0;
      s->out->body.append(data, bytes);
      return bytes;
    }
    if (!s->started) {
      s->started = true;
      if (status == 200 && s->offset > 0) {
        // The server ignored the Range header: start over.
        if (std::fflush(s->file) != 0 || ::ftruncate(::fileno(s->file), 0) != 0 || std::fseek(s->file, 0, SEEK_SET) != 0) {
          s->out->write_errno = errno;
          return 0;
        }
        s->offset = 0;
      }
    }
    if (std::fwrite(data, 1, bytes, s->file) != bytes) {
      s->out->write_errno = errno ? errno : EIO;
      return 0;
    }
    s->written += bytes;
    return bytes;
  }

  static int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* s = static_cast<Sink*>(user);
    if (s->on_bytes && !s->on_bytes(s->offset + s->written)) return 1;
    return 0;
  }

  HttpOutcome perform(const std::string& url, Sink& sink, uint64_t offset) {
    HttpOutcome out;
    sink.out = &out;
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl_, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl_, CURLOPT_USERAGENT, "attnscope/" ATTNSCOPE_VERSION "; hf_hub-compatible");
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, 30L);
    // A transfer that delivers nothing for stall_seconds fails with a timeout and is retried.
    curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl_, CURLOPT_LOW_SPEED_TIME, stall_seconds_);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &out);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &Impl::on_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, &Impl::on_progress);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &sink);
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errbuf);
    std::string range;
    if (offset > 0) {
      range = std::to_string(offset) + "-";
      curl_easy_setopt(curl_, CURLOPT_RANGE, range.c_str());
    }
    if (!sink.file) curl_easy_setopt(curl_, CURLOPT_ACCEPT_ENCODING, "");
    // The token goes to the endpoint only: libcurl drops a custom Authorization header when a
    // redirect leads to another host (the CDN's signed URLs need none).
    struct curl_slist* headers = nullptr;
    const std::string auth = "Authorization: Bearer " + token_;
    if (!token_.empty()) headers = curl_slist_append(headers, auth.c_str());
    if (headers) curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    out.curl_code = static_cast<int>(curl_easy_perform(curl_));
    curl_slist_free_all(headers);
    out.curl_message = errbuf[0] ? errbuf : curl_easy_strerror(static_cast<CURLcode>(out.curl_code));
    return out;
  }

  std::string token_;
  long stall_seconds_;
  CURL* curl_ = nullptr;
};

HttpSession::HttpSession(std::string token, long stall_seconds) : impl_(std::make_unique<Impl>(std::move(token), stall_seconds)) {}
HttpSession::~HttpSession() = default;
std::string HttpSession::escape(const std::string& s) const { return impl_->escape(s); }
HttpOutcome HttpSession::get_text(const std::string& url, size_t limit) { return impl_->get_text(url, limit); }
HttpOutcome HttpSession::get_file(const std::string& url, std::FILE* file, uint64_t offset, std::function<bool(uint64_t)> on_bytes) {
  return impl_->get_file(url, file, offset, std::move(on_bytes));
}

bool HttpOutcome::aborted() const { return curl_code == CURLE_ABORTED_BY_CALLBACK; }

bool HttpOutcome::unreachable() const {
  return curl_code == CURLE_COULDNT_RESOLVE_HOST || curl_code == CURLE_COULDNT_CONNECT || curl_code == CURLE_COULDNT_RESOLVE_PROXY;
}

bool HttpOutcome::transient() const {
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_OK: {
      const long s = status();
      return s == 429 || s == 408 || s >= 500;
    }
    case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_CONNECT: case CURLE_RECV_ERROR: case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE: case CURLE_GOT_NOTHING: case CURLE_OPERATION_TIMEDOUT: case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

const HttpResponse* HttpOutcome::hub() const {
  for (const auto& r : chain)
    if (!r.header("x-repo-commit").empty()) return &r;
  return chain.empty() ? nullptr : &chain.front();
}

double HttpOutcome::retry_wait(int attempt, double backoff, double cap) const {
  double wait = backoff * std::pow(2.0, attempt - 1);
  if (completed() && !chain.empty()) {
    const std::string ra = chain.back().header("retry-after");
    char* end = nullptr;
    const double v = ra.empty() ? -1 : std::strtod(ra.c_str(), &end);
    if (v >= 0 && end && *end == '\0') wait = v;
  }
  return std::min(wait, cap);
}

}  // namespace attnscope
