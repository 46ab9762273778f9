#!/usr/bin/env python3
"""Independent re-implementation of docs/spec/assignment.md, Version 2.

Reads tests/vectors/v2/assignment.json, recomputes every case from its
inputs with the ChaCha20 of pyca/cryptography, and compares with the
expected teams or error. Written from the specification (Part II), not from
the Rust code; section numbers below are the specification's.

    pip install cryptography
    python3 tests/vectors/v2/assignment_crosscheck.py [tests/vectors/v2/assignment.json]

Exit status 0 when every case matches. With --print, prints the computed
results as JSON instead of comparing; with --trace N, prints every step of
case N (the words drawn, the picks, the searches and their moves).
"""

import json
import struct
import sys
from collections import deque
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

ASSIGNMENT_STREAM = 16
MASK = (1 << 64) - 1
MAX_PLACES = 64
MAX_DEPARTMENTS = 64
MAX_TAGS_PER_PLACE = 64
# Unicode White_Space (V2.4); Python's str.isspace differs (U+001C..U+001F).
WHITE_SPACE = set(
    [chr(c) for c in range(0x09, 0x0E)]
    + [" ", "\u0085", "\u00a0", "\u1680"]
    + [chr(c) for c in range(0x2000, 0x200B)]
    + ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
)

TRACE = False


def trace(*a):
    if TRACE:
        print(*a)


class Words:
    """u64 words of ChaCha20(key=seed), 16-byte IV = u64_le(block 0) || u64_le(stream)."""

    def __init__(self, seed: bytes, stream: int):
        iv = struct.pack("<QQ", 0, stream)
        self.enc = Cipher(algorithms.ChaCha20(seed, iv), mode=None).encryptor()
        self.used = 0

    def next(self) -> int:
        x = struct.unpack("<Q", self.enc.update(b"\0" * 8))[0]
        trace(f"    word {self.used}: {x}")
        self.used += 1
        return x


def uniform(words: Words, m: int) -> int:
    assert 1 <= m <= MASK
    limit = (1 << 64) - ((1 << 64) % m)  # largest multiple of m not above 2^64
    while True:
        x = words.next()
        if x < limit:
            return x % m


def b(s: str) -> bytes:
    return s.encode("utf-8")


def blank(s: str) -> bool:
    return all(ch in WHITE_SPACE for ch in s)


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


def check_rules(rules):
    """V2.4, checks 1 to 8, in order."""
    places = rules["places"]
    s = len(places)
    D = [rules["initiating_department"]] + list(rules["participating_departments"])
    if s < 2:
        raise rules_error("too-few-places", places=s)
    if s > MAX_PLACES:
        raise rules_error("too-many-places", places=s, max=MAX_PLACES)
    if len(D) > MAX_DEPARTMENTS:
        raise rules_error("too-many-departments", departments=len(D), max=MAX_DEPARTMENTS)
    for pos, d in enumerate(D):
        if blank(d):
            raise rules_error("blank-department", position=pos)
    for k, d in enumerate(D):
        if d in D[:k]:
            raise rules_error("repeated-department", department=d)
    for k, p in enumerate(places):
        if p["department"] is not None and p["department"] not in D:
            raise rules_error("place-department-not-in-task", place=k, department=p["department"])
        if len(p["expertise"]) > MAX_TAGS_PER_PLACE:
            raise rules_error("too-many-tags", place=k, tags=len(p["expertise"]), max=MAX_TAGS_PER_PLACE)
        if any(blank(t) for t in p["expertise"]):
            raise rules_error("blank-expertise", place=k)
    for d in D:
        if not any(p["department"] == d for p in places):
            raise rules_error("department-without-place", department=d)
    if rules["workload_cap"] == 0:
        raise rules_error("zero-workload-cap")


def assign(case):
    seed = bytes.fromhex(case["seed"])
    date = case["date"]
    rules = case["rules"]
    check_rules(rules)
    places = rules["places"]
    s = len(places)
    D = [rules["initiating_department"]] + list(rules["participating_departments"])
    cap = rules["workload_cap"]
    cross = rules["jurisdiction"] == "cross-jurisdiction"
    rotation = rules["rotation"] == "avoid-previous-team"
    history = case.get("history")
    if rotation and history is None:
        raise Fail({"kind": "history-missing"})
    drawn = case["entities"]
    seen = set()
    for e in drawn:
        if e["uscc"] in seen:
            raise Fail({"kind": "duplicate-entity", "uscc": e["uscc"]})
        seen.add(e["uscc"])
    if cross:
        for e in drawn:
            if e["region"] == "":
                raise Fail({"kind": "region-unknown", "uscc": e["uscc"]})

    # V2.3: canonical inspector order; tag sets.
    reg = sorted(case["inspectors"], key=lambda i: b(i["id"]))
    conflicted = {(c["inspector_id"], c["uscc"]) for c in case.get("conflicts", [])}
    prev = {}
    if rotation:
        for h in history:
            prev.setdefault(h["uscc"], set()).update(h["inspectors"])

    # V2.5: eligibility, rule by rule.
    def rule1(n, p):
        d = places[p]["department"]
        return reg[n]["department"] == d if d is not None else reg[n]["department"] in D

    def rule2(n, p):
        return all(t in reg[n]["expertise"] for t in set(places[p]["expertise"]))

    def entity_rules(n, e):
        """Rules 3..6 as (name, passes) in breakdown order."""
        i = reg[n]
        return [
            ("expired", cert_valid(i, date)),
            ("conflicted", (i["id"], e["uscc"]) not in conflicted),
            ("same_jurisdiction", not (cross and covers(i["region"], e["region"]))),
            ("rotation", not (rotation and i["id"] in prev.get(e["uscc"], set()))),
        ]

    def eligible_for_entity(n, e):
        return all(ok for _, ok in entity_rules(n, e))

    candidates = [[n for n in range(len(reg)) if rule1(n, p) and rule2(n, p)] for p in range(s)]

    # V2.7: the state. A place is (e, p), e the draw position.
    holder = {}
    load = [0] * len(reg)

    def under_cap(n):
        return cap is None or load[n] < cap

    def team_place(e, n):
        for q in range(s):
            if holder.get((e, q)) == n:
                return q
        return None

    def name(X):
        return f"{drawn[X[0]]['uscc']}#{X[1]}"

    def search(start):
        """V2.7 step 2; returns None on success, else (officers marked, places visited)."""
        queue = deque([start])
        visited = {start}
        order = [start]
        parent = {}
        marked = set()
        while queue:
            X = queue.popleft()
            e, p = X
            h = holder.get(X)
            for n in candidates[p]:
                if n == h or not eligible_for_entity(n, drawn[e]):
                    continue
                q = team_place(e, n)
                if q is not None:
                    Y = (e, q)
                    if Y not in visited:
                        visited.add(Y)
                        order.append(Y)
                        parent[Y] = X
                        queue.append(Y)
                    continue
                if n in marked:
                    continue
                marked.add(n)
                if under_cap(n):
                    apply(start, X, n, parent)
                    return None
                held = sorted(Y for Y, m in holder.items() if m == n)
                for Y in held:
                    if Y not in visited:
                        visited.add(Y)
                        order.append(Y)
                        parent[Y] = X
                        queue.append(Y)
        return (len(marked), len(visited))

    def apply(start, X, f, parent):
        """V2.7: f takes X; each place's old holder moves to the place it was reached from."""
        cur, new = X, f
        trace(f"    {reg[f]['id']} (load {load[f]}) takes {name(X)}")
        while True:
            old = holder.get(cur)
            holder[cur] = new
            if cur == start:
                break
            new, cur = old, parent[cur]
            trace(f"    {reg[new]['id']} moves to {name(cur)}")
        load[f] += 1

    def diagnose(e0, p0, marked, visited):
        """V2.8."""
        ent = drawn[e0]
        if not any(eligible_for_entity(n, ent) for n in candidates[p0]):
            bd = dict(total=0, lacks_expertise=0, expired=0, conflicted=0, same_jurisdiction=0, rotation=0)
            for n in range(len(reg)):
                if not rule1(n, p0):
                    continue
                bd["total"] += 1
                if not rule2(n, p0):
                    bd["lacks_expertise"] += 1
                    continue
                for k, ok in entity_rules(n, ent):
                    if not ok:
                        bd[k] += 1
                        break
            return {"binding": "nobody-eligible", "breakdown": bd}
        # The team alone.
        seen = {p0}
        queue = deque([p0])
        while queue:
            q = queue.popleft()
            h = holder.get((e0, q))
            for n in candidates[q]:
                if n == h or not eligible_for_entity(n, ent):
                    continue
                r = team_place(e0, n)
                if r is None:
                    return {"binding": "capacity-exhausted", "cap": cap, "officers": marked, "places": visited}
                if r not in seen:
                    seen.add(r)
                    queue.append(r)
        members = sorted(holder[(e0, q)] for q in seen if q != p0)
        return {"binding": "too-few-for-team", "places": sorted(seen),
                "officers": [reg[n]["id"] for n in members]}

    words = Words(seed, ASSIGNMENT_STREAM)
    for e, ent in enumerate(drawn):
        for p in range(s):
            team = {holder[(e, q)] for q in range(s) if (e, q) in holder}
            C = [n for n in candidates[p]
                 if eligible_for_entity(n, ent) and n not in team and under_cap(n)]
            trace(f"{name((e, p))}: loads {[load[n] for n in range(len(reg))]}")
            if C:
                m = min(load[n] for n in C)
                L = [n for n in C if load[n] == m]
                j = uniform(words, len(L))
                trace(f"    L = {[reg[n]['id'] for n in L]}, pick {j}: {reg[L[j]]['id']}")
                holder[(e, p)] = L[j]
                load[L[j]] += 1
                continue
            trace("    nobody free: search")
            failed = search((e, p))
            if failed is not None:
                raise Fail({"kind": "no-team", "uscc": ent["uscc"], "place": p,
                            "reason": diagnose(e, p, *failed)})
    teams = [{"uscc": ent["uscc"], "inspectors": [reg[holder[(e, p)]]["id"] for p in range(s)]}
             for e, ent in enumerate(drawn)]
    return {"teams": teams, "words_used": words.used}


def run(case):
    try:
        return assign(case)
    except Fail as f:
        return {"error": f.value}


def main():
    global TRACE
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--trace" in sys.argv:
        TRACE = True
        n = int(args.pop(0))
    path = Path(args[0]) if args else Path(__file__).with_name("assignment.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    if TRACE:
        case = next(c for c in doc["cases"] if c["case"] == n)
        print(json.dumps(run(case), ensure_ascii=False))
        return 0
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
