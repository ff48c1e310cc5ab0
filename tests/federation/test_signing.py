"""The signing rules, without a database: the canonical string, and each refusal."""

import hashlib
import hmac

from federation import signing
from federation.signing import Signed, Verdict

SECRET = "s" * 43
BODY = b'{"v": 1, "kind": "incident.forward"}'
TS = 1_800_000_000
NONCE = "abcdefghijklmnop1234"


def _by_hand(secret: str, method: str, path: str, ts: int, nonce: str, body: bytes) -> str:
    """The documented canonical string, written out independently of the code."""
    text = (
        f"xinbao-federation-v1\n{method}\n{path}\n{ts}\n{nonce}\n"
        + hashlib.sha256(body).hexdigest()
    )
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def _signed(signature: str, ts: int = TS, nonce: str = NONCE) -> Signed:
    return Signed("city-a", ts, nonce, signature, "k" * 32)


def test_it_signs_the_documented_string() -> None:
    got = signing.sign(SECRET, "post", "/federation/inbox/", TS, NONCE, BODY)
    assert got == _by_hand(SECRET, "POST", "/federation/inbox/", TS, NONCE, BODY)


def test_it_accepts_a_fresh_request_signed_with_the_secret() -> None:
    sig = _by_hand(SECRET, "POST", "/federation/inbox/", TS, NONCE, BODY)
    verdict = signing.verify(_signed(sig), [SECRET], "POST", "/federation/inbox/", BODY, TS, 300)
    assert verdict is Verdict.OK


def test_it_refuses_a_wrong_secret() -> None:
    sig = _by_hand("x" * 43, "POST", "/federation/inbox/", TS, NONCE, BODY)
    verdict = signing.verify(_signed(sig), [SECRET], "POST", "/federation/inbox/", BODY, TS, 300)
    assert verdict is Verdict.BAD_SIGNATURE


def test_it_refuses_any_change_to_a_signed_part() -> None:
    sig = _by_hand(SECRET, "POST", "/federation/inbox/", TS, NONCE, BODY)
    path, body = "/federation/inbox/", BODY
    assert signing.verify(_signed(sig), [SECRET], "PUT", path, body, TS, 300) is not Verdict.OK
    assert signing.verify(_signed(sig), [SECRET], "POST", "/x/", body, TS, 300) is not Verdict.OK
    assert signing.verify(_signed(sig), [SECRET], "POST", path, body + b" ", TS, 300) is not (
        Verdict.OK
    )
    other_nonce = _signed(sig, nonce="zzzzzzzzzzzzzzzz")
    assert signing.verify(other_nonce, [SECRET], "POST", path, body, TS, 300) is not Verdict.OK
    other_ts = _signed(sig, ts=TS + 1)
    assert signing.verify(other_ts, [SECRET], "POST", path, body, TS, 300) is not Verdict.OK


def test_it_refuses_a_stale_timestamp_either_side_of_the_window() -> None:
    sig = _by_hand(SECRET, "POST", "/p/", TS, NONCE, BODY)
    assert signing.verify(_signed(sig), [SECRET], "POST", "/p/", BODY, TS + 300, 300) is Verdict.OK
    assert signing.verify(_signed(sig), [SECRET], "POST", "/p/", BODY, TS + 301, 300) is (
        Verdict.STALE
    )
    assert signing.verify(_signed(sig), [SECRET], "POST", "/p/", BODY, TS - 301, 300) is (
        Verdict.STALE
    )


def test_during_a_rotation_the_previous_secret_is_accepted_too() -> None:
    old, new = "o" * 43, "n" * 43
    sig = _by_hand(old, "POST", "/p/", TS, NONCE, BODY)
    assert signing.verify(_signed(sig), [new, old], "POST", "/p/", BODY, TS, 300) is Verdict.OK
    assert signing.verify(_signed(sig), [new], "POST", "/p/", BODY, TS, 300) is (
        Verdict.BAD_SIGNATURE
    )


def test_headers_round_trip_and_malformed_ones_are_none() -> None:
    headers = signing.signed_headers(SECRET, "city-a", "POST", "/p/", TS, BODY, "k" * 32)
    parsed = signing.parse_headers(headers)
    assert parsed is not None and parsed.office == "city-a" and parsed.timestamp == TS
    assert signing.verify(parsed, [SECRET], "POST", "/p/", BODY, TS, 300) is Verdict.OK
    for name in list(headers):
        assert signing.parse_headers({k: v for k, v in headers.items() if k != name}) is None
    assert signing.parse_headers({**headers, signing.TIMESTAMP_HEADER: "-5"}) is None
    assert signing.parse_headers({**headers, signing.NONCE_HEADER: "short"}) is None
    assert signing.parse_headers({**headers, signing.SIGNATURE_HEADER: "ab" * 31}) is None


def test_backoff_doubles_up_to_the_ceiling() -> None:
    assert [signing.backoff_seconds(n, 2, 30) for n in range(7)] == [0, 2, 4, 8, 16, 30, 30]


def test_only_the_inboxs_own_400_and_422_are_permanent() -> None:
    # The receiver read the message and will not file it as it is: stop.
    assert signing.is_permanent(400, "bad_body")
    assert signing.is_permanent(422, "not_filed")
    # A secret being rotated, a stale clock, a nonce clash, a server error: try again later.
    for status, code in ((401, "bad_signature"), (401, "stale"), (409, "replay"), (500, None)):
        assert not signing.is_permanent(status, code)
    # A 400 page from something in front of the inbox never read the message.
    assert not signing.is_permanent(400, None)
    assert not signing.is_permanent(0, None)  # no answer at all
