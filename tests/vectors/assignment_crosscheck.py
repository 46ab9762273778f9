#!/usr/bin/env python3
"""Independent re-implementation of docs/spec/assignment.md (v1).

Reads tests/vectors/assignment.json, recomputes every case from its inputs
with the ChaCha20 of pyca/cryptography, and compares with the expected
teams or error. Written from the specification, not from the Rust code.

    pip install cryptography
    python3 tests/vectors/assignment_crosscheck.py [tests/vectors/assignment.json]

Exit status 0 when every case matches. With --print, prints the computed
results as JSON instead of comparing.
"""

import json
import struct
import sys
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

ASSIGNMENT_STREAM = 16
MASK = (1 << 64) - 1


class Words:
    """u64 words of ChaCha20(key=seed), 16-byte IV = u64_le(block 0) || u64_le(stream)."""

    def __init__(self, seed: bytes, stream: int):
        iv = struct.pack("<QQ", 0, stream)
        self.enc = Cipher(algorithms.ChaCha20(seed, iv), mode=None).encryptor()
        self.used = 0

    def next(self) -> int:
        self.used += 1
        return struct.unpack("<Q", self.enc.update(b"\0" * 8))[0]


def uniform(words: Words, m: int) -> int:
    assert 1 <= m <= MASK
    limit = (1 << 64) - ((1 << 64) % m)  # largest multiple of m not above 2^64
    while True:
        x = words.next()
        if x < limit:
            return x % m


def b(s: str) -> bytes:
    return s.encode("utf-8")


def covers(jurisdiction: str, region: str) -> bool:
    return jurisdiction != "" and b(region).startswith(b(jurisdiction))


def cert_valid(insp, date: str) -> bool:
    # ISO dates compare correctly as text.
    f, t = insp.get("cert_valid_from"), insp.get("cert_valid_to")
    return (f is None or f <= date) and (t is None or date <= t)


class Fail(Exception):
    def __init__(self, value):
        super().__init__(value)
        self.value = value


def rules_error(rule, **fields):
    return Fail({"kind": "rules", "rule": rule, **fields})


def assign(case):
    seed = bytes.fromhex(case["seed"])
    date = case["date"]
    rules = case["rules"]
    team_size = rules["team_size"]
    D = [rules["initiating_department"]] + list(rules.get("participating_departments", []))
    T = sorted(set(rules.get("required_expertise", [])), key=b)
    cap = rules.get("workload_cap")
    cross = rules.get("jurisdiction", "any-jurisdiction") == "cross-jurisdiction"
    rotation = rules.get("rotation", "off") == "avoid-previous-team"
    history = case.get("history")

    reg = sorted(case["inspectors"], key=lambda i: b(i["id"]))
    ids = {insp["id"]: n for n, insp in enumerate(reg)}

    # 4. Rule checks, in order.
    if team_size < 2:
        raise rules_error("team-size-below-two", team_size=team_size)
    for pos, d in enumerate(D):
        if d == "":
            raise rules_error("empty-department", position=pos)
    if any(t == "" for t in T):
        raise rules_error("empty-expertise")
    seen = set()
    for d in D:
        if d in seen:
            raise rules_error("repeated-department", department=d)
        seen.add(d)
    if team_size < len(D):
        raise rules_error("too-small-for-departments", team_size=team_size, departments=len(D))
    if team_size < len(D) + len(T):
        raise rules_error("too-small-for-expertise", team_size=team_size, departments=len(D), tags=len(T))
    if cap == 0:
        raise rules_error("zero-workload-cap")
    if rotation and history is None:
        raise rules_error("history-missing")
    for d in D:
        if not any(i["department"] == d for i in reg):
            raise rules_error("department-not-in-register", department=d)
    task = [n for n, i in enumerate(reg) if i["department"] in D]
    for t in T:
        if not any(t in reg[n]["expertise"] for n in task):
            raise rules_error("no-holder-of-expertise", tag=t)
    if team_size > len(task):
        raise rules_error("team-larger-than-departments", team_size=team_size, inspectors=len(task))
    drawn = case["entities"]
    if cap is not None:
        V = sum(1 for n in task if cert_valid(reg[n], date))
        if team_size * len(drawn) > cap * V:
            raise rules_error("capacity-too-low", places=team_size * len(drawn), capacity=cap * V, inspectors=V)
    seen = set()
    for e in drawn:
        if e["uscc"] in seen:
            raise Fail({"kind": "duplicate-entity", "uscc": e["uscc"]})
        seen.add(e["uscc"])
    if cross:
        for e in drawn:
            if e["region"] == "":
                raise Fail({"kind": "region-unknown", "uscc": e["uscc"]})

    conflicted = {(c["inspector_id"], c["uscc"]) for c in case.get("conflicts", [])}
    prev = {}
    if rotation:
        for h in history:
            prev.setdefault(h["uscc"], set()).update(h["inspectors"])

    # 5. Eligibility, failing-rule flags in breakdown order.
    def flags(n, e):
        i = reg[n]
        return {
            "expired": not cert_valid(i, date),
            "conflicted": (i["id"], e["uscc"]) in conflicted,
            "same_jurisdiction": cross and covers(i["region"], e["region"]),
            "rotation": rotation and i["id"] in prev.get(e["uscc"], set()),
        }

    def eligible(n, e):
        return not any(flags(n, e).values())

    # 6. Serving order: a plain scan, deliberately unlike the Rust counting.
    E = [sum(1 for n in task if eligible(n, e)) for e in drawn]
    order = sorted(range(len(drawn)), key=lambda p: (E[p], p))

    # 7. Filling.
    words = Words(seed, ASSIGNMENT_STREAM)
    load = [0] * len(reg)
    teams = [None] * len(drawn)
    for p in order:
        e = drawn[p]
        team = []

        def fill(kind, value, cand_list):
            C = [n for n in cand_list
                 if n not in team and eligible(n, e) and (cap is None or load[n] < cap)]
            if not C:
                raise Fail({"kind": "no-team", "uscc": e["uscc"],
                            "slot": slot_json(kind, value),
                            "reason": diagnose(kind, value, cand_list, e, team)})
            m = min(load[n] for n in C)
            L = [n for n in C if load[n] == m]
            pick = L[uniform(words, len(L))]
            load[pick] += 1
            team.append(pick)

        def diagnose(kind, value, cand_list, e, team):
            bd = dict(total=0, on_team=0, expired=0, conflicted=0,
                      same_jurisdiction=0, rotation=0, at_cap=0)
            only_conf = only_cap = 0
            for n in cand_list:
                bd["total"] += 1
                if n in team:
                    bd["on_team"] += 1
                    continue
                f = flags(n, e)
                f["at_cap"] = cap is not None and load[n] >= cap
                for k in ["expired", "conflicted", "same_jurisdiction", "rotation", "at_cap"]:
                    if f[k]:
                        bd[k] += 1
                        break
                if f["conflicted"] and not any(f[k] for k in f if k != "conflicted"):
                    only_conf += 1
                if f["at_cap"] and not any(f[k] for k in f if k != "at_cap"):
                    only_cap += 1
            if only_conf:
                return {"binding": "all-conflicted", "conflicted": only_conf}
            if cap is not None and only_cap:
                return {"binding": "capacity-exhausted", "cap": cap, "at_cap": only_cap}
            if kind == "department":
                return {"binding": "department-has-nobody-eligible", "department": value, "breakdown": bd}
            if kind == "expertise":
                return {"binding": "nobody-with-expertise", "tag": value, "breakdown": bd}
            return {"binding": "too-few-eligible", "needed": team_size, "available": E[p], "breakdown": bd}

        for d in D:
            fill("department", d, [n for n in range(len(reg)) if reg[n]["department"] == d])
        for t in T:
            if any(t in reg[n]["expertise"] for n in team):
                continue
            fill("expertise", t, [n for n in task if t in reg[n]["expertise"]])
        while len(team) < team_size:
            fill("any", None, task)
        teams[p] = {"uscc": e["uscc"], "inspectors": [reg[n]["id"] for n in team]}
    return {"teams": teams, "words_used": words.used}


def slot_json(kind, value):
    if kind == "department":
        return {"kind": "department", "department": value}
    if kind == "expertise":
        return {"kind": "expertise", "tag": value}
    return {"kind": "any"}


def run(case):
    try:
        return assign(case)
    except Fail as f:
        return {"error": f.value}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else Path(__file__).with_name("assignment.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    if "--print" in sys.argv:
        print(json.dumps([{"case": c["case"], **run(c)} for c in doc["cases"]],
                         ensure_ascii=False, indent=1))
        return 0
    bad = 0
    for c in doc["cases"]:
        got = run(c)
        exp = c["expected"]
        ok = got.get("error") == exp.get("error") and got.get("teams") == exp.get("teams")
        print(f"case {c['case']}: {'ok' if ok else 'MISMATCH'}")
        if not ok:
            bad += 1
            print(json.dumps(got, ensure_ascii=False), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
