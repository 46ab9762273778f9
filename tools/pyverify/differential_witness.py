#!/usr/bin/env python3
"""Witness probes (docs/spec/witness.md §8): this verifier against the bundled
CLI as a black box, on the witness vectors at thresholds 1-3 and on
cosignature files made here with the TEST ONLY witness keys (line length at
the 64 KiB bound, several signatures, times at T, heads beyond the chain,
another log). Prints both sides' witness findings; a difference in verdict,
checks or severities is a disagreement. Not run in CI.

    python3 tools/pyverify/differential_witness.py [path/to/double-random]
"""
import base64
import contextlib
import io
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
os.chdir(ROOT)
import drcore as C  # noqa: E402
import drverify as V  # noqa: E402
from nacl.signing import SigningKey  # noqa: E402

B = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "double-random")
W = "tests/vectors/v2/witness"
CHECKS = ("commitment-witnessed", "cosignature", "rollback", "fork")
disagreements = 0


def both(args):
    r = subprocess.run([B, "verify"] + args + ["--json"], capture_output=True, text=True)
    rr = json.loads(r.stdout)["report"]
    rust = sorted((f["check"], f["severity"]) for f in rr["findings"] if f["check"] in CHECKS)
    rw = [(w["commitment_sequence"], w["randomness_time"],
           sorted((x["key_id"], x["time"], x["sequence"]) for x in w["witnesses"]))
          for w in rr["witnessed"]]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = V.main(args + ["--json"])
    py = json.loads(buf.getvalue())
    # this verifier reports a check found right as "ok"; the CLI as a note
    pyf = sorted((f["check"], {"ok": "note"}.get(f["level"], f["level"]))
                 for f in py["findings"] if f["check"] in CHECKS)
    pw = [(w["commitment_sequence"], w["randomness_time"],
           sorted((x["key_id"], x["time"], x["sequence"]) for x in w["witnesses"]))
          for w in py["witnessed"]]
    return (r.returncode, rust, rw), (rc, pyf, pw)


def probe(name, args):
    global disagreements
    rust, py = both(args)
    same = rust == py
    disagreements += not same
    print(f"{'same' if same else 'DIFF'} {name}: {rust[0]} {rust[1]}"
          + ("" if same else f"\n     pyverify: {py[0]} {py[1]}\n     {rust[2]}\n     {py[2]}"))


def vector_probes():
    for c in json.load(open(W + "/cases.json"))["cases"]:
        for th in (1, 2, 3):
            args = ["--chain", f"{W}/{c['chain']}", "--public-key", f"{W}/{c['issuer']}",
                    "--cosignatures", f"{W}/{c['cosignatures']}", "--witness-threshold", str(th)]
            for k in c["trusted"]:
                args += ["--witness-key", f"{W}/{k}"]
            probe(f"vector {c['name']}, threshold {th}", args)


def secret(name):
    lines = open(f"{W}/{name}", encoding="utf-8").read().split("\n")
    return lines[1][len("issuer: "):], SigningKey(C.b64decode_strict(lines[2][len("secret: "):]))


def made_probes(tmp):
    issuer = V.parse_public_key_file(open(f"{W}/issuer.pub", "rb").read())
    ids = V.verify_chain(open(f"{W}/chain.jsonl", "rb").read(), issuer, None, "chain").accepted_ids
    r0, r2 = next(iter(ids[0])), next(iter(ids[2]))
    an, ask = secret("witness-a.key")
    bn, bsk = secret("witness-b.key")
    un, usk = secret("untrusted.key")
    mine = {"issuer": issuer["issuer"], "key_id": issuer["key_id"], "kind": "receipts"}

    def statement(wname, sk, seq=0, rec=None, time="2024-06-01T08:00:05Z", log=None):
        return {"log": log or mine, "head": {"sequence": str(seq), "record": rec or r0},
                "witness": {"name": wname, "key_id": C.key_id(bytes(sk.verify_key))},
                "time": time}

    def envelope(st, *sks, compact=True):
        pl = json.dumps(st, separators=(",", ":") if compact else None,
                        ensure_ascii=False).encode()
        return json.dumps({"payload": base64.b64encode(pl).decode(), "payloadType": V.T_COSIG,
                           "signatures": [{"keyid": C.key_id(bytes(sk.verify_key)),
                                           "sig": base64.b64encode(
                                               sk.sign(C.pae(V.T_COSIG, pl)).signature).decode()}
                                          for sk in sks]}, separators=(",", ":")).encode()

    def run(name, lines, extra=(), chain="chain.jsonl"):
        path = os.path.join(tmp, name + ".jsonl")
        open(path, "wb").write(b"".join(lines))
        probe(name, ["--chain", f"{W}/{chain}", "--public-key", f"{W}/issuer.pub",
                     "--cosignatures", path, "--witness-key", f"{W}/witness-a.pub",
                     "--witness-key", f"{W}/witness-b.pub", *extra])

    a0 = envelope(statement(an, ask), ask)
    b0 = envelope(statement(bn, bsk), bsk)

    def pad(line, n):
        return line + b" " * (n - len(line))
    two = ["--witness-threshold", "2"]
    run("line of 65536 bytes", [pad(a0, 65536) + b"\n", b0 + b"\n"], two)
    run("line of 65537 bytes", [pad(a0, 65537) + b"\n", b0 + b"\n"], two)
    run("line of 65536 bytes + CRLF", [pad(a0, 65536) + b"\r\n", b0 + b"\n"], two)
    run("untrusted signature, then trusted", [envelope(statement(an, ask), usk, ask) + b"\n"])
    run("two trusted signatures, the first not the named witness",
        [envelope(statement(an, ask), bsk, ask) + b"\n"])
    run("two trusted signatures, the second not the named witness",
        [envelope(statement(an, ask), ask, bsk) + b"\n"])
    run("one key signing twice", [envelope(statement(an, ask), ask, ask) + b"\n"])
    run("time equal to T", [envelope(statement(an, ask, time="2024-06-03T02:00:00Z"), ask) + b"\n"])
    run("time one second before T",
        [envelope(statement(an, ask, time="2024-06-03T01:59:59Z"), ask) + b"\n"])
    run("a later head counts", [envelope(statement(an, ask, 2, r2, "2024-06-03T01:00:00Z"),
                                         ask) + b"\n"])
    run("head beyond the chain", [envelope(statement(an, ask, 99, r2, "2024-06-03T01:00:00Z"),
                                           ask) + b"\n"])
    run("another issuer name", [envelope(statement(an, ask, log=dict(mine, issuer="X")),
                                         ask) + b"\n"])
    run("untrusted and another log", [envelope(statement(un, usk, log=dict(mine, issuer="X")),
                                               usk) + b"\n"])
    run("payload not compact", [envelope(statement(an, ask), ask, compact=False) + b"\n"])
    run("threshold 0", [a0 + b"\n"], ["--witness-threshold", "0"])


if __name__ == "__main__":
    import tempfile
    vector_probes()
    with tempfile.TemporaryDirectory() as tmp:
        made_probes(tmp)
    print(f"{disagreements} disagreement(s)")
    sys.exit(1 if disagreements else 0)
