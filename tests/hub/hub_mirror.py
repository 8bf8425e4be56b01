#!/usr/bin/env python3
"""A loopback mirror of the Hugging Face Hub's download endpoints, for the Hub client's tests.

Serves model folders under repo ids with the Hub's endpoints and headers:
  GET  /api/models/{repo}/revision/{rev}?blobs=true   commit sha and siblings (rfilename, size, blobId, lfs)
  GET  /{repo}/resolve/{rev}/{path}                    the file; LFS files redirect (302) to /cdn/...
  GET  /cdn/{folder}/{sha256}                          the LFS bytes, with Range requests
ETag is the git blob id of a regular file; X-Linked-Etag / X-Linked-Size give an LFS file's
sha256 and size; X-Repo-Commit the commit. Listens on 127.0.0.1 only and prints its port.

Faults, per repo (--repo ID=DIR[:fault,fault]) or set later with GET /_mirror/faults?repo=ID&set=a,b:
  gated        401 GatedRepo without "Authorization: Bearer <--token>"
  drop-once    the first GET of each LFS file sends half its bytes and closes the connection
  wrong-bytes  LFS bytes with one byte flipped (same size)
  slow         LFS bytes at 64 KB/s;  slowish: at 512 KB/s
  429-once     the first API call and the first resolve of each file answer 429, Retry-After: 1
  unsafe-name  the listing also names "../escape.json"
  huge         the listing claims a 1 PB safetensors file
Every request is appended to --log as a JSON line: method, path, range, status.
Standard library only.
"""
import argparse
import hashlib
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LFS_SUFFIXES = (".safetensors", ".bin", ".model", ".pt", ".pth", ".h5", ".msgpack", ".onnx", ".ckpt")


class Repo:
    def __init__(self, repo_id, folder, faults):
        self.repo_id = repo_id
        self.faults = set(faults)
        self.files = []  # dicts: path, data, size, lfs, sha256, oid
        for root, _, names in os.walk(folder):
            for name in names:
                full = os.path.join(root, name)
                rel = os.path.relpath(full, folder).replace(os.sep, "/")
                with open(full, "rb") as f:
                    data = f.read()
                lfs = rel.endswith(LFS_SUFFIXES)
                sha256 = hashlib.sha256(data).hexdigest()
                if lfs:
                    pointer = ("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n" % (sha256, len(data))).encode()
                    oid = hashlib.sha1(b"blob %d\0" % len(pointer) + pointer).hexdigest()
                else:
                    oid = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
                self.files.append(dict(path=rel, data=data, size=len(data), lfs=lfs, sha256=sha256, oid=oid))
        self.files.sort(key=lambda f: f["path"])
        listing = "\n".join(f["path"] + " " + f["oid"] for f in self.files)
        self.commit = hashlib.sha1(listing.encode()).hexdigest()

    def file(self, path):
        return next((f for f in self.files if f["path"] == path), None)

    def by_sha(self, sha):
        return next((f for f in self.files if f["lfs"] and f["sha256"] == sha), None)


class State:
    def __init__(self):
        self.repos = {}
        self.lock = threading.Lock()
        self.seen = set()  # (fault, key) already triggered
        self.log = None
        self.token = "hf_mirror_token"

    def once(self, key):
        with self.lock:
            if key in self.seen:
                return False
            self.seen.add(key)
            return True

    def record(self, **entry):
        if self.log:
            with self.lock:
                with open(self.log, "a") as f:
                    f.write(json.dumps(entry) + "\n")


STATE = State()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=None, content_type="application/json"):
        STATE.record(method=self.command, path=self.path, range=self.headers.get("Range"), status=status)
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, message, headers=None):
        h = {"X-Error-Code": code, "X-Error-Message": message}
        h.update(headers or {})
        self.send(status, json.dumps({"error": message}).encode(), h)

    def authorized(self, repo):
        if "gated" not in repo.faults:
            return True
        return self.headers.get("Authorization") == "Bearer " + STATE.token

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        try:
            if path.startswith("/_mirror/faults"):
                return self.set_faults(urllib.parse.parse_qs(url.query))
            if path.startswith("/api/models/"):
                return self.api(path[len("/api/models/"):])
            if path.startswith("/cdn/"):
                return self.cdn(path[len("/cdn/"):])
            if "/resolve/" in path:
                return self.resolve(path[1:])
            self.error(404, "EntryNotFound", "no such endpoint")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def set_faults(self, query):
        repo = STATE.repos.get(query.get("repo", [""])[0])
        if not repo:
            return self.error(404, "RepoNotFound", "no such repo")
        repo.faults = set(x for x in query.get("set", [""])[0].split(",") if x)
        self.send(200, b"{}")

    def find_repo(self, rest, marker):
        idx = rest.find(marker)
        if idx < 0:
            return None, None
        return STATE.repos.get(rest[:idx]), rest[idx + len(marker):]

    def check_revision(self, repo, rev):
        return rev in ("main", repo.commit)

    def api(self, rest):
        repo, rev = self.find_repo(rest, "/revision/")
        if repo is None:
            return self.error(404, "RepoNotFound", "Repository not found")
        if not self.authorized(repo):
            return self.error(401, "GatedRepo", "Access to model %s is restricted. You must have access to it and be authenticated to access it. Please log in." % repo.repo_id)
        if "429-once" in repo.faults and STATE.once(("429", repo.repo_id, "api")):
            return self.error(429, "TooManyRequests", "rate limited", {"Retry-After": "1"})
        if not self.check_revision(repo, rev):
            return self.error(404, "RevisionNotFound", "Invalid rev id: " + rev)
        siblings = []
        for f in repo.files:
            s = {"rfilename": f["path"], "size": f["size"], "blobId": f["oid"]}
            if f["lfs"]:
                s["lfs"] = {"sha256": f["sha256"], "size": f["size"], "pointerSize": 134}
            siblings.append(s)
        if "unsafe-name" in repo.faults:
            siblings.append({"rfilename": "../escape.json", "size": 2, "blobId": "0" * 40})
        if "huge" in repo.faults:
            siblings.append({"rfilename": "huge.safetensors", "size": 10**15, "blobId": "1" * 40,
                             "lfs": {"sha256": "2" * 64, "size": 10**15, "pointerSize": 134}})
        body = {"id": repo.repo_id, "modelId": repo.repo_id, "sha": repo.commit, "private": False,
                "gated": "manual" if "gated" in repo.faults else False, "siblings": siblings}
        self.send(200, json.dumps(body).encode())

    def resolve(self, rest):
        repo, tail = self.find_repo(rest, "/resolve/")
        if repo is None:
            return self.error(404, "RepoNotFound", "Repository not found")
        if not self.authorized(repo):
            return self.error(401, "GatedRepo", "Access to model %s is restricted." % repo.repo_id)
        rev, _, fpath = tail.partition("/")
        if not self.check_revision(repo, rev):
            return self.error(404, "RevisionNotFound", "Invalid rev id: " + rev)
        f = repo.file(fpath)
        if f is None:
            return self.error(404, "EntryNotFound", "Entry not found")
        if "429-once" in repo.faults and STATE.once(("429", repo.repo_id, fpath)):
            return self.error(429, "TooManyRequests", "rate limited", {"Retry-After": "1"})
        common = {"X-Repo-Commit": repo.commit}
        if f["lfs"]:
            host, port = self.server.server_address[:2]
            folder = repo.repo_id.replace("/", "--")
            location = "http://%s:%d/cdn/%s/%s" % (host, port, folder, f["sha256"])
            common.update({"Location": location, "ETag": '"%s"' % f["oid"], "X-Linked-Etag": '"%s"' % f["sha256"],
                           "X-Linked-Size": str(f["size"])})
            return self.send(302, b"", common, "text/plain")
        common["ETag"] = '"%s"' % f["oid"]
        self.serve_bytes(f["data"], common, repo, f, pace=None)

    def cdn(self, rest):
        folder, _, sha = rest.partition("/")
        repo = STATE.repos.get(folder.replace("--", "/"))
        f = repo.by_sha(sha) if repo else None
        if f is None:
            return self.send(404, b"NoSuchKey", content_type="text/plain")
        data = f["data"]
        if "wrong-bytes" in repo.faults and data:
            b = bytearray(data)
            b[len(b) // 2] ^= 0xFF
            data = bytes(b)
        pace = 65536 if "slow" in repo.faults else 524288 if "slowish" in repo.faults else None
        self.serve_bytes(data, {"ETag": '"cdn-%s"' % sha[:16]}, repo, f, pace=pace, lfs=True)

    def serve_bytes(self, data, headers, repo, f, pace, lfs=False):
        start = 0
        status = 200
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= len(data) and len(data) > 0:
                return self.send(416, b"", {"Content-Range": "bytes */%d" % len(data)}, "text/plain")
            status = 206
            headers = dict(headers, **{"Content-Range": "bytes %d-%d/%d" % (start, len(data) - 1, len(data))})
        body = data[start:]
        headers = dict(headers, **{"Accept-Ranges": "bytes"})
        drop = lfs and "drop-once" in repo.faults and STATE.once(("drop", repo.repo_id, f["path"]))
        if drop or pace:
            STATE.record(method=self.command, path=self.path, range=rng, status=status, dropped=bool(drop))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if drop:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            chunk = max(1, pace // 8)
            for i in range(0, len(body), chunk):
                self.wfile.write(body[i:i + chunk])
                self.wfile.flush()
                time.sleep(chunk / pace)
            return
        self.send(status, body, headers, "application/octet-stream")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", action="append", default=[], help="ID=DIR[:fault,fault]")
    ap.add_argument("--log", help="append one JSON line per request here")
    ap.add_argument("--token", default="hf_mirror_token", help="the token gated repos accept")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    STATE.log = args.log
    STATE.token = args.token
    for spec in args.repo:
        repo_id, _, rest = spec.partition("=")
        folder, _, faults = rest.partition(":")
        STATE.repos[repo_id] = Repo(repo_id, folder, [x for x in faults.split(",") if x])
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
