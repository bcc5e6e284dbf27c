"""The HS256 token codec the sessions use agrees with PyJWT both ways and refuses what PyJWT refuses."""
import base64
import json
import time

import jwt
import pytest

from medpool import hs256

KEY = "a-signing-key-of-at-least-thirty-two-bytes"
AUD, ISS = "local", "medpool"


def _claims(**overrides) -> dict:
    now = int(time.time())
    claims = {"iss": ISS, "aud": AUD, "sub": "u1", "typ": "session", "iat": now, "exp": now + 60, **overrides}
    return {name: value for name, value in claims.items() if value is not None}


def _decode(token, **kwargs):
    return hs256.decode(token, KEY, audience=AUD, issuer=ISS, require=("exp", "sub", "typ"), **kwargs)


def _part(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_tokens_are_interchangeable_with_pyjwt():
    claims = _claims(ver=3, uid="union-1")
    assert _decode(jwt.encode(claims, KEY, algorithm="HS256")) == claims
    assert jwt.decode(hs256.encode(claims, KEY), KEY, algorithms=["HS256"], audience=AUD, issuer=ISS) == claims
    assert _decode(jwt.encode(_claims(aud=["other", AUD]), KEY, algorithm="HS256"))["sub"] == "u1"


def _resigned(token: str, header: dict) -> str:
    """The token's payload under another header, signed with the right key (algorithm confusion)."""
    import hashlib
    import hmac
    _, payload, _ = token.split(".")
    head = _part(header)
    signature = hmac.new(KEY.encode(), f"{head}.{payload}".encode(), hashlib.sha256).digest()
    return f"{head}.{payload}.{_part(signature)}"


GOOD = jwt.encode(_claims(exp=int(time.time()) + 3600), KEY, algorithm="HS256")
REFUSED = {
    "other key": jwt.encode(_claims(), "another-key-of-at-least-thirty-two-bytes", algorithm="HS256"),
    "HS512, same key": jwt.encode(_claims(), KEY + KEY, algorithm="HS512"),
    "alg none": f"{_part({'alg': 'none', 'typ': 'JWT'})}.{_part(_claims())}.",
    "alg none, signature kept": f"{_part({'alg': 'none'})}.{GOOD.split('.')[1]}.{GOOD.split('.')[2]}",
    "header without alg": _resigned(GOOD, {"typ": "JWT"}),
    "payload changed": f"{GOOD.split('.')[0]}.{_part(_claims(sub='admin'))}.{GOOD.split('.')[2]}",
    "signature truncated": GOOD[:-2],
    "signature of another length": GOOD + "A",
    "wrong audience": jwt.encode(_claims(aud="prod"), KEY, algorithm="HS256"),
    "no audience": jwt.encode(_claims(aud=None), KEY, algorithm="HS256"),
    "wrong issuer": jwt.encode(_claims(iss="someone"), KEY, algorithm="HS256"),
    "no exp": jwt.encode(_claims(exp=None), KEY, algorithm="HS256"),
    "no sub": jwt.encode(_claims(sub=None), KEY, algorithm="HS256"),
    "exp not a number": jwt.encode(_claims(exp="soon"), KEY, algorithm="HS256"),
    "exp true": jwt.encode(_claims(exp=True), KEY, algorithm="HS256"),
    "issued in the future": jwt.encode(_claims(iat=int(time.time()) + 600), KEY, algorithm="HS256"),
    "not before the future": jwt.encode(_claims(nbf=int(time.time()) + 600), KEY, algorithm="HS256"),
    "payload a list": _resigned(f"x.{_part([1, 2])}.x", {"alg": "HS256"}),
    "payload not JSON": _resigned(f"x.{_part(b'not json')}.x", {"alg": "HS256"}),
    "header not JSON": f"{_part(b'{')}.{GOOD.split('.')[1]}.{GOOD.split('.')[2]}",
    "two parts": ".".join(GOOD.split(".")[:2]),
    "padding": GOOD + "==",
    "not base64url": GOOD.replace(".", ".+", 1),
    "empty": "",
    "not a string": None,
}


@pytest.mark.parametrize("case", REFUSED)
def test_refused(case):
    assert _decode(GOOD)["sub"] == "u1"  # the reference is accepted: each case's change is what is refused
    with pytest.raises(hs256.InvalidToken) as refused:
        _decode(REFUSED[case])
    assert not isinstance(refused.value, hs256.ExpiredToken)


def test_expired_is_told_apart():
    now = int(time.time())
    with pytest.raises(hs256.ExpiredToken):
        _decode(jwt.encode(_claims(iat=now - 120, exp=now - 1), KEY, algorithm="HS256"))
    with pytest.raises(hs256.ExpiredToken):
        _decode(jwt.encode(_claims(iat=now - 120, exp=now), KEY, algorithm="HS256"))  # exp itself is past
