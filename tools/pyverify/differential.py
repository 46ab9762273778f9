#!/usr/bin/env python3
"""Differential probes: variants of tests/vectors/chain/valid.jsonl (format
version 1) and tests/vectors/v2/chain/valid.jsonl (version 2), re-signed with
the published TEST ONLY key (seed 01..20), judged by this verifier and by the
bundled CLI (`target/release/double-random verify`, used as a black box).
Each probe targets a point where the docs are silent or ambiguous; a
disagreement (in the verdict or the set of failing checks) is printed, and so
are differences in the warnings, for information. Not part of the test suite
(needs the Rust build).

    python3 tools/pyverify/differential.py [path/to/double-random] [--only TEXT]
"""
import base64
import copy
import json
import os
import subprocess
import sys
import tempfile
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import drcore as C  # noqa: E402
import drverify as V  # noqa: E402
from nacl.signing import SigningKey  # noqa: E402

CDIR = os.path.join(ROOT, "tests", "vectors", "chain")
SK = SigningKey(bytes(range(1, 33)))
KID = C.key_id(bytes(SK.verify_key))


def records(path):
    out = []
    for line in open(path, "rb").read().splitlines():
        e = json.loads(line)
        out.append([e["payloadType"], json.loads(base64.b64decode(e["payload"]))])
    return out


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def sign(ptype, payload_bytes):
    sig = SK.sign(C.pae(ptype, payload_bytes)).signature
    return json.dumps({"payload": base64.b64encode(payload_bytes).decode(), "payloadType": ptype,
                       "signatures": [{"keyid": KID, "sig": base64.b64encode(sig).decode()}]},
                      separators=(",", ":"))


def build(recs, relink=True, raw=None):
    """Re-sign a list of [ptype, payload]; relink fixes previous/commitment ids."""
    lines, ids, old_to_new = [], [], {}
    for n, (ptype, p) in enumerate(recs):
        if relink:
            if p["chain"]["previous"] is not None and ids:
                p["chain"]["previous"] = ids[-1]
            if "commitment" in p and p["commitment"] in old_to_new:
                p["commitment"] = old_to_new[p["commitment"]]
            if ptype.endswith("draw.v1+json") and p["commitment"] in old_to_new.values():
                cid = p["commitment"]
                # recompute seed for the (possibly new) commitment id
                p["seed"] = C.derive_seed(bytes.fromhex(cid),
                                          bytes.fromhex(p["randomness"]["value"])).hex()
        body = raw[n] if raw and n in raw else compact(p)
        rid = C.record_id(ptype, body)
        if "_old" in p:
            pass
        ids.append(rid)
        lines.append(sign(ptype, body))
    return "\n".join(lines) + "\n", ids


def orig_ids(path):
    out = []
    for line in open(path, "rb").read().splitlines():
        e = json.loads(line)
        out.append(C.record_id(e["payloadType"], base64.b64decode(e["payload"])))
    return out


REGS = {}
OPTS = {}   # per probe: cdir, salt (hex or None: none given), secrets, key, level


def cdir_():
    return OPTS.get("cdir", CDIR)


def reg(name):
    r = os.path.join(cdir_(), "registers")
    return REGS.get(name, f"{r}/{name}.csv")


def salt_hex():
    if "salt" in OPTS:
        return OPTS["salt"]
    return open(os.path.join(cdir_(), "registers", "conflict-salt.hex")).read().strip()


def key_path():
    return OPTS.get("key", os.path.join(cdir_(), "issuer.pub"))


def run_rust(cli, chain_text, full):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write(chain_text)
    args = [cli, "verify", "--chain", f.name, "--public-key", key_path(), "--json"]
    if OPTS.get("level"):
        args += ["--level", OPTS["level"]]
    if full:
        args += ["--entities", reg("entities"), "--inspectors", reg("inspectors"),
                 "--conflicts", reg("conflicts")]
        if salt_hex() is not None:
            args += ["--conflict-salt", salt_hex()]
        if OPTS.get("secrets"):
            args += ["--secrets", OPTS["secrets"]]
        if "items" in REGS:
            args += ["--items", REGS["items"]]
    p = subprocess.run(args, capture_output=True, text=True)
    os.unlink(f.name)
    try:
        j = json.loads(p.stdout)
    except json.JSONDecodeError:
        return "usage-error", [p.stderr.strip()[:200]], []
    findings = j["report"]["findings"]
    errs = sorted({x["check"] for x in findings if x["severity"] == "error"})
    warns = sorted({x["check"] for x in findings if x["severity"] == "warning"})
    return ("holds" if j["holds"] else "fails"), errs, warns


def run_py(chain_text, full):
    key = V.parse_public_key_file(open(key_path(), "rb").read())
    rep = V.Report()
    regs = None
    if full:
        try:
            regs = V.load_registers(types.SimpleNamespace(
                entities=reg("entities"), inspectors=reg("inspectors"),
                conflicts=reg("conflicts"), items=REGS.get("items"),
                conflict_salt=salt_hex(), secrets=OPTS.get("secrets")), rep)
        except C.FormatError as exc:
            return "usage-error", [str(exc)[:200]], []
    level = OPTS.get("level") or ("full" if full else "replay")
    V.verify_chain(chain_text.encode(), key, regs if level == "full" else None, level, rep)
    warns = sorted({f["check"] for f in rep.findings if f["level"] == "warning"})
    return ("holds" if rep.ok else "fails"), rep.failing(), warns


def redraw(c, d):
    """Recompute drawn and teams of draw d for commitment c (own implementation)."""
    r = os.path.join(CDIR, "registers")
    bad = []
    ents = V.load_entities(f"{r}/entities.csv", bad)
    insp = V.load_inspectors(f"{r}/inspectors.csv", bad)
    conf = V.load_conflicts(f"{r}/conflicts.csv", bad, {i["id"] for i in insp},
                            {e["uscc"] for e in ents})
    assert not bad, bad
    seed = bytes.fromhex(d["seed"])
    pools = [int(c["registers"]["entities"]["class_sizes"][x]) for x in "ABCD"]
    sizes = C.sample_sizes(pools, [c["task"]["ratios_bp"][x] for x in "ABCD"])
    start, acc, drawn, order = {}, 0, {}, []
    for ci, x in enumerate("ABCD"):
        start[x] = acc
        acc += pools[ci]
        ranks = C.draw_ranks(seed, ci, pools[ci], sizes[ci])
        drawn[x] = [{"rank": str(k), "uscc": ents[start[x] + k]["uscc"]} for k in ranks]
        order += [ents[start[x] + k] for k in ranks]
    d["drawn"] = drawn
    idate = c["task"]["inspection_date"] or d["chain"]["created_at"][:10]
    d["inspection_date"] = idate
    try:
        d["teams"] = C.assign_teams(seed, order, insp, [(x["inspector_id"], x["uscc"]) for x in conf],
                                    c["task"]["team"], idate, {} if c["task"]["team"]["rotation"] != "off" else None)
    except C.AssignError as exc:
        print("   (redraw: assignment fails:", exc, "; teams filled naively)")
        n = c["task"]["team"]["team_size"]
        d["teams"] = [{"uscc": e["uscc"], "inspectors": [i["id"] for i in insp[:n]]} for e in order]


def probes():
    base = records(os.path.join(CDIR, "valid.jsonl"))
    ids = orig_ids(os.path.join(CDIR, "valid.jsonl"))
    P = []

    def variant(name, fn, relink=True, raw=None, full=False, regs=None, post=None):
        recs = copy.deepcopy(base)
        out = fn(recs)
        recs = out if out is not None else recs
        old = ids
        # map old commitment ids to rebuilt ones
        text, new = build_with_map(recs, old, relink, raw)
        if post:
            text = post(text)
        P.append((name, text, full, regs or {}))

    def build_with_map(recs, old, relink, raw):
        lines, new = [], []
        for n, (ptype, p) in enumerate(recs):
            if relink and n > 0 and p["chain"]["previous"] is not None:
                p["chain"]["previous"] = new[-1]
            if relink and "commitment" in p and p["commitment"] in old:
                p["commitment"] = new[old.index(p["commitment"])]
                if ptype.endswith("draw.v1+json") and not p.get("_keepseed") \
                        and len(p["randomness"]["value"]) % 2 == 0:
                    p["seed"] = C.derive_seed(bytes.fromhex(p["commitment"]),
                                              bytes.fromhex(p["randomness"]["value"])).hex()
            p.pop("_keepseed", None)
            if isinstance(p.get("history"), str) and p["history"].startswith("@"):
                p["history"] = new[int(p["history"][1:])]
            if p.pop("_redraw", False):
                cpay = recs[[i for i in range(n) if new[i] == p["commitment"]][0]][1]
                redraw(cpay, p)
            body = raw(n, p) if raw else compact(p)
            new.append(C.record_id(ptype, body))
            lines.append(sign(ptype, body))
        return "\n".join(lines) + "\n", new

    variant("baseline re-signed", lambda r: None)
    variant("baseline re-signed, full", lambda r: None, full=True)
    variant("payload with spaces (non-compact JSON)", lambda r: None,
            raw=lambda n, p: json.dumps(p, ensure_ascii=False).encode())
    variant("payload members reordered", lambda r: None,
            raw=lambda n, p: json.dumps(dict(reversed(list(p.items()))), ensure_ascii=False,
                                        separators=(",", ":")).encode())
    variant("payload with \\u escapes for CJK", lambda r: None,
            raw=lambda n, p: json.dumps(p, separators=(",", ":")).encode())

    def lines_swapped(r):
        return [r[0], r[2], r[1]]
    variant("lines not in sequence order (2 before 1)", lines_swapped)

    def hist_rot_off(r):
        r[2][1]["history"] = None
        r[2][1]["history"] = "00" * 32
    variant("history set to a non-draw with rotation off", hist_rot_off)

    def hist_ok_rot_off(r):
        r[2][1]["history"] = "__draw__"
    # history naming the draw (seq 1): need the new id, fill after build
    def ratios_decreasing(r):
        r[0][1]["task"]["ratios_bp"] = {"A": 1000, "B": 500, "C": 3000, "D": 6000}
    variant("ratios decreasing in a commitment", ratios_decreasing)

    def team_size_float(r):
        r[0][1]["task"]["team"]["team_size"] = 2.0
    variant("team_size written 2.0", team_size_float)

    def cap_zero(r):
        r[2][1]["task"]["team"]["workload_cap"] = 0
    variant("workload_cap 0 in an open commitment", cap_zero)

    def team_size_one(r):
        r[2][1]["task"]["team"]["team_size"] = 1
    variant("team_size 1 in an open commitment", team_size_one)

    def ceremony_equal(r):
        r[0][1]["randomness"]["scheduled_at"] = r[0][1]["chain"]["created_at"]
    variant("ceremony scheduled_at == commitment created_at", ceremony_equal)

    def draw_at_ceremony(r):
        r[1][1]["chain"]["created_at"] = r[0][1]["randomness"]["scheduled_at"]
        r[1][1]["inspection_date"] = r[1][1]["chain"]["created_at"][:10]
    variant("draw created_at == ceremony scheduled_at", draw_at_ceremony)

    def bad_date(r):
        r[2][1]["chain"]["created_at"] = "2024-06-31T03:00:00Z"
    variant("created_at 2024-06-31 (no such day)", bad_date)

    def leap_second(r):
        r[2][1]["chain"]["created_at"] = "2024-06-03T23:59:60Z"
    variant("created_at with second 60", leap_second)

    def local(r):
        r[0][1]["randomness"] = {"source": "local"}
    variant("local randomness", local)

    def drand_other(r):
        r[0][1]["randomness"] = {"source": "drand", "chain_hash": "ab" * 32, "round": "5000000"}
        r[1][1]["randomness"]["value"] = "11" * 32
    variant("drand plan on a non-quicknet chain hash", drand_other)

    def drand_nosig(r):
        r[0][1]["randomness"] = {"source": "drand", "chain_hash":
                                 V.QUICKNET_HASH, "round": "9000000"}
        r[0][1]["chain"]["created_at"] = "2024-06-01T08:00:00Z"
        r[1][1]["randomness"]["value"] = "11" * 32
    variant("quicknet plan, draw without beacon_signature", drand_nosig)

    def ceremony_sig(r):
        r[1][1]["randomness"]["beacon_signature"] = "aa" * 48
    variant("ceremony plan with a beacon_signature", ceremony_sig)

    def empty_value(r):
        r[1][1]["randomness"]["value"] = ""
    variant("ceremony with empty randomness value", empty_value)

    def upper_hex(r):
        r[1][1]["randomness"]["value"] = "ABCD"
    variant("uppercase hex randomness value", upper_hex)

    def odd_hex(r):
        r[1][1]["randomness"]["value"] = "abc"
    variant("odd-length hex randomness value", odd_hex)

    def unknown_algo(r):
        r[1][1]["algorithm"] = "double-random/draw/v2"
    variant("unknown algorithm", unknown_algo)

    def wrong_idate(r):
        r[1][1]["inspection_date"] = "2024-06-04"
    variant("wrong inspection_date", wrong_idate)

    def teams_reordered(r):
        t = r[1][1]["teams"]
        t[0], t[1] = t[1], t[0]
    variant("teams in wrong order", teams_reordered)
    variant("teams in wrong order, full", teams_reordered, full=True)

    def team_dup(r):
        r[1][1]["teams"][0]["inspectors"] = ["ZF000", "ZF000"]
    variant("team with a repeated officer", team_dup)

    def drawn_wrong_uscc(r):
        r[1][1]["drawn"]["A"][0]["uscc"] = "91140522MA0000000K"
        r[1][1]["teams"][0]["uscc"] = "91140522MA0000000K"
    variant("drawn USCC not at its rank (replay only)", drawn_wrong_uscc)
    variant("drawn USCC not at its rank, full", drawn_wrong_uscc, full=True)

    def members_swapped(r):
        t = r[1][1]["teams"][0]["inspectors"]
        t.reverse()
    variant("team members in other order, full", members_swapped, full=True)

    def extra_draw(r):
        # one supplementary rank in class D (k+1)
        return r
    def sizes_mismatch(r):
        r[0][1]["registers"]["entities"]["class_sizes"]["A"] = "11"
    variant("class sizes not summing to size", sizes_mismatch)

    def empty_issuer_field(r):
        r[0][1]["chain"]["issuer"] = "other"
    variant("issuer differs from key file", empty_issuer_field)

    def seq_leading_zero(r):
        r[1][1]["chain"]["sequence"] = "01"
    variant("sequence '01' (leading zero)", seq_leading_zero)

    def prev_not_null_at_0(r):
        r[0][1]["chain"]["previous"] = "00" * 32
    variant("previous not null at sequence 0", prev_not_null_at_0, relink=True)

    def time_back(r):
        r[2][1]["chain"]["created_at"] = "2024-06-03T02:09:59Z"
    variant("created_at going backwards", time_back)

    def cancel_then_recommit_fix(r):
        cancel = ["application/vnd.double-random.cancellation.v1+json",
                  {"chain": {**r[2][1]["chain"], "sequence": "3", "previous": "00" * 32,
                             "created_at": "2024-06-03T04:00:00Z"},
                   "commitment": ids[2], "reason": "test"}]
        c3 = copy.deepcopy(r[2])
        c3[1]["chain"] = {**r[2][1]["chain"], "sequence": "4", "previous": "00" * 32,
                          "created_at": "2024-06-03T05:00:00Z"}
        return r + [cancel, c3]

    def cancel_then_recommit(r):
        c2 = copy.deepcopy(r[2])
        cancel = ["application/vnd.double-random.cancellation.v1+json",
                  {"chain": {**r[2][1]["chain"], "sequence": "3", "previous": "x",
                             "created_at": "2024-06-03T04:00:00Z"},
                   "commitment": "__c2__", "reason": "test"}]
        c3 = copy.deepcopy(c2)
        c3[1]["chain"] = {**c2[1]["chain"], "sequence": "4", "previous": "x",
                          "created_at": "2024-06-03T05:00:00Z"}
        return r + [cancel, c3]
    variant("cancel commitment 2, then commit task 02 again (holds?)", cancel_then_recommit_fix)
    variant("history set to a non-draw with rotation off, full", hist_rot_off, full=True)

    def rot_on_no_hist(r):
        r[0][1]["task"]["team"]["rotation"] = "avoid-previous-team"
        r[1][1]["_redraw"] = True

    def rot_on_bad_hist(r):
        r[0][1]["task"]["team"]["rotation"] = "avoid-previous-team"
        r[0][1]["history"] = "00" * 32
        r[1][1]["_redraw"] = True
    variant("rotation on, history naming no draw, full", rot_on_bad_hist, full=True)

    def bp_over(r):
        r[2][1]["task"]["ratios_bp"]["D"] = 10001
    variant("ratio 10001 bp in an open commitment", bp_over)

    def ts_zero_cap(r):
        r[0][1]["task"]["team"]["workload_cap"] = 0
        r[1][1]["_redraw"] = True
    variant("workload_cap 0 committed and drawn (full)", ts_zero_cap, full=True)

    def cross_any(r):
        r[0][1]["task"]["team"]["jurisdiction"] = "cross-jurisdiction"
        r[1][1]["_redraw"] = True
    variant("cross-jurisdiction, redrawn (full)", cross_any, full=True)

    def inspdate(r):
        r[0][1]["task"]["inspection_date"] = "2028-01-01"
        r[1][1]["_redraw"] = True
    variant("inspection date after every certificate, redrawn (full)", inspdate, full=True)
    variant("rotation on, history null, full (first draw)", rot_on_no_hist, full=True)

    def team_of_one(r):
        r[0][1]["task"]["team"]["team_size"] = 1
        r[0][1]["task"]["team"]["participating_departments"] = []
        for t in r[1][1]["teams"]:
            t["inspectors"] = t["inspectors"][:1]
        r[1][1]["_redraw"] = True
    variant("team_size 1 committed and drawn with teams of one (replay)", team_of_one)
    variant("team_size 1 committed and drawn with teams of one (full)", team_of_one, full=True)

    def ceremony_one_byte(r):
        r[1][1]["randomness"]["value"] = "07"
    variant("ceremony randomness of one byte", ceremony_one_byte)

    def local_empty(r):
        r[0][1]["randomness"] = {"source": "local"}
        r[1][1]["randomness"]["value"] = ""
    variant("local randomness with empty value", local_empty)

    def drand_short(r):
        r[0][1]["randomness"] = {"source": "drand", "chain_hash": V.QUICKNET_HASH, "round": "9000000"}
        r[1][1]["randomness"]["value"] = "11" * 31
        r[1][1]["chain"]["created_at"] = "2026-01-01T00:00:00Z"
        r[1][1]["inspection_date"] = "2026-01-01"
        r[2][1]["chain"]["created_at"] = "2026-01-01T00:00:01Z"
    variant("quicknet plan, 31-byte value, no signature", drand_short)

    # behaviours FORMAT now states (added with the gap fixes)
    def drand_round0(r):
        r[0][1]["randomness"] = {"source": "drand", "chain_hash": V.QUICKNET_HASH, "round": "0"}
    variant("quicknet round 0, commitment never drawn (§5.1)", drand_round0,
            post=lambda t: "\n".join(t.splitlines()[:1]) + "\n")

    def drawn_lower_uscc(r):
        d = r[1][1]
        cls = next(x for x in "ABCD" if d["drawn"][x])
        d["drawn"][cls][0]["uscc"] = d["drawn"][cls][0]["uscc"].lower()
    variant("drawn USCC in lower case (§5)", drawn_lower_uscc)

    def drawn_bad_check(r):
        d = r[1][1]
        cls = next(x for x in "ABCD" if d["drawn"][x])
        u = d["drawn"][cls][0]["uscc"]
        bad = u[:17] + ("0" if u[17] != "0" else "1")
        d["drawn"][cls][0]["uscc"] = bad
        for t in d["teams"]:
            if t["uscc"] == u:
                t["uscc"] = bad
    variant("drawn USCC with a wrong check character (§5: not checked in a record)",
            drawn_bad_check)
    variant("drawn USCC with a wrong check character, full", drawn_bad_check, full=True)

    def date_1899(r):
        r[0][1]["task"]["inspection_date"] = "1899-12-31"
    variant("inspection_date in 1899 (§1)", date_1899)

    def hist_drawn_rot_off(r):
        r[0][1]["history"] = "00" * 32
        r[1][1]["_redraw"] = True
    variant("drawn commitment, rotation off, history naming no draw, full (§7)",
            hist_drawn_rot_off, full=True)
    variant("drawn commitment, rotation off, history naming no draw, replay (§7)",
            hist_drawn_rot_off)

    # the rules FORMAT §7 now states: task-rules, history at chain level,
    # randomness-timing for a round with no time
    def open_task(**kw):
        def f(r):
            t = r[2][1]["task"]
            for k, v in kw.items():
                if k in t["team"]:
                    t["team"][k] = v
                else:
                    t[k] = v
        return f
    variant("open commitment: an empty expertise tag (task-rules)",
            open_task(team_size=3, required_expertise=[""]))
    variant("open commitment: an expertise tag of one U+3000 (not empty)",
            open_task(team_size=3, required_expertise=["\u3000"]))
    variant("open commitment: task name U+3000 only (blank)", open_task(name="\u3000"))
    variant("open commitment: task id ' ' (blank)", open_task(id=" "))
    variant("open commitment: task name with spaces around (holds)", open_task(name=" x "))
    variant("open commitment: participating department = initiating",
            open_task(participating_departments=["管理股"]))
    variant("open commitment: participating department ' 管理股' (other bytes, holds)",
            open_task(participating_departments=[" 管理股"]))
    variant("open commitment: participating department '' (blank)",
            open_task(participating_departments=[""], team_size=3))
    variant("open commitment: tags repeated, team_size = departments + distinct tags",
            open_task(team_size=3, required_expertise=["水资源", "水资源"]))
    variant("open commitment: one tag, team_size = departments (too small)",
            open_task(required_expertise=["水资源"]))
    variant("open commitment: team_size below the departments",
            open_task(participating_departments=["水资源股", "河道股"]))

    def items_root(r):
        r[2][1]["registers"]["items"] = {"root": "ab" * 32, "size": "1"}
    variant("open commitment: an item named twice", lambda r: (
        items_root(r), open_task(items=["X", "X"])(r)) and None)
    variant("open commitment: one item, a committed list (holds at replay)", lambda r: (
        items_root(r), open_task(items=["X"])(r)) and None)
    variant("open commitment: no items, a committed list (holds at replay)", items_root)

    round_max = (V.TIME_MAX - V.QUICKNET_GENESIS) // V.QUICKNET_PERIOD + 1

    def drand_round(n):
        def f(r):
            r[2][1]["randomness"] = {"source": "drand", "chain_hash": V.QUICKNET_HASH,
                                     "round": str(n)}
        return f
    variant("open commitment: the last quicknet round with a time (holds)",
            drand_round(round_max))
    variant("open commitment: the first quicknet round past 9999 (randomness-timing)",
            drand_round(round_max + 1))
    variant("open commitment: quicknet round 2^64 - 1 (randomness-timing)",
            drand_round(2**64 - 1))

    def hist_other_task(r):
        r[2][1]["history"] = "@1"
    variant("open commitment of task 02, history = the draw of task 01 (history)",
            hist_other_task)
    variant("open commitment of task 02, history = the draw of task 01, full",
            hist_other_task, full=True)

    def hist_same_task(r):
        r[2][1]["task"]["id"] = r[0][1]["task"]["id"]
        r[2][1]["task"]["team"]["rotation"] = "avoid-previous-team"
        r[2][1]["history"] = "@1"
    variant("task 01 committed again, history = its first draw (holds)", hist_same_task)

    def hist_is_commitment(r):
        r[2][1]["task"]["id"] = r[0][1]["task"]["id"]
        r[2][1]["history"] = "@0"
    variant("task 01 committed again, history = its commitment, not a draw (history)",
            hist_is_commitment)

    # register sizes: a right root with a wrong size (README item 31)
    def wrong_size(register):
        def f(r):
            reg_ = r[0][1]["registers"][register]
            reg_["size"] = str(int(reg_["size"]) + 1)
            r[1][1]["_redraw"] = True
        return f
    variant("inspector root right, size one more, full", wrong_size("inspectors"), full=True)
    variant("conflict root right, size one more, full", wrong_size("conflicts"), full=True)

    variant("a record duplicated (same line twice)", lambda r: None,
            post=lambda t: t + t.splitlines()[-1] + "\n")
    variant("CRLF line ends", lambda r: None, post=lambda t: t.replace("\n", "\r\n"))
    variant("blank line between records", lambda r: None, post=lambda t: t.replace("\n", "\n\n", 1))
    variant("no final newline", lambda r: None, post=lambda t: t.rstrip("\n"))
    variant("envelope with spaces and reordered members", lambda r: None,
            post=lambda t: "\n".join(json.dumps(dict(reversed(list(json.loads(x).items()))), indent=1).replace("\n", " ")
                                     for x in t.splitlines()) + "\n")

    # register-reading probes (full level, valid chain)
    tmp = tempfile.mkdtemp()

    def regfile(name, text, enc="utf-8"):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(text.encode(enc) if isinstance(text, str) else text)
        return path
    ent = open(os.path.join(CDIR, "registers", "entities.csv"), encoding="utf-8").read()
    ins = open(os.path.join(CDIR, "registers", "inspectors.csv"), encoding="utf-8").read()
    con = open(os.path.join(CDIR, "registers", "conflicts.csv"), encoding="utf-8").read()
    for label, text, enc in [
        ("entities: lowercase USCCs", ent.replace("MA", "ma"), "utf-8"),
        ("entities: UTF-8 BOM", "\ufeff" + ent, "utf-8"),
        ("entities: GB18030", ent, "gb18030"),
        ("entities: Chinese headers with * and ：", ent.replace(
            "uscc,name,credit_class,region,industry", "*统一社会信用代码,＊企业名称：,信用风险分类,行政区划代码,行业"), "utf-8"),
        ("entities: header 'Credit Class'", ent.replace("credit_class", "Credit Class"), "utf-8"),
        ("entities: class names 较高风险/高风险", ent.replace(",C,", ",较高风险,").replace(",D,", ",高风险,"), "utf-8"),
        ("entities: lowercase class letters", ent.replace(",A,", ",a,"), "utf-8"),
        ("entities: value with full-width spaces around", ent.replace("测试单位00", "\u3000测试单位00 "), "utf-8"),
        ("entities: rows in another order", ent.splitlines()[0] + "\n" + "\n".join(reversed(ent.splitlines()[1:])) + "\n", "utf-8"),
        ("entities: extra unknown column", "\n".join(l + ",x" for l in ent.splitlines()) + "\n", "utf-8"),
        ("entities: empty line in the middle", ent.replace("\n", "\n\n", 3), "utf-8"),
        ("entities: duplicate row", ent + ent.splitlines()[1] + "\n", "utf-8"),
        ("entities: USCC with a bad check character", ent.replace("91140522MA0000000K", "91140522MA0000000X"), "utf-8"),
    ]:
        variant(label, lambda r: None, full=True, regs={"entities": regfile(f"e{len(P)}.csv", text, enc)})
    for label, text in [
        ("inspectors: expertise '水资源；节水' full-width semicolon", ins.replace(",水资源,", ",水资源；节水,", 1)),
        ("inspectors: expertise '节水,水资源' quoted comma", ins.replace(",水资源,", ',"节水,水资源",', 1)),
        ("inspectors: expertise repeated '水资源;水资源'", ins.replace(",水资源,", ",水资源;水资源,", 1)),
        ("inspectors: date 2027/12/31", ins.replace("2027-12-31", "2027/12/31", 1)),
        ("inspectors: empty valid_to", ins.replace(",2027-12-31", ",", 1)),
        ("inspectors: expertise '水资源；' (trailing full-width ;)", ins.replace(",水资源,", ",水资源；,", 1)),
        ("inspectors: expertise '水资源、'", ins.replace(",水资源,", ",水资源、,", 1)),
        ("inspectors: expertise '水资源,' quoted", ins.replace(",水资源,", ',"水资源,",', 1)),
        ("inspectors: expertise ' 水资源 ; '", ins.replace(",水资源,", ", 水资源 ; ,", 1)),
        ("inspectors: expertise '水资源|'", ins.replace(",水资源,", ",水资源|,", 1)),
        ("inspectors: id lowercase zf000 (case kept?)", ins.replace("ZF000", "zf000", 1)),
        ("inspectors: date 2027/12/31 on all rows", ins.replace("2027-12-31", "2027/12/31")),
        ("inspectors: date 2023/1/1", ins.replace("2023-01-01", "2023/1/1", 1)),
        ("inspectors: date 2023.1.1", ins.replace("2023-01-01", "2023.1.1", 1)),
        ("inspectors: date 2023年1月1日", ins.replace("2023-01-01", "2023年1月1日", 1)),
        ("inspectors: date 20230101", ins.replace("2023-01-01", "20230101", 1)),
        ("inspectors: date 2023-1-1", ins.replace("2023-01-01", "2023-1-1", 1)),
    ]:
        variant(label, lambda r: None, full=True, regs={"inspectors": regfile(f"i{len(P)}.csv", text)})
    for label, text in [
        ("conflicts: lowercase USCC", con.replace("MA0000003W", "ma0000003w", 1)),
        ("conflicts: duplicate pair", con + con.splitlines()[1] + "\n"),
        ("conflicts: pair naming an unknown inspector", con + "ZZ999,91140522MA0000003W,x\n"),
        ("conflicts: pair naming an unknown USCC", con + "ZF001,91140522MA0000999U,x\n"),
        ("conflicts: pair naming an unknown USCC (bad check char)", con + "ZF001,91140522MA00009990,x\n"),
        ("conflicts: empty reason", con.replace("亲属关系", "", 1)),
    ]:
        variant(label, lambda r: None, full=True, regs={"conflicts": regfile(f"c{len(P)}.csv", text)})

    # task-rules at full level: a committed check-item list (FORMAT §4, §7)
    items_csv = regfile("items.csv", "id,name,category,department,method,expertise\n"
                        "K1,重点一,key,管理股,on-site,水资源\n"
                        "K2,重点二,key,管理股,on-site,节水\n"
                        "G1,一般一,general,管理股,written,节水\n")
    bad = []
    items = V.load_items(items_csv, bad)
    assert not bad, bad
    items_ref = {"root": V.root_hex([C.item_leaf(i) for i in items]), "size": str(len(items))}

    def with_items(names, **team):
        def f(r):
            c = r[0][1]
            c["registers"]["items"] = dict(items_ref)
            c["task"]["items"] = names
            c["task"]["team"]["workload_cap"] = None
            c["task"]["team"].update(team)
            r[1][1]["_redraw"] = True
        return f
    for label, fn in [
        ("key item K1, its tag committed (holds)",
         with_items(["K1"], team_size=3, required_expertise=["水资源"])),
        ("key item K1, its tag not committed (task-rules)", with_items(["K1"])),
        ("general item G1, its tag not committed (holds)", with_items(["G1"])),
        ("an item not in the list (task-rules)", with_items(["K9"])),
        ("no items, committed tags repeated (task-rules)",
         with_items([], team_size=3, required_expertise=["水资源", "水资源"])),
    ]:
        variant(f"items committed, full: {label}", fn, full=True, regs={"items": items_csv})
        if "holds" not in label:
            variant(f"items committed, replay: {label}", fn)

    def tags_repeated_no_items(r):
        r[0][1]["task"]["team"].update(team_size=3, workload_cap=None,
                                       required_expertise=["水资源", "水资源"])
        r[1][1]["_redraw"] = True
    variant("no item list, committed tags repeated, full (holds)", tags_repeated_no_items,
            full=True)

    return P


# ------------------------------------------------------------- version 2 --
CDIR2 = os.path.join(ROOT, "tests", "vectors", "v2", "chain")
T2 = "application/vnd.double-random."


def v2_registers(cdir=CDIR2, entities=None):
    r = os.path.join(cdir, "registers")
    bad = []
    ents = V.load_entities(entities or f"{r}/entities.csv", bad)
    insp = V.load_inspectors(f"{r}/inspectors.csv", bad)
    conf = V.load_conflicts(f"{r}/conflicts.csv", bad, {i["id"] for i in insp},
                            {e["uscc"] for e in ents})
    assert not bad, bad
    return ents, insp, conf


def pool_v2(c, draws, entities=None):
    """The pool of v2 commitment payload c (FORMAT §3.1, this verifier's code)."""
    ents, _, _ = v2_registers(entities=entities)
    st = types.SimpleNamespace(all_draws=draws)
    return V.commitment_pool(st, dict(version=2, rec=c), ents)


def set_pool_v2(c, draws, entities=None):
    pool = pool_v2(c, draws, entities)
    c["registers"]["entities"] = {
        "root": V.root_hex([C.entity_leaf_v2(e) for e in pool]), "size": str(len(pool)),
        "class_sizes": {x: str(sum(1 for e in pool if e["credit_class"] == x)) for x in "ABCD"}}


def redraw_v2(c, d, draws, entities=None, no_conflicts=False):
    """Recompute the drawn entities and teams of v2 draw d (seed already set)
    for commitment c with this verifier's implementation, so that a probe
    changes only what it means to change."""
    _, insp, conf = v2_registers()
    if no_conflicts:
        conf = []
    pool = pool_v2(c, draws, entities)
    seed = bytes.fromhex(d["seed"])
    pools = [sum(1 for e in pool if e["credit_class"] == x) for x in "ABCD"]
    sizes = C.sample_sizes(pools, [c["task"]["ratios_bp"][x] for x in "ABCD"], c["task"]["top_up"])
    start, acc, order, where = {}, 0, [], []
    for ci, x in enumerate("ABCD"):
        start[x] = acc
        acc += pools[ci]
        for k in C.draw_ranks(seed, ci, pools[ci], sizes[ci]):
            order.append(pool[start[x] + k])
            where.append((x, k))
    hist = None
    if c["history"] is not None:
        hist = {u: ids for u, ids in V.draw_teams(draws[c["history"]])}
    elif c["task"]["team"]["rotation"] != "off":
        hist = {}
    try:
        teams = C.assign_teams_v2(seed, order, insp, [(x["inspector_id"], x["uscc"]) for x in conf],
                                  c["task"]["team"], c["task"]["inspection_date"], hist)
        teams = [t["inspectors"] for t in teams]
    except C.AssignError as exc:
        print("   (redraw: assignment fails:", exc, "; teams filled naively)")
        teams = [[i["id"] for i in insp[:len(c["task"]["team"]["places"])]] for _ in order]
    d["drawn"] = {x: [] for x in "ABCD"}
    for (x, k), e, t in zip(where, order, teams):
        d["drawn"][x].append({"rank": str(k), "uscc": e["uscc"], "team": t})


def build_v2(recs, old_ids):
    """Re-sign [ptype, payload] records: previous links, commitment ids and
    seeds follow; "@n" in history / exclude_drawn / commitment names the
    record at index n; "_redraw" recomputes a draw (and its commitment's pool)
    with this verifier's implementation; "_salt" on a commitment recomputes
    its conflict root with that salt."""
    lines, new, drawn = [], [], {}

    def index_of(v):
        if isinstance(v, str) and v.startswith("@"):
            return int(v[1:])
        if isinstance(v, str) and v in old_ids:
            return old_ids.index(v)
        return None

    def ref(v):
        i = index_of(v)
        return v if i is None else new[i]
    redrawn = {index_of(p["commitment"]): p.get("_entities") for _, p in recs
               if p.get("_redraw")}
    for n, (ptype, p) in enumerate(recs):
        if n > 0 and not p.pop("_keepprev", False):
            p["chain"]["previous"] = new[-1]
        if "commitment" in p:
            p["commitment"] = ref(p["commitment"])
        if "draw" in p:
            p["draw"] = ref(p["draw"])
        if "history" in p:
            p["history"] = ref(p["history"])
        if "task" in p and "exclude_drawn" in p["task"]:
            p["task"]["exclude_drawn"] = [ref(x) for x in p["task"]["exclude_drawn"]]
        salt = p.pop("_salt", None)
        if salt is not None:
            _, _, conf = v2_registers()
            p["registers"]["conflicts"]["root"] = V.root_hex(
                [C.conflict_leaf(bytes.fromhex(salt), x) for x in conf])
        if n in redrawn and "task" in p:
            set_pool_v2(p, drawn, redrawn[n])
        if "draw." in ptype and len(p["randomness"]["value"]) % 2 == 0 \
                and not p.pop("_keepseed", False):
            p["seed"] = C.derive_seed(bytes.fromhex(p["commitment"]),
                                      bytes.fromhex(p["randomness"]["value"])).hex()
        if p.pop("_redraw", False):
            redraw_v2(recs[new.index(p["commitment"])][1], p, drawn, p.pop("_entities", None),
                      p.pop("_noconf", False))
        body = compact(p)
        rid = C.record_id(ptype, body)
        new.append(rid)
        lines.append(sign(ptype, body))
        if "drawn" in p:
            drawn[rid] = p
    return "\n".join(lines) + "\n", new


def probes_v2():
    base = records(os.path.join(CDIR2, "valid.jsonl"))
    ids = orig_ids(os.path.join(CDIR2, "valid.jsonl"))
    P = []
    tmp = tempfile.mkdtemp()

    def regfile(name, text):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(text.encode("utf-8"))
        return path

    def variant(name, fn, full=False, regs=None, post=None, **opts):
        recs = copy.deepcopy(base)
        out = fn(recs)
        recs = out if isinstance(out, list) else recs
        text, _ = build_v2(recs, ids)
        if post:
            text = post(text)
        P.append((f"v2: {name}", text, full, regs or {}, dict(opts, cdir=CDIR2)))

    none = lambda r: None  # noqa: E731
    variant("baseline re-signed", none)
    variant("baseline re-signed, full", none, full=True)
    variant("baseline, level chain", none, level="chain")
    variant("baseline redrawn by pyverify, full", lambda r: r[1][1].update(_redraw=True),
            full=True)

    def open_team(**kw):
        def f(r):
            r[2][1]["task"]["team"].update(kw)
        return f

    def open_task(**kw):
        def f(r):
            r[2][1]["task"].update(kw)
        return f

    def places(*ps):
        return [{"department": d, "expertise": list(t)} for d, t in ps]
    # places and tags (FORMAT §4, §7 task-rules; assignment.md §V2.2, §V2.4)
    variant("open commitment: place tags unsorted",
            open_team(places=places(("管理股", ["水资源", "节水"]), ("水资源股", []))))
    variant("open commitment: place tags sorted (holds)",
            open_team(places=places(("管理股", ["水资源", "节水"][::-1]), ("水资源股", []))))
    variant("open commitment: a place tag repeated",
            open_team(places=places(("管理股", ["水资源", "水资源"]), ("水资源股", []))))
    variant("open commitment: a place tag of one U+3000 (blank)",
            open_team(places=places(("管理股", ["\u3000"]), ("水资源股", []))))
    variant("open commitment: a place tag ''",
            open_team(places=places(("管理股", [""]), ("水资源股", []))))
    variant("open commitment: one place",
            open_team(places=places(("管理股", []),), participating_departments=[]))
    variant("open commitment: 65 places",
            open_team(places=places(("管理股", []), ("水资源股", []), *[(None, [])] * 63)))
    variant("open commitment: a place of 65 tags",
            open_team(places=places(("管理股", [f"t{i:02d}" for i in range(65)]),
                                    ("水资源股", []))))
    variant("open commitment: a place naming another department",
            open_team(places=places(("管理股", []), ("河道股", []))))
    variant("open commitment: a department without a place",
            open_team(places=places(("管理股", []), (None, []))))
    variant("open commitment: a participating department of one space",
            open_team(participating_departments=[" "], places=places(("管理股", []), (" ", []))))
    variant("open commitment: workload_cap 0", open_team(workload_cap=0))
    variant("open commitment: rotation without history (holds)",
            open_team(rotation="avoid-previous-team"))
    # scope (FORMAT §3.1, §4)
    sc = lambda **kw: open_task(scope=dict(base[2][1]["task"]["scope"], **kw))  # noqa: E731
    variant("open commitment: scope statuses [] (restricts nothing)", sc(statuses=[]))
    variant("open commitment: scope entity type '9a'", sc(entity_types=["9a"]))
    variant("open commitment: scope entity type '9'", sc(entity_types=["9"]))
    variant("open commitment: scope entity type 'IO' (not the USCC alphabet)",
            sc(entity_types=["IO"]))
    variant("open commitment: scope region ' ' (blank)", sc(regions=[" "]))
    variant("open commitment: scope region '1405' (holds)", sc(regions=["1405"]))
    variant("open commitment: scope region 'x' (not digits, holds?)", sc(regions=["x"]))
    variant("open commitment: scope industries repeated", sc(industries=["取水", "取水"]))
    variant("open commitment: scope status 'Active' (case)", sc(statuses=["Active"]))
    variant("open commitment: scope target type with a space around",
            sc(target_types=[" 取水单位"]))
    # schema (FORMAT §5)
    variant("open commitment: top_up 'none'", open_task(top_up="none"))
    variant("open commitment: inspection_date null", open_task(inspection_date=None))
    variant("open commitment: no master register member",
            lambda r: r[2][1]["registers"].pop("master"))
    variant("open commitment: v1 member team_size added",
            lambda r: r[2][1]["task"]["team"].update(team_size=2))
    variant("open commitment: place department missing",
            lambda r: r[2][1]["task"]["team"]["places"][1].pop("department"))
    variant("draw: witnessing 'maybe'", lambda r: r[1][1].update(witnessing="maybe"))
    variant("draw: witnessing 'unwitnessed' (warning)",
            lambda r: r[1][1].update(witnessing="unwitnessed"))
    variant("draw: an inspection_date member (v1's)",
            lambda r: r[1][1].update(inspection_date="2024-06-03"))
    variant("draw: team member missing (team-size)",
            lambda r: r[1][1]["drawn"]["D"][0].update(team=["ZF000"]))
    variant("draw: team with a repeated officer",
            lambda r: r[1][1]["drawn"]["D"][0].update(team=["ZF000", "ZF000"]))
    variant("draw: team members swapped, full",
            lambda r: r[1][1]["drawn"]["D"][0]["team"].reverse(), full=True)
    variant("draw: an officer not in the register, full",
            lambda r: r[1][1]["drawn"]["D"][0].update(team=["ZF000", "ZF999"]), full=True)
    variant("draw: algorithm double-random/draw/v1 in a v2 draw",
            lambda r: r[1][1].update(algorithm="double-random/draw/v1"))
    variant("draw: algorithm unknown", lambda r: r[1][1].update(algorithm="x"))

    def v1_draw(r):
        d = r[1][1]
        r[1][0] = T2 + "draw.v1+json"
        teams = [{"uscc": e["uscc"], "inspectors": e.pop("team")} for x in "ABCD"
                 for e in d["drawn"][x]]
        d.pop("witnessing")
        d["algorithm"] = "double-random/draw/v1"
        d["inspection_date"] = "2024-06-03"
        d["teams"] = teams
        keys = ["chain", "commitment", "randomness", "seed", "algorithm", "library_version",
                "inspection_date", "drawn", "teams"]
        r[1][1] = {k: d[k] for k in keys}
    variant("v1 draw (v1 payload and algorithm) of a v2 commitment", v1_draw)

    def v1_cancel(ptype):
        def f(r):
            r.append([T2 + ptype, {"chain": dict(r[2][1]["chain"], sequence="3",
                                                 created_at="2024-06-04T00:00:00Z"),
                                   "commitment": "@2", "reason": "test"}])
        return f
    variant("v1 cancellation of a v2 commitment", v1_cancel("cancellation.v1+json"))
    variant("v2 cancellation of a v2 commitment (holds)", v1_cancel("cancellation.v2+json"))

    def late_cancel(r):
        r.append([T2 + "cancellation.v2+json",
                  {"chain": dict(r[2][1]["chain"], sequence="3",
                                 created_at=r[2][1]["randomness"]["scheduled_at"]),
                   "commitment": "@2", "reason": "test"}])
    variant("cancellation at the ceremony time (late-cancellation warning)", late_cancel)

    def local_cancel(r):
        r[2][1]["randomness"] = {"source": "local"}
        r.append([T2 + "cancellation.v2+json",
                  {"chain": dict(r[2][1]["chain"], sequence="3",
                                 created_at="2030-01-01T00:00:00Z"),
                   "commitment": "@2", "reason": "test"}])
    variant("local plan cancelled much later (no late-cancellation?)", local_cancel)
    variant("ceremony with no witness (ceremony-witnesses)",
            lambda r: r[2][1]["randomness"].update(witnesses=[]))
    variant("ceremony with one blank witness U+3000 (ceremony-witnesses?)",
            lambda r: r[2][1]["randomness"].update(witnesses=["\u3000"]))
    variant("ceremony with witnesses '' and 'x' (holds)",
            lambda r: r[2][1]["randomness"].update(witnesses=["", "x"]))

    # exclusions (FORMAT §6 rule 7, §7 exclusion)
    def excl(*names, redraw=True):
        def f(r):
            r[2][1]["task"]["exclude_drawn"] = list(names)
            r.append([T2 + "draw.v2+json", dict(copy.deepcopy(r[1][1]), commitment="@2",
                                                chain=dict(r[1][1]["chain"], sequence="3",
                                                           created_at="2024-06-05T03:00:00Z"),
                                                _redraw=redraw)])
        return f
    variant("commitment 2 excludes draw 1, drawn (holds), full", excl("@1"), full=True)
    variant("commitment 2 excludes draw 1 twice", excl("@1", "@1"))
    variant("commitment 2 excludes commitment 0", excl("@0"))

    def excl_listed(r):
        excl("@1", redraw=False)(r)
    variant("commitment 2 excludes draw 1, its draw lists draw 1's entities", excl_listed)

    def excl_second_draw(r):
        # a second draw of commitment 0 (second-draw), then commitment 3 excludes it
        r.insert(2, [T2 + "draw.v2+json", dict(copy.deepcopy(r[1][1]), chain=dict(
            r[1][1]["chain"], sequence="2", created_at="2024-06-03T02:20:00Z"))])
        r[3][1]["chain"]["sequence"] = "3"
        r[3][1]["task"]["exclude_drawn"] = ["@2"]
    variant("exclude_drawn names a second draw (second-draw + exclusion?)", excl_second_draw)

    def excl_no_commit(r):
        r.insert(2, [T2 + "draw.v2+json", dict(copy.deepcopy(r[1][1]), commitment="ab" * 32,
                                               chain=dict(r[1][1]["chain"], sequence="2",
                                                          created_at="2024-06-03T02:20:00Z"))])
        r[3][1]["chain"]["sequence"] = "3"
        r[3][1]["task"]["exclude_drawn"] = ["@2"]
    variant("exclude_drawn names a draw without commitment", excl_no_commit)

    def excl_bad_algo(r):
        excl("@1", redraw=False)(r)
        r[3][1]["algorithm"] = "x"
    variant("excluded entity listed by a draw whose algorithm fails (exclusion?)",
            excl_bad_algo)

    # top-up (sampling.md §2.1)
    def topup(policy, ratios):
        def f(r):
            r[0][1]["task"]["top_up"] = policy
            r[0][1]["task"]["ratios_bp"] = ratios
            r[1][1]["_redraw"] = True
        return f
    zero = {"A": 0, "B": 0, "C": 0, "D": 0}
    variant("all ratios 0, positive-ratio (nothing drawn), full", topup("positive-ratio", zero),
            full=True)
    variant("all ratios 0, any-class (3 from D), full", topup("any-class", zero), full=True)
    variant("A 0 %, B-D 1 %, positive-ratio, full",
            topup("positive-ratio", {"A": 0, "B": 100, "C": 100, "D": 100}), full=True)

    # scope and pool (FORMAT §3.1)
    def scoped(**kw):
        def f(r):
            r[0][1]["task"]["scope"] = dict(r[0][1]["task"]["scope"], **kw)
            r[1][1]["_redraw"] = True
        return f
    variant("scope: industries [河道采砂], full", scoped(industries=["河道采砂"]), full=True)
    variant("scope: target_types [河道采砂场] (entity 04 has two types), full",
            scoped(target_types=["河道采砂场"]), full=True)
    variant("scope: regions [1405], full", scoped(regions=["1405"]), full=True)
    variant("scope: entity_types [91], full", scoped(entity_types=["91"]), full=True)
    variant("scope: statuses [deregistered, revoked], full",
            scoped(statuses=["deregistered", "revoked"]), full=True)
    variant("scope: statuses [] (every status), full", scoped(statuses=[]), full=True)

    # conflict salts (FORMAT §3, §7 conflict-salt)
    other_salt = "a5" * 32
    mine = open(os.path.join(CDIR2, "registers", "conflict-salt.hex")).read().strip()

    def salt_of_other(r):
        r[0][1]["_salt"] = other_salt  # commitment 0's own salt is another one
        r[1][1]["_redraw"] = True
    variant("salt given is commitment 2's, not the drawn commitment 0's (conflict-salt)",
            salt_of_other, full=True)
    variant("salt wrong and nobody's (register-root)", lambda r: None, full=True, salt="a6" * 32)
    variant("no salt, full (conflict-salt)", none, full=True, salt=None)
    empty_conf = regfile("conflicts-empty.csv", "inspector_id,uscc,reason\n")

    def empty_list(r):
        r[0][1]["registers"]["conflicts"] = {"root": C.EMPTY_ROOT.hex(), "size": "0"}
        r[1][1].update(_redraw=True, _noconf=True)
    variant("committed conflict list empty, no salt given (holds?)", empty_list, full=True,
            salt=None, regs={"conflicts": empty_conf})
    secrets = regfile("secrets.jsonl", json.dumps({"commitment": "cd" * 32,
                                                   "conflict_salt": mine}) + "\n")
    variant("secrets file naming no commitment of the chain, plus --conflict-salt (warning)",
            none, full=True, secrets=secrets)

    # wrong key (FORMAT §7 wrong-key)
    wdir = os.path.join(ROOT, "tests", "vectors", "v2", "witness")
    variant("verified with another key (wrong-key)", none, key=os.path.join(wdir, "witness-a.pub"))

    def other_issuer(r):
        for _, p in r:
            p["chain"]["issuer"] = "别的局 (TEST ONLY)"
    variant("every record states another issuer, signed by the key given (wrong-key)",
            other_issuer)

    def one_other_issuer(r):
        r[2][1]["chain"]["issuer"] = "别的局 (TEST ONLY)"
    variant("one record states another issuer (record)", one_other_issuer)
    variant("an unknown payload type (…replacement.v2+json)",
            lambda r: r.__setitem__(2, [T2 + "replacement.v2+json", r[2][1]]))

    # mixed chains (FORMAT "Versions": v1 records followed by v2 ones)
    v1 = records(os.path.join(CDIR, "valid.jsonl"))

    def mixed(r):
        recs = copy.deepcopy(v1)
        for n, (pt, p) in enumerate(r):
            p = copy.deepcopy(p)
            p["chain"]["sequence"] = str(3 + n)
            if "task" in p:
                p["task"]["id"] = p["task"]["id"].replace("TEST", "V2")
            if "drawn" in p:
                p["_redraw"] = True
            p["chain"]["created_at"] = p["chain"]["created_at"].replace("2024-06", "2024-07")
            if "randomness" in p and "scheduled_at" in p["randomness"]:
                p["randomness"]["scheduled_at"] = p["randomness"]["scheduled_at"].replace(
                    "2024-06", "2024-07")
            if "inspection_date" in p.get("task", {}):
                p["task"]["inspection_date"] = "2024-07-03"
            if "commitment" in p:
                p["commitment"] = "@3"
            recs.append([pt, p])
        return recs
    variant("v1 chain followed by v2 records (holds)", mixed)

    def mixed_excl(r):
        recs = mixed(r)
        recs[5][1]["task"]["exclude_drawn"] = ["@1"]
        return recs
    variant("v2 commitment excluding a v1 draw (holds?)", mixed_excl)

    def mixed_v2_cancel_v1(r):
        recs = mixed(r)
        recs[5] = [T2 + "cancellation.v2+json", {"chain": recs[5][1]["chain"],
                                                  "commitment": "@2", "reason": "t"}]
        return recs
    variant("v2 cancellation of a v1 commitment", mixed_v2_cancel_v1)

    # registers: statuses, target types (columns.md)
    ent = open(os.path.join(CDIR2, "registers", "entities.csv"), encoding="utf-8").read()
    for label, old, new in [
        ("status 'moved out'", ",注销,", ",moved out,"),
        ("status 'Moved_Out'", ",注销,", ",Moved_Out,"),
        ("status 'MOVED-OUT'", ",注销,", ",MOVED-OUT,"),
        ("status 'movedout'", ",注销,", ",movedout,"),
        ("status 'moved  -  out'", ",注销,", ",moved  -  out,"),
        ("status 'moved--out'", ",注销,", ",moved--out,"),
        ("status 'moved_-_out'", ",注销,", ",moved_-_out,"),
        ("status 'Serious Violation List'", ",注销,", ",Serious Violation List,"),
        ("status '列入 经营异常 名录'", ",注销,", ",列入 经营异常 名录,"),
        ("status '吊销 ，未注销'", ",吊销,", ",吊销 ，未注销,"),
        ("status '吊销,未注销' (half-width comma, quoted)", ",吊销,", ',"吊销,未注销",'),
        ("status '存续(在营、开业、在册)'", ",,取水单位\n", ",存续(在营、开业、在册),取水单位\n"),
        ("status ' 歇 业 '", ",,取水单位\n", ", 歇 业 ,取水单位\n"),
        ("status '在营 （开业）企业'", ",,取水单位\n", ",在营 （开业）企业,取水单位\n"),
        ("status '正常' (unknown)", ",,取水单位\n", ",正常,取水单位\n"),
        ("target types '取水单位；取水单位' (repeat)", ",取水单位\n", ",取水单位；取水单位\n"),
        ("target types '取水单位 ,' (trailing)", ",取水单位\n", ',"取水单位 ,"\n'),
    ]:
        variant(f"entities: {label}, full", none, full=True,
                regs={"entities": regfile(f"e{len(P)}.csv", ent.replace(old, new, 1))})
    variant("entities: no status and no target-type column, full", none, full=True,
            regs={"entities": regfile("e-nostatus.csv", "\n".join(
                ",".join(l.split(",")[:5]) for l in ent.splitlines()) + "\n")})
    # items (FORMAT §4 task-rules at full level, v2: by some place)
    items_csv = regfile("items.csv", "id,name,category,department,method,expertise\n"
                        "K1,重点一,key,管理股,on-site,水资源\n"
                        "G1,一般一,general,管理股,written,节水\n")
    bad = []
    items = V.load_items(items_csv, bad)
    items_ref = {"root": V.root_hex([C.item_leaf(i) for i in items]), "size": str(len(items))}

    def with_items(names, ps):
        def f(r):
            c = r[0][1]
            c["registers"]["items"] = dict(items_ref)
            c["task"]["items"] = names
            c["task"]["team"]["places"] = ps
            r[1][1]["_redraw"] = True
        return f
    for label, fn in [
        ("key item K1, its tag on a place (holds)",
         with_items(["K1"], places(("管理股", ["水资源"]), ("水资源股", [])))),
        ("key item K1, its tag on no place (task-rules)",
         with_items(["K1"], places(("管理股", []), ("水资源股", [])))),
        ("general item G1, its tag on no place (holds)",
         with_items(["G1"], places(("管理股", []), ("水资源股", [])))),
        ("an item not in the list (task-rules)",
         with_items(["K9"], places(("管理股", []), ("水资源股", [])))),
    ]:
        variant(f"items committed, full: {label}", fn, full=True, regs={"items": items_csv})
    return P


# --------------------------------------------------------- after the draw --
def probes_after_draw():
    """FORMAT §5.4, §5.5, §7 step 7, assignment.md Part III: variants of the
    after-draw vectors (replacement-honest, supplement-honest,
    supplement-beyond-limit), re-signed."""
    P = []

    def variant(base, name, fn, full=True, **opts):
        path = os.path.join(CDIR2, base + ".jsonl")
        recs = records(path)
        out = fn(recs)
        recs = out if isinstance(out, list) else recs
        text, _ = build_v2(recs, orig_ids(path))
        P.append((f"after-draw: {base}: {name}", text, full, {}, dict(opts, cdir=CDIR2)))

    none = lambda r: None  # noqa: E731

    def last(**kw):
        return lambda r: r[-1][1].update(**kw)

    def next_chain(p, minutes=10):
        c = dict(p["chain"], sequence=str(int(p["chain"]["sequence"]) + 1))
        hh, mm = int(c["created_at"][11:13]), int(c["created_at"][14:16]) + minutes
        c["created_at"] = f"{c['created_at'][:11]}{hh + mm // 60:02d}:{mm % 60:02d}:00Z"
        return c
    R, S, L = "replacement-honest", "supplement-honest", "supplement-beyond-limit"
    for b in (R, S, L):
        variant(b, "re-signed, full", none)
        variant(b, "re-signed, replay", none, full=False)
    variant(R, "re-signed, level chain", none, full=False, level="chain")
    # schema (FORMAT §5, §5.4)
    variant(R, "reason kind 'vacation' (unknown)", last(reason={"kind": "vacation", "text": "x"}))
    variant(R, "reason kind 'other', text ''", last(reason={"kind": "other", "text": ""}))
    variant(R, "reason kind 'other', text U+3000", last(reason={"kind": "other",
                                                                "text": "\u3000"}))
    variant(R, "reason kind 'recusal', text '' (holds?)", last(reason={"kind": "recusal",
                                                                       "text": ""}))
    variant(R, "place '0' (a string)", last(place="0"))
    variant(R, "place -1", last(place=-1))
    variant(R, "place 2 (no such place)", last(place=2))
    variant(R, "place 1 (leaving does not hold it)", last(place=1))
    variant(R, "uscc in lower case", lambda r: r[-1][1].update(uscc=r[-1][1]["uscc"].lower()))
    variant(R, "an unknown member", last(note="x"))
    # who comes (FORMAT §7 replacement)
    variant(R, "replacement is the leaving officer", lambda r: r[-1][1].update(
        replacement=r[-1][1]["leaving"]))
    variant(R, "replacement already on the team", last(replacement="ZF006"))
    variant(R, "replacement not in the register (full)", last(replacement="ZF999"))
    variant(R, "replacement not in the register (replay)", last(replacement="ZF999"),
            full=False)
    variant(R, "names the commitment", last(draw="@0"))
    variant(R, "names commitment 2", last(draw="@2"))
    variant(R, "names no record", last(draw="ab" * 32))

    def back(reason):
        def f(r):
            p = copy.deepcopy(r[-1][1])
            p["chain"] = next_chain(p)
            p.update(leaving=p["replacement"], replacement=p["leaving"],
                     reason={"kind": reason, "text": "t"})
            r.append([r[-1][0], p])
        return f
    variant(R, "the officer who left comes back (left set)", back("illness"))
    variant(R, "the officer who left comes back (left set), replay", back("other"), full=False)

    def ill_then_supplement(team_of):
        def f(r):
            sup = records(os.path.join(CDIR2, S + ".jsonl"))[-1]
            rp = r[-1][1]
            rp["reason"] = {"kind": "illness", "text": "t"}
            sup[1]["chain"] = next_chain(rp)
            sup[1]["draw"] = rp["draw"]
            sup[1]["team"] = team_of(rp, sup[1]["team"])
            r.append(sup)
        return f
    variant(R, "illness, then a supplement naming the ill officer, replay",
            ill_then_supplement(lambda rp, t: [rp["leaving"], t[1]]), full=False)
    variant(R, "illness, then a supplement (its vector team), full",
            ill_then_supplement(lambda rp, t: t))
    variant(R, "recusal, then a supplement (its vector team), full",
            lambda r: ill_then_supplement(lambda rp, t: t)(r) or r[3][1].update(
                reason={"kind": "recusal", "text": "t"}))

    def supplement_then_replace(r):
        # the supplement of S replaces entity ...0242; then the honest
        # replacement of R on ...0242, whose team still visits (§A.2), n = 1
        rp = records(os.path.join(CDIR2, R + ".jsonl"))[-1]
        rp[1]["chain"] = next_chain(r[-1][1])
        r.append(rp)
    variant(S, "then a replacement on the replaced entity's team (n = 1)",
            supplement_then_replace)

    def replace_supplementary(r):
        p = copy.deepcopy(records(os.path.join(CDIR2, R + ".jsonl"))[-1][1])
        p["chain"] = next_chain(r[-1][1])
        p.update(uscc=r[-1][1]["uscc"], leaving=r[-1][1]["team"][1], place=1)
        r.append([T2 + "replacement.v2+json", p])
    variant(S, "then a replacement on the supplementary entity's place 1 (pick checked)",
            replace_supplementary)
    # which officer is the pick (exactly one of the register should hold)
    for who in [f"ZF00{i}" for i in range(8)]:
        variant(S, f"then a replacement on the replaced entity's team by {who}",
                lambda r, who=who: supplement_then_replace(r) or r[-1][1].update(
                    replacement=who))
        variant(S, f"then a replacement on the supplementary entity's place 1 by {who}",
                lambda r, who=who: replace_supplementary(r) or r[-1][1].update(
                    replacement=who))
    # supplements (FORMAT §7 supplement)
    variant(S, "team reversed", lambda r: r[-1][1]["team"].reverse())
    variant(S, "team reversed, replay", lambda r: r[-1][1]["team"].reverse(), full=False)
    variant(S, "team of one", lambda r: r[-1][1]["team"].pop())
    variant(S, "team with a repeated officer", lambda r: r[-1][1].update(
        team=[r[-1][1]["team"][0]] * 2))
    variant(S, "team names an officer not in the register", lambda r: r[-1][1]["team"].
            __setitem__(1, "ZF999"))
    variant(S, "replaced not on the list", last(replaced="91140522MA0000000K"))
    variant(S, "uscc already on the list", lambda r: r[-1][1].update(
        uscc=r[1][1]["drawn"]["B"][0]["uscc"]))
    variant(S, "class B for a class-A entity", last(**{"class": "B"}))
    variant(S, "class B, replay", last(**{"class": "B"}), full=False)
    variant(S, "rank + 1, replay", lambda r: r[-1][1].update(rank=str(int(r[-1][1]["rank"]) + 1)),
            full=False)
    variant(S, "rank 99 (beyond the class), full", last(rank="99"))
    variant(S, "reason kind 'unreachable' (holds)", last(reason={"kind": "unreachable",
                                                                 "text": ""}))
    variant(S, "reason kind 'revoked' (unknown)", last(reason={"kind": "revoked", "text": "x"}))

    def twice(r):
        p = copy.deepcopy(r[-1][1])
        p["chain"] = next_chain(p)
        r.append([r[-1][0], p])
    variant(S, "the same supplement twice (already replaced, already on the list)", twice)
    # the limit and the state (FORMAT §7 step 7: the state takes in only the
    # changes that fit the list; j and the limit count which supplements?)
    variant(L, "second supplement's replaced not on the list (later ranks?)",
            lambda r: r[4][1].update(replaced="91140522MA0000000K"))
    variant(L, "second supplement's replaced not on the list, replay",
            lambda r: r[4][1].update(replaced="91140522MA0000000K"), full=False)
    variant(L, "second supplement's team reversed (still fits; full)",
            lambda r: r[4][1]["team"].reverse())
    variant(L, "without the last (3 of 3: holds)", lambda r: r[:-1])
    variant(L, "second supplement of class B (then: its class's ranks?)",
            lambda r: r[4][1].update(**{"class": "B"}), full=False)
    variant(L, "second supplement's uscc already on the list (then?)",
            lambda r: r[4][1].update(uscc=r[1][1]["drawn"]["B"][0]["uscc"]), full=False)

    def wrong_holder_then(second):
        def f(r):
            p = r[-1][1]
            p.update(leaving="ZF000", replacement="ZF001",
                     reason={"kind": "illness", "text": "t"})  # ZF003 holds place 0
            q = copy.deepcopy(p)
            q["chain"] = next_chain(p)
            second(q)
            r.append([r[-1][0], q])
        return f
    variant(R, "leaving not the holder (illness), then ZF003 leaves place 0 for ZF000 "
            "(was the first applied? is ZF000 unavailable?)", wrong_holder_then(
                lambda q: q.update(leaving="ZF003", replacement="ZF000",
                                   reason={"kind": "recusal", "text": "t"})), full=False)
    variant(R, "leaving not the holder (illness), then ZF001 leaves place 0 for ZF002",
            wrong_holder_then(lambda q: q.update(leaving="ZF001", replacement="ZF002",
                                                 reason={"kind": "recusal", "text": "t"})),
            full=False)
    # over-cap (warning, chain level)

    def cap(n):
        def f(r):
            r[0][1]["task"]["team"]["workload_cap"] = n
        return f
    variant(R, "cap 1, level chain (over-cap warning)", cap(1), full=False, level="chain")
    variant(S, "cap 1, level chain (over-cap warning)", cap(1), full=False, level="chain")
    variant(L, "max_supplements 0, level chain", lambda r: r[0][1]["task"].update(
        max_supplements=0), full=False, level="chain")

    # a version-1 draw (FORMAT §10: no after-draw record)
    def on_v1(r):
        v1 = records(os.path.join(CDIR, "valid.jsonl"))
        p = copy.deepcopy(r[-1][1])
        p["chain"] = dict(p["chain"], sequence=str(len(v1)),
                          created_at=v1[-1][1]["chain"]["created_at"])
        p["draw"] = "@1"
        return v1 + [[r[-1][0], p]]
    variant(R, "naming the draw of a version-1 chain", on_v1, full=False)
    return P


# ---------------------------------------------------------- proof bundles --
def chain_records(path, key):
    """(raw line, kind, version, record, id) of every line of a valid chain."""
    out = []
    for raw in open(path, "rb").read().split(b"\n"):
        if not raw.strip():
            continue
        ptype, payload, sigs = V.decode_envelope(raw)
        kind, version, rec, _ = V.open_record(ptype, payload, sigs, key)
        out.append((raw, kind, version, rec, C.record_id(ptype, payload)))
    return out


def my_bundle(recs, entities_path, cid, uscc):
    """A bundle (FORMAT §8) made by this verifier: the commitment's line, its
    draw's line and the inclusion proof into the pool FORMAT §3.1 derives."""
    raw_c, _, version, cr, _ = next(o for o in recs if o[4] == cid)
    draw = next((o for o in recs if o[1] == "draw" and o[3]["commitment"] == cid), None)
    st = types.SimpleNamespace(all_draws={o[4]: o[3] for o in recs if o[1] == "draw"})
    bad = []
    pool = V.commitment_pool(st, dict(version=version, rec=cr),
                             V.load_entities(entities_path, bad))
    leaves = [C.leaf_hash(C.entity_leaf_for(version)(e)) for e in pool]
    i = next(n for n, e in enumerate(pool) if e["uscc"] == uscc)
    start = sum(1 for x in pool if x["credit_class"] < pool[i]["credit_class"])
    return {"format": V.PROOF_FORMATS[version], "commitment": raw_c.decode(),
            "draw": draw[0].decode() if draw else None,
            "proof": {"entity": {f: pool[i][f] for f in V.ENTITY_FIELDS[version]},
                      "rank": str(i - start),
                      "proof": {"index": str(i), "tree_size": str(len(pool)),
                                "path": [h.hex() for h in C.audit_path(i, leaves)]}}}


def judge_proof(cli, bundle, key_path):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(bundle, f, ensure_ascii=False)
    p = subprocess.run([cli, "verify-proof", "--proof", f.name, "--public-key", key_path,
                        "--json"], capture_output=True, text=True)
    os.unlink(f.name)
    try:
        j = json.loads(p.stdout)
    except json.JSONDecodeError:
        rust = ("usage-error", None, [])
    else:
        v = j.get("verdict") or {}
        errs = sorted({x["check"] for x in v.get("findings", []) if x["severity"] == "error"})
        drawn = None if not v or v.get("draw") is None else v.get("drawn_at") is not None
        rust = ("holds" if j["holds"] else "fails", drawn, errs)
    key = V.parse_public_key_file(open(key_path, "rb").read())
    rep = V.verify_proof(json.dumps(bundle, ensure_ascii=False).encode(), key)
    py = ("usage-error" if rep.unreadable else "holds" if rep.ok else "fails",
          rep.proof and rep.proof["drawn"], rep.failing())
    if rust[0] != "holds" and not rust[2]:
        # the bundled verify-proof names no check for a bundle it refuses as a
        # whole (one "error" message): compare the verdicts only
        py = py[:2] + ([],)
    return rust, py


def proof_probes(cli):
    """The bundled `prove` against this verifier's verify_proof, this
    verifier's bundles against `verify-proof`, and tampered bundles against
    both, on the worked example's chain (run examples/yangcheng/run.sh)."""
    out = os.environ.get("DR_EXAMPLE_DIR", os.path.join(ROOT, "target", "example-yangcheng"))
    chain = os.path.join(out, "chain.jsonl")
    if not os.path.exists(chain):
        print("(no example chain: proof probes skipped)")
        return []
    ents = os.path.join(ROOT, "examples", "yangcheng", "entities.csv")
    kpath = os.path.join(out, "keys", "issuer.pub")
    key = V.parse_public_key_file(open(kpath, "rb").read())
    recs = chain_records(chain, key)
    bad = []
    master = V.load_entities(ents, bad)
    results = []
    st = types.SimpleNamespace(all_draws={o[4]: o[3] for o in recs if o[1] == "draw"})
    for o in recs:
        if o[1] != "commitment":
            continue
        cid = o[4]
        pool = V.commitment_pool(st, dict(version=o[2], rec=o[3]), master)
        draw = next((x for x in recs if x[1] == "draw" and x[3]["commitment"] == cid), None)
        drawn = [e["uscc"] for x in "ABCD" for e in draw[3]["drawn"][x]] if draw else []
        undrawn = [e["uscc"] for e in pool if e["uscc"] not in drawn]
        for uscc in drawn[:2] + undrawn[:2] + undrawn[-1:]:
            p = subprocess.run([cli, "prove", "--chain", chain, "--public-key", kpath,
                                "--entities", ents, "--uscc", uscc, "--commitment", cid],
                               capture_output=True, text=True)
            if p.returncode != 0:
                results.append((f"prove {o[3]['task']['id']} {uscc}", ("prove refused",), ()))
                continue
            rb = json.loads(p.stdout)
            mb = my_bundle(recs, ents, cid, uscc)
            label = f"{o[3]['task']['id']} {uscc} ({'drawn' if uscc in drawn else 'not drawn'})"
            results.append((f"bundle of prove, {label}",) + judge_proof(cli, rb, kpath))
            results.append((f"bundle of pyverify, {label}, same bytes as prove's: "
                            f"{mb == rb}",) + judge_proof(cli, mb, kpath))
    # tampered bundles: one drawn entity of the first commitment
    c0 = next(o for o in recs if o[1] == "commitment")
    d0 = next(o for o in recs if o[1] == "draw" and o[3]["commitment"] == c0[4])
    u0 = next(e["uscc"] for x in "ABCD" for e in d0[3]["drawn"][x])
    other_draw = next(o for o in recs if o[1] == "draw" and o[4] != d0[4])

    def t(label, fn):
        b = my_bundle(recs, ents, c0[4], u0)
        fn(b)
        results.append((f"tampered: {label}",) + judge_proof(cli, b, kpath))
    t("format v1 for a v2 commitment", lambda b: b.update(format=V.PROOF_FORMATS[1]))
    t("format unknown", lambda b: b.update(format="double-random/entity-proof/v3"))
    t("entity status changed", lambda b: b["proof"]["entity"].update(status="revoked"))
    t("entity without target_types", lambda b: b["proof"]["entity"].pop("target_types"))
    t("entity with an extra member", lambda b: b["proof"]["entity"].update(x=""))
    t("entity class changed", lambda b: b["proof"]["entity"].update(
        credit_class="D" if b["proof"]["entity"]["credit_class"] != "D" else "C"))
    t("rank + 1", lambda b: b["proof"].update(rank=str(int(b["proof"]["rank"]) + 1)))
    t("index + 1", lambda b: b["proof"]["proof"].update(
        index=str(int(b["proof"]["proof"]["index"]) + 1)))
    t("tree_size + 1", lambda b: b["proof"]["proof"].update(
        tree_size=str(int(b["proof"]["proof"]["tree_size"]) + 1)))
    t("a path hash changed", lambda b: b["proof"]["proof"]["path"].__setitem__(0, "00" * 32))
    t("no draw (holds, drawn unknown)", lambda b: b.update(draw=None))
    t("the draw of another commitment", lambda b: b.update(draw=other_draw[0].decode()))
    t("the commitment given as the draw", lambda b: b.update(draw=b["commitment"]))
    t("an unknown bundle member", lambda b: b.update(extra=None))
    t("commitment envelope re-encoded with spaces (same record)",
      lambda b: b.update(commitment=json.dumps(json.loads(b["commitment"]), indent=1)))
    return results


def main():
    args = [a for a in sys.argv[1:]]
    only = None
    if "--only" in args:
        i = args.index("--only")
        only = args[i + 1]
        del args[i:i + 2]
    cli = args[0] if args else os.path.join(ROOT, "target", "release", "double-random")
    disagree = warn_diff = total = 0
    for name, text, full, regs, opts in [p + ({},) for p in probes()] + probes_v2() + \
            probes_after_draw():
        if only and only not in name:
            continue
        total += 1
        REGS.clear()
        REGS.update(regs)
        OPTS.clear()
        OPTS.update(opts)
        rs = run_rust(cli, text, full)
        py = run_py(text, full)
        same = rs[0] == py[0] and set(rs[1]) == set(py[1])
        disagree += not same
        wsame = set(rs[2]) == set(py[2])
        warn_diff += not wsame
        mark = "same " if same else "DIFF "
        wnote = "" if wsame else f"\n       warnings differ: rust {rs[2]}, py {py[2]}"
        print(f"{mark} {name}\n       rust: {rs[0]} {rs[1]}\n       py:   {py[0]} {py[1]}{wnote}")
    pdiff = ptotal = 0
    for name, rust, py in proof_probes(cli) if not only or "proof" in only else []:
        ptotal += 1
        same = rust == py
        pdiff += not same
        print(f"{'same ' if same else 'DIFF '} proof: {name}\n       rust: {rust}\n       py:   {py}")
    print(f"{total} chain probes, {disagree} disagreement(s), {warn_diff} with other warnings; "
          f"{ptotal} proof probes, {pdiff} disagreement(s)")


if __name__ == "__main__":
    main()
