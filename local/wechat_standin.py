"""A local stand-in for the WeChat server endpoints MedPool uses (WeChat is unreachable here).

jscode2session behaves like WeChat's: success has no errcode and is served as text/plain, a code works
once (40163 on reuse), wrong AppID/AppSecret give 40013/40125. Codes for scripts and tests:
  test:<openid>    always resolves to that openid (reusable)
  fail:<errcode>   answers that errcode (e.g. fail:-1, fail:45011)
  anything else    a stable openid derived from the code, usable once

cgi-bin/stable_token and cgi-bin/message/subscribe/send behave like WeChat's too: a token lasts
7200 s, normal mode returns the valid one, force_refresh replaces it; a send with a stale token gets
40001/42001, values too long for their keyword type get 47003. Tests steer it: `expire_tokens()`,
`send_errcode` (answer every send with it), `down` (HTTP 503, no JSON), `not_subscribed` (openids
answered 43101), `send_delay` (seconds every subscribe-message send takes to answer, after the message
is received: WeChat on a bad day; default MEDPOOL_STANDIN_SEND_DELAY, 0); `sent` keeps every accepted
message (`sent_times` when each arrived, time.time()) and `token_requests` every token request.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import re
import threading
import time
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
        self.reset_messages()

    def reset_messages(self) -> None:
        """Forget tokens and messages; stop failing (tests call it first)."""
        self.token: str | None = None
        self.token_expires_at = 0.0
        self.retired_tokens: set[str] = set()
        self.token_requests: list[dict] = []
        self.sent: list[dict] = []
        self.sent_times: list[float] = []
        self.send_delay = float(os.environ.get("MEDPOOL_STANDIN_SEND_DELAY", "0") or 0)
        self.rejected: list[dict] = []
        self.send_errcode = 0
        self.down = False
        self.not_subscribed: set[str] = set()
        self.codes: list[dict] = []

    def expire_tokens(self) -> None:
        """The current access token expires now (calls with it get 42001)."""
        with self.lock:
            if self.token:
                self.retired_tokens.add(self.token)
            self.token, self.token_expires_at = None, 0.0

    def stable_token(self, body: dict) -> dict:
        if body.get("appid") != self.appid:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if body.get("secret") != self.secret:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        if body.get("grant_type") != "client_credential":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        with self.lock:
            self.token_requests.append({"force_refresh": bool(body.get("force_refresh"))})
            now = time.monotonic()
            if body.get("force_refresh") or not self.token or now >= self.token_expires_at:
                if self.token:
                    self.retired_tokens.add(self.token)
                self.token, self.token_expires_at = "AT" + secrets.token_hex(16), now + 7200
            return {"access_token": self.token, "expires_in": int(self.token_expires_at - now)}

    def _token_error(self, token: str) -> dict | None:
        if token in self.retired_tokens:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        if not token or token != self.token:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        return None

    def unlimited_code(self, query: dict[str, str], body: dict) -> tuple[str, bytes]:
        """wxa/getwxacodeunlimit: an image on success, JSON on error. The stand-in draws a plain QR code
        of `<page>?scene=<scene>` (a real mini program code is a WeChat-drawn image)."""
        with self.lock:
            error = self._token_error(query.get("access_token", ""))
        scene = body.get("scene")
        if error is None and (not isinstance(scene, str) or not 1 <= len(scene) <= 32):
            error = {"errcode": 40169, "errmsg": "invalid length for scene, or the data is not json string"}
        if error is not None:
            return "application/json", json.dumps(error).encode()
        import io

        import segno

        image = io.BytesIO()
        segno.make(f"{body.get('page') or ''}?scene={scene}", error="m").save(image, kind="png", scale=6, border=2)
        with self.lock:
            self.codes.append(body)
        return "image/png", image.getvalue()

    def subscribe_send(self, query: dict[str, str], body: dict) -> dict:
        answer = self._subscribe_send(query, body)
        if self.send_delay > 0:
            time.sleep(self.send_delay)
        return answer

    def _subscribe_send(self, query: dict[str, str], body: dict) -> dict:
        token = query.get("access_token", "")
        with self.lock:
            error = self._token_error(token)
            if error is not None:
                return error
            if self.send_errcode:
                return {"errcode": self.send_errcode, "errmsg": "simulated failure"}
            if not body.get("touser") or not body.get("template_id") or not isinstance(body.get("data"), dict):
                return {"errcode": 47001, "errmsg": "data format error"}
            if body["touser"] in self.not_subscribed:
                self.rejected.append(body)
                return {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
            if not all(_fits(key, (value or {}).get("value")) for key, value in body["data"].items()):
                self.rejected.append(body)
                return {"errcode": 47003, "errmsg": "argument invalid! data.thing1.value invalid"}
            self.sent.append(body)
            self.sent_times.append(time.time())
        return {"errcode": 0, "errmsg": "ok"}

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
        if path.startswith("/cgi-bin/") and self.down:
            return 503, "text/html", b"<html>503 Service Unavailable</html>"
        if method == "POST" and path in ("/cgi-bin/stable_token", "/cgi-bin/message/subscribe/send"):
            try:
                payload = json.loads(body or b"{}")
            except ValueError:
                return 200, "application/json", json.dumps({"errcode": 47001, "errmsg": "data format error"}).encode()
            answer = self.stable_token(payload) if path.endswith("stable_token") else self.subscribe_send(query, payload)
            return 200, "application/json", json.dumps(answer).encode()
        if method == "POST" and path == "/wxa/getwxacodeunlimit":
            try:
                payload = json.loads(body or b"{}")
            except ValueError:
                payload = {}
            return (200, *self.unlimited_code(query, payload))
        if method == "GET" and path == "/sns/jscode2session":
            payload = {k: v for k, v in self.jscode2session(query).items() if v is not None}
            return 200, "text/plain", json.dumps(payload).encode()
        return 404, "application/json", json.dumps({"errcode": 404, "errmsg": "not found"}).encode()


LIMITS = {"thing": 20, "phrase": 5, "character_string": 32, "number": 32, "letter": 32, "name": 10}
TIME = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?|\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?|\d{1,2}:\d{2})$")


def _fits(keyword: str, value: object) -> bool:
    """WeChat's keyword-type rules (thing <= 20, phrase <= 5 Chinese characters, ...)."""
    if not isinstance(value, str) or not value:
        return False
    kind = re.sub(r"\d+$", "", keyword)
    if kind == "time" or kind == "date":
        return bool(TIME.match(value))
    if kind == "phrase" and not all("\u4e00" <= ch <= "\u9fff" for ch in value):
        return False
    if kind == "character_string" and not re.fullmatch(r"[A-Za-z0-9_.:#@/-]+", value):
        return False
    return len(value) <= LIMITS.get(kind, 20)


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
