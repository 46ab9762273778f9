#!/usr/bin/env python3
"""Independent check of the envelope vectors, written from docs/spec/envelope.md.

Uses PyNaCl (libsodium) for Ed25519, not the Rust library:

    pip install pynacl
    python3 tests/vectors/envelope/cross_check.py

libsodium's crypto_sign_verify_detached rejects S >= L, small-order R and
small-order or non-canonical public keys, like ed25519-dalek's verify_strict.
Only verdicts are compared; error kinds are informative.
"""

import base64
import binascii
import hashlib
import json
import pathlib
import re
import sys

import nacl.exceptions
import nacl.signing

HERE = pathlib.Path(__file__).resolve().parent
STD_B64 = re.compile(r"\A(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\Z")
KEYID = re.compile(r"\A[0-9a-f]{64}\Z")
P = 2**255 - 19
SMALL_ORDER = {
    bytes.fromhex(h)
    for h in (
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    )
}


def check_public_key(public):
    """Canonical encoding and not small order (spec: "Public keys")."""
    n = int.from_bytes(public, "little")
    y, sign = n & ((1 << 255) - 1), n >> 255
    if y >= P or (sign and y in (1, P - 1)):
        raise Reject("key: non-canonical encoding")
    if public in SMALL_ORDER:
        raise Reject("key: weak (small order)")
    # Whether y is on the curve at all is left to libsodium at verification.


class Reject(Exception):
    pass


def b64(text):
    if not isinstance(text, str) or not STD_B64.match(text):
        raise Reject("decode: base64 alphabet/padding")
    data = base64.b64decode(text, validate=True)
    if base64.b64encode(data).decode() != text:
        raise Reject("decode: non-canonical base64 (pad bits)")
    return data


def pae(payload_type, payload):
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def key_id(public):
    return hashlib.sha256(b"double-random/keyid/v1" + public).hexdigest()


def parse_public_key_file(text):
    if not text.endswith("\n") or "\r" in text:
        raise Reject("key: line endings")
    lines = text[:-1].split("\n")
    if len(lines) != 4 or lines[0] != "double-random-public-key-v1":
        raise Reject("key: header/lines")
    labels = ["issuer: ", "key: ", "key-id: "]
    values = []
    for line, label in zip(lines[1:], labels):
        if not line.startswith(label):
            raise Reject("key: label")
        values.append(line[len(label):])
    _issuer, key_b64, stated_id = values
    public = b64(key_b64)
    if len(public) != 32:
        raise Reject("key: length")
    check_public_key(public)
    if stated_id != key_id(public):
        raise Reject("key: key-id mismatch")
    return public


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Reject("decode: duplicate member")
    return dict(pairs)


def decode(text):
    try:
        obj = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as e:
        raise Reject(f"decode: json ({e.msg})")
    if not isinstance(obj, dict) or set(obj) != {"payload", "payloadType", "signatures"}:
        raise Reject("decode: members")
    if not isinstance(obj["payloadType"], str) or not isinstance(obj["signatures"], list):
        raise Reject("decode: types")
    payload = b64(obj["payload"])
    if not obj["signatures"]:
        raise Reject("decode: no signatures")
    sigs = []
    for s in obj["signatures"]:
        if not isinstance(s, dict) or set(s) != {"keyid", "sig"}:
            raise Reject("decode: signature members")
        if not isinstance(s["keyid"], str) or not KEYID.match(s["keyid"]):
            raise Reject("decode: keyid format")
        sig = b64(s["sig"])
        if len(sig) != 64:
            raise Reject("decode: signature length")
        sigs.append((s["keyid"], sig))
    return obj["payloadType"], payload, sigs


def verify(vector):
    public = parse_public_key_file(vector["key"]["public_key_file"])
    if binascii.hexlify(public).decode() != vector["key"]["public_key_hex"]:
        raise AssertionError("public_key_hex mismatch")
    payload_type, payload, sigs = decode(vector["envelope"])
    if payload_type != vector["expected_payload_type"]:
        raise Reject("verify: payload type mismatch")
    mine = [sig for kid, sig in sigs if kid == key_id(public)]
    if not mine:
        raise Reject("verify: no signature for key")
    if len(mine) > 1:
        raise Reject("verify: duplicate keyid")
    try:
        nacl.signing.VerifyKey(public).verify(pae(payload_type, payload), mine[0])
    except nacl.exceptions.BadSignatureError:
        raise Reject("verify: bad signature")
    return payload_type, payload


def main():
    failures = 0
    files = sorted(HERE.glob("*.json"))
    for path in files:
        vector = json.loads(path.read_text(encoding="utf-8"))
        try:
            payload_type, payload = verify(vector)
            got, why = "accept", ""
            if "pae_hex" in vector:
                assert pae(payload_type, payload).hex() == vector["pae_hex"]
            if "record_id" in vector:
                assert hashlib.sha256(pae(payload_type, payload)).hexdigest() == vector["record_id"]
        except Reject as e:
            got, why = "reject", str(e)
        ok = got == vector["verdict"]
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {path.stem:24} {got:6} {why}")
    # The signing side: PyNaCl from the published TEST ONLY seed gives the
    # same deterministic signature.
    valid = json.loads((HERE / "valid.json").read_text(encoding="utf-8"))
    sk = nacl.signing.SigningKey(bytes.fromhex(valid["secret_seed_hex"]))
    assert sk.verify_key.encode().hex() == valid["key"]["public_key_hex"]
    assert sk.sign(bytes.fromhex(valid["pae_hex"])).signature.hex() == valid["signature_hex"]
    # libsodium on its own also refuses the small-order forgery.
    weak = json.loads((HERE / "small-order-key.json").read_text(encoding="utf-8"))
    payload_type, payload, sigs = decode(weak["envelope"])
    try:
        nacl.signing.VerifyKey(bytes.fromhex(weak["key"]["public_key_hex"])).verify(
            pae(payload_type, payload), sigs[0][1]
        )
        raise AssertionError("libsodium accepted the small-order forgery")
    except nacl.exceptions.BadSignatureError:
        pass
    print(f"{len(files)} vectors, {failures} failures; PyNaCl re-signing matches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
