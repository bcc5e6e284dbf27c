"""A local stand-in for the WeChat server endpoints MedPool uses (WeChat is unreachable here).

jscode2session behaves like WeChat's: success has no errcode and is served as text/plain, a code works
once (40163 on reuse), wrong AppID/AppSecret give 40013/40125. Codes for scripts and tests:
  test:<openid>    always resolves to that openid (reusable)
  fail:<errcode>   answers that errcode (e.g. fail:-1, fail:45011)
  anything else    a stable openid derived from the code, usable once
"""
from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from medpool.config import LOCAL_WECHAT_APPID, LOCAL_WECHAT_SECRET


def derived_openid(code: str) -> str:
    return "o" + hashlib.sha256(code.encode()).hexdigest()[:27]


class WeChatStandIn:
    """The stand-in's state: credentials it accepts, codes already used, calls received."""

    def __init__(self, appid: str = LOCAL_WECHAT_APPID, secret: str = LOCAL_WECHAT_SECRET):
        self.appid, self.secret = appid, secret
        self.used_codes: set[str] = set()
        self.calls: list[dict] = []
        self.lock = threading.Lock()

    def jscode2session(self, query: dict[str, str]) -> dict:
        if query.get("appid") != self.appid:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if query.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        code = query.get("js_code", "")
        if query.get("grant_type") != "authorization_code" or not code:
            return {"errcode": 40029, "errmsg": "invalid code"}
        if code.startswith("fail:"):
            return {"errcode": int(code[5:]), "errmsg": "simulated failure"}
        if code.startswith("test:") and len(code) > 5:
            openid = code[5:]
        else:
            with self.lock:
                if code in self.used_codes:
                    return {"errcode": 40163, "errmsg": "code been used"}
                self.used_codes.add(code)
            openid = derived_openid(code)
        return {"openid": openid, "unionid": "u" + openid[1:] if openid.startswith("o") else None,
                "session_key": secrets.token_urlsafe(16)}

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        with self.lock:
            self.calls.append({"method": method, "path": path, "query": query})
        if method == "GET" and path == "/sns/jscode2session":
            payload = {k: v for k, v in self.jscode2session(query).items() if v is not None}
            return 200, "text/plain", json.dumps(payload).encode()
        return 404, "application/json", json.dumps({"errcode": 404, "errmsg": "not found"}).encode()


def _handler_for(state: WeChatStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlparse(self.path)
            query = {key: values[-1] for key, values in parse_qs(url.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            status, content_type, payload = state.handle(self.command, url.path, query, self.rfile.read(length))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, *args: object) -> None:  # quiet
            pass

    return Handler


def serve(port: int = 0, state: WeChatStandIn | None = None) -> tuple[ThreadingHTTPServer, WeChatStandIn]:
    """Start the stand-in on 127.0.0.1:port in a daemon thread (port 0: a free one)."""
    state = state or WeChatStandIn()
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(state))
    threading.Thread(target=server.serve_forever, daemon=True, name="wechat-standin").start()
    return server, state


def main() -> None:
    parser = argparse.ArgumentParser(description="Local WeChat server stand-in")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    server, _ = serve(args.port)
    print(f"WeChat stand-in on http://127.0.0.1:{server.server_port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
