#!/usr/bin/env python3
"""Differential probes: variants of tests/vectors/chain/valid.jsonl, re-signed
with the published TEST ONLY key (seed 01..20), judged by this verifier and by
the bundled CLI (`target/release/double-random verify`, used as a black box).
Each probe targets a point where the docs are silent or ambiguous; a
disagreement is printed. Not part of the test suite (needs the Rust build).

    python3 tools/pyverify/differential.py [path/to/double-random]
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


def reg(name):
    r = os.path.join(CDIR, "registers")
    return REGS.get(name, f"{r}/{name}.csv")


def run_rust(cli, chain_text, full):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write(chain_text)
    args = [cli, "verify", "--chain", f.name, "--public-key", os.path.join(CDIR, "issuer.pub"), "--json"]
    if full:
        r = os.path.join(CDIR, "registers")
        args += ["--entities", reg("entities"), "--inspectors", reg("inspectors"),
                 "--conflicts", reg("conflicts"),
                 "--conflict-salt", open(f"{r}/conflict-salt.hex").read().strip()]
        if "items" in REGS:
            args += ["--items", REGS["items"]]
    p = subprocess.run(args, capture_output=True, text=True)
    os.unlink(f.name)
    try:
        j = json.loads(p.stdout)
    except json.JSONDecodeError:
        return "usage-error", [p.stderr.strip()[:200]]
    errs = sorted({x["check"] for x in j["report"]["findings"] if x["severity"] == "error"})
    return ("holds" if j["holds"] else "fails"), errs


def run_py(chain_text, full):
    key = V.parse_public_key_file(open(os.path.join(CDIR, "issuer.pub"), "rb").read())
    rep = V.Report()
    regs = None
    if full:
        r = os.path.join(CDIR, "registers")
        regs = V.load_registers(types.SimpleNamespace(
            entities=reg("entities"), inspectors=reg("inspectors"),
            conflicts=reg("conflicts"), items=REGS.get("items"),
            conflict_salt=f"{r}/conflict-salt.hex", secrets=None), rep)
    V.verify_chain(chain_text.encode(), key, regs, "full" if full else "replay", rep)
    return ("holds" if rep.ok else "fails"), rep.failing()


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


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "double-random")
    disagree = 0
    for name, text, full, regs in probes():
        REGS.clear()
        REGS.update(regs)
        rs = run_rust(cli, text, full)
        py = run_py(text, full)
        same = rs[0] == py[0] and set(rs[1]) == set(py[1])
        disagree += not same
        mark = "same " if same else "DIFF "
        print(f"{mark} {name}\n       rust: {rs[0]} {rs[1]}\n       py:   {py[0]} {py[1]}")
    print(f"{disagree} disagreement(s)")


if __name__ == "__main__":
    main()
