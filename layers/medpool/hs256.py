"""JSON Web Tokens signed with HS256 (RFC 7519 / RFC 7515), the only kind the sessions use: a small codec on
the standard library's hmac, so a cold start does not load PyJWT and, through it, cryptography (20 ms).
Its tokens and checks are PyJWT's (the tests mint tokens with PyJWT): the header must name HS256, the
signature is compared in constant time, `exp` / `iat` / `nbf` are integers checked against the real time."""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from typing import Any

ALGORITHM = "HS256"
FORMAT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")  # header.payload.signature


class InvalidToken(Exception):
    """Malformed, wrongly signed, not for this audience or issuer, missing a claim, not yet valid."""


class ExpiredToken(InvalidToken):
    """Well-formed and correctly signed, but past its `exp`."""


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:  # a length no base64 text has
        raise InvalidToken("bad base64") from error


def _sign(signing_input: bytes, key: str) -> bytes:
    return hmac.new(key.encode("utf-8"), signing_input, hashlib.sha256).digest()


def encode(claims: dict[str, Any], key: str) -> str:
    header = _b64encode(json.dumps({"alg": ALGORITHM, "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64encode(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    return f"{header}.{payload}.{_b64encode(_sign(signing_input, key))}"


def _json_object(part: str) -> dict:
    try:
        value = json.loads(_b64decode(part))
    except ValueError as error:  # bytes that are not UTF-8 JSON
        raise InvalidToken("not a JSON object") from error
    if not isinstance(value, dict):
        raise InvalidToken("not a JSON object")
    return value


def _integer(claims: dict, name: str) -> int:
    value = claims[name]
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(name)
        return int(value)
    except (TypeError, ValueError, OverflowError) as error:  # not a number, NaN, infinity
        raise InvalidToken(f"{name} must be an integer") from error


def decode(token: str, key: str, *, audience: str, issuer: str, require: tuple[str, ...] = ()) -> dict[str, Any]:
    """The claims of a token this key signed for `audience` by `issuer`, or InvalidToken / ExpiredToken."""
    if not isinstance(token, str) or not FORMAT.match(token):
        raise InvalidToken("not a JWS compact token")
    header, payload, signature = token.split(".")
    if _json_object(header).get("alg") != ALGORITHM:  # never "none", never another algorithm
        raise InvalidToken("unexpected algorithm")
    if not hmac.compare_digest(_b64decode(signature), _sign(f"{header}.{payload}".encode("ascii"), key)):
        raise InvalidToken("signature does not match")
    claims = _json_object(payload)
    for name in ("aud", "iss", *require):
        if name not in claims:
            raise InvalidToken(f"missing claim {name}")
    now = time.time()
    if "exp" in claims and _integer(claims, "exp") <= now:
        raise ExpiredToken("expired")
    for name in ("iat", "nbf"):
        if name in claims and _integer(claims, name) > now:
            raise InvalidToken(f"not valid yet ({name})")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if audience not in audiences:
        raise InvalidToken("wrong audience")
    if claims["iss"] != issuer:
        raise InvalidToken("wrong issuer")
    return claims
