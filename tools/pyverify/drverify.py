#!/usr/bin/env python3
"""Independent verifier of double-random chains (format v1), from docs alone.

Usage:
  drverify.py --chain CHAIN.jsonl --public-key ISSUER.pub
              [--entities E.csv --inspectors I.csv --conflicts C.csv [--items T.csv]
               (--conflict-salt SALT.hex | --secrets CHAIN.jsonl.secrets.jsonl)
               [--draw PREFIX]]
              [--level chain|replay|full] [--json]

Exit status 0 when every check holds (warnings allowed), 1 otherwise,
2 on a usage error. Check names are those of docs/FORMAT.md §7.
"""
import argparse
import calendar
import csv
import hashlib
import io
import json
import os
import re
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from drcore import (METHODS, AssignError, FormatError, U64_MAX, assign_teams,  # noqa: E402
                    b64decode_strict, check_public_key, conflict_leaf,
                    derive_seed, draw_ranks, ed25519_verify_strict,
                    entity_leaf, inspector_leaf, item_leaf, json_strict,
                    key_id, leaf_hash, mth, pae, sample_sizes)

T_COMMIT = "application/vnd.double-random.commitment.v1+json"
T_DRAW = "application/vnd.double-random.draw.v1+json"
T_CANCEL = "application/vnd.double-random.cancellation.v1+json"
ALGORITHM = "double-random/draw/v1"
CLASSES = "ABCD"
QUICKNET_HASH = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
QUICKNET_GENESIS = 1692803367
QUICKNET_PERIOD = 3
# Not in the docs (gap): the quicknet group public key, from drand's public
# network information (/info of chain 52db9ba7...).
QUICKNET_PUBKEY = ("83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c"
                   "8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb"
                   "5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a")


class Report:
    def __init__(self):
        self.findings = []
        self.head = None  # the last accepted record: {"sequence", "record"}

    def error(self, check, msg, where=None):
        self.findings.append(dict(level="error", check=check, message=msg, where=where))

    def warn(self, check, msg, where=None):
        self.findings.append(dict(level="warning", check=check, message=msg, where=where))

    def info(self, check, msg, where=None):
        self.findings.append(dict(level="ok", check=check, message=msg, where=where))

    @property
    def ok(self):
        return not any(f["level"] == "error" for f in self.findings)

    def failing(self):
        return sorted({f["check"] for f in self.findings if f["level"] == "error"})


# ------------------------------------------------------------ key file --
def parse_public_key_file(data):
    """docs/spec/envelope.md §6 "Key files"."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError("key file: not UTF-8") from None
    if not text.endswith("\n") or "\r" in text:
        raise FormatError("key file: must be four LF-terminated lines")
    lines = text[:-1].split("\n")
    if len(lines) != 4 or lines[0] != "double-random-public-key-v1":
        raise FormatError("key file: bad header or line count")
    if not lines[1].startswith("issuer: ") or not lines[2].startswith("key: ") \
            or not lines[3].startswith("key-id: "):
        raise FormatError("key file: bad labels")
    issuer = lines[1][len("issuer: "):]
    ib = issuer.encode("utf-8")
    if not 1 <= len(ib) <= 256 or any(unicodedata.category(ch) == "Cc" for ch in issuer) \
            or issuer != issuer.strip() or issuer[:1].isspace() or issuer[-1:].isspace():
        raise FormatError("key file: bad issuer name")
    pk = b64decode_strict(lines[2][len("key: "):])
    if len(pk) != 32:
        raise FormatError("key file: key is not 32 bytes")
    check_public_key(pk)
    kid = lines[3][len("key-id: "):]
    if kid != key_id(pk):
        raise FormatError("key file: key-id does not match the key")
    return dict(issuer=issuer, public_key=pk, key_id=kid)


# ------------------------------------------------------------ envelope --
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def decode_envelope(line):
    env = json_strict(line)
    if not isinstance(env, dict):
        raise FormatError("envelope: top level is not an object")
    for k in env:
        if k not in ("payload", "payloadType", "signatures"):
            raise FormatError(f"envelope: unknown member {k!r}")
    for k in ("payload", "payloadType", "signatures"):
        if k not in env:
            raise FormatError(f"envelope: missing member {k!r}")
    if not isinstance(env["payload"], str) or not isinstance(env["payloadType"], str):
        raise FormatError("envelope: payload/payloadType not a string")
    if not isinstance(env["signatures"], list):
        raise FormatError("envelope: signatures is not an array")
    sigs = []
    for s in env["signatures"]:
        if not isinstance(s, dict):
            raise FormatError("envelope: signature is not an object")
        for k in s:
            if k not in ("keyid", "sig"):
                raise FormatError(f"envelope: unknown signature member {k!r}")
        for k in ("keyid", "sig"):
            if k not in s:
                raise FormatError(f"envelope: missing signature member {k!r}")
            if not isinstance(s[k], str):
                raise FormatError(f"envelope: {k} not a string")
    payload = b64decode_strict(env["payload"])
    if not env["signatures"]:
        raise FormatError("envelope: no signatures")
    for s in env["signatures"]:
        if not HEX64.match(s["keyid"]):
            raise FormatError("envelope: keyid format")
        sig = b64decode_strict(s["sig"])
        if len(sig) != 64:
            raise FormatError("envelope: signature length")
        sigs.append((s["keyid"], sig))
    return env["payloadType"], payload, sigs


def verify_envelope(ptype, payload, sigs, key):
    mine = [sig for kid, sig in sigs if kid == key["key_id"]]
    if not mine:
        return "no signature with the issuer's key id"
    if len(mine) > 1:
        return "more than one signature with the issuer's key id"
    if not ed25519_verify_strict(key["public_key"], pae(ptype, payload), mine[0]):
        return "signature does not verify (strict Ed25519 over PAE)"
    return None


# ------------------------------------------------------- payload schema --
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
U64_RE = re.compile(r"^(0|[1-9][0-9]*)$")
HEX_RE = re.compile(r"^(?:[0-9a-f]{2})*$")


class Schema:
    """Tiny strict schema checker."""

    @staticmethod
    def obj(v, path, members):
        if not isinstance(v, dict):
            raise FormatError(f"{path}: not an object")
        for k in v:
            if k not in members:
                raise FormatError(f"{path}: unknown member {k!r}")
        for k in members:
            if k not in v:
                raise FormatError(f"{path}: missing member {k!r}")
        return {k: members[k](v[k], f"{path}.{k}") for k in members}


def s_str(v, p):
    if not isinstance(v, str):
        raise FormatError(f"{p}: not a string")
    return v


def s_hex64(v, p):
    if not isinstance(v, str) or not HEX64.match(v):
        raise FormatError(f"{p}: not 64 lowercase hex digits")
    return v


def s_hex(v, p):
    if not isinstance(v, str) or not HEX_RE.match(v):
        raise FormatError(f"{p}: not lowercase hex")
    return v


def s_u64(v, p):
    if not isinstance(v, str) or not U64_RE.match(v) or int(v) > U64_MAX:
        raise FormatError(f"{p}: not a canonical decimal u64 string")
    return int(v)


def s_int(lo, hi):
    def f(v, p):
        if type(v) is not int or not lo <= v <= hi:
            raise FormatError(f"{p}: not an integer in [{lo}, {hi}]")
        return v
    return f


def _valid_date(s, min_year=1900):
    """FORMAT §1: a calendar date of the years 1900-9999 (times: 1970-9999)."""
    y, m, d = int(s[0:4]), int(s[5:7]), int(s[8:10])
    return min_year <= y and 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def s_time(v, p):
    if not isinstance(v, str) or not TIME_RE.match(v) or not _valid_date(v[:10], 1970) \
            or int(v[11:13]) > 23 or int(v[14:16]) > 59 or int(v[17:19]) > 59:
        raise FormatError(f"{p}: not a time YYYY-MM-DDTHH:MM:SSZ")
    return v


def s_date(v, p):
    if not isinstance(v, str) or not DATE_RE.match(v) or not _valid_date(v):
        raise FormatError(f"{p}: not a date YYYY-MM-DD")
    return v


def s_null_or(f):
    def g(v, p):
        return None if v is None else f(v, p)
    return g


def s_list(f):
    def g(v, p):
        if not isinstance(v, list):
            raise FormatError(f"{p}: not an array")
        return [f(x, f"{p}[{i}]") for i, x in enumerate(v)]
    return g


def s_enum(*vals):
    def f(v, p):
        if v not in vals:
            raise FormatError(f"{p}: not one of {vals}")
        return v
    return f


def s_classes(f):
    def g(v, p):
        return Schema.obj(v, p, {c: f for c in CLASSES})
    return g


def s_obj(members):
    return lambda v, p: Schema.obj(v, p, members)


S_CHAIN = s_obj(dict(issuer=s_str, key_id=s_hex64, sequence=s_u64,
                     previous=s_null_or(s_hex64), created_at=s_time))
# Ranges (team_size >= 2, cap >= 1, bp <= 10000, ratios not decreasing) are
# rules of the task, not of the schema (FORMAT §4): such records decode and
# fail `task-rules` (task_problems).
S_TEAM_RULES = s_obj(dict(
    team_size=s_int(0, 2**32 - 1), initiating_department=s_str,
    participating_departments=s_list(s_str), required_expertise=s_list(s_str),
    workload_cap=s_null_or(s_int(0, 2**32 - 1)),
    jurisdiction=s_enum("any-jurisdiction", "cross-jurisdiction"),
    rotation=s_enum("off", "avoid-previous-team")))
S_TASK = s_obj(dict(id=s_str, name=s_str, items=s_list(s_str),
                    ratios_bp=s_classes(s_int(0, 2**32 - 1)), team=S_TEAM_RULES,
                    inspection_date=s_null_or(s_date)))
S_ROOT = s_obj(dict(root=s_hex64, size=s_u64))
S_REGISTERS = s_obj(dict(
    entities=s_obj(dict(root=s_hex64, size=s_u64, class_sizes=s_classes(s_u64))),
    inspectors=S_ROOT, conflicts=S_ROOT, items=s_null_or(S_ROOT)))


def s_randomness_plan(v, p):
    if not isinstance(v, dict) or "source" not in v:
        raise FormatError(f"{p}: not a randomness plan")
    src = v["source"]
    if src == "drand":
        return Schema.obj(v, p, dict(source=s_str, chain_hash=s_hex64, round=s_u64))
    if src == "ceremony":
        return Schema.obj(v, p, dict(source=s_str, procedure=s_str, scheduled_at=s_time,
                                     witnesses=s_list(s_str)))
    if src == "local":
        return Schema.obj(v, p, dict(source=s_str))
    raise FormatError(f"{p}.source: unknown source {src!r}")


S_COMMITMENT = s_obj(dict(chain=S_CHAIN, task=S_TASK, registers=S_REGISTERS,
                          randomness=s_randomness_plan, history=s_null_or(s_hex64)))
def s_uscc(v, p):
    """FORMAT §5.2: a USCC in a record is 18 characters of the GB 32100
    alphabet, upper case; the check character is not enforced there."""
    if not isinstance(v, str) or len(v) != 18 or any(ch not in USCC_CHARS for ch in v):
        raise FormatError(f"{p}: not 18 upper-case characters of the USCC alphabet")
    return v


S_DRAWN = s_obj(dict(rank=s_u64, uscc=s_uscc))
S_DRAW = s_obj(dict(
    chain=S_CHAIN, commitment=s_hex64,
    randomness=s_obj(dict(value=s_hex, beacon_signature=s_null_or(s_hex))),
    seed=s_hex64, algorithm=s_str, library_version=s_str, inspection_date=s_date,
    drawn=s_classes(s_list(S_DRAWN)),
    teams=s_list(s_obj(dict(uscc=s_uscc, inspectors=s_list(s_str))))))
S_CANCEL = s_obj(dict(chain=S_CHAIN, commitment=s_hex64, reason=s_str))
SCHEMAS = {T_COMMIT: ("commitment", S_COMMITMENT), T_DRAW: ("draw", S_DRAW),
           T_CANCEL: ("cancellation", S_CANCEL)}


def canonical_payload(raw):
    """Compact re-serialisation with members in document order (what the
    issuer is said to write). Used only for an informative warning."""
    return json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ------------------------------------------------------------- registers --
HEADER_ALIASES = {
    "entities": dict(
        uscc=["统一社会信用代码", "社会信用代码", "信用代码"],
        name=["名称", "企业名称", "单位名称", "主体名称"],
        credit_class=["信用风险分类", "风险分类", "信用风险等级", "风险等级"],
        region=["行政区划代码", "区划代码", "所属区域", "辖区", "管辖区域"],
        industry=["行业", "所属行业", "行业类别"]),
    "inspectors": dict(
        id=["执法证号", "执法证件号", "证件号", "人员编号"],
        name=["姓名", "人员姓名", "执法人员姓名"],
        department=["所属股室", "股室", "部门", "所属部门"],
        region=["行政区划代码", "区划代码", "所属区域", "辖区", "管辖区域"],
        expertise=["业务专长", "专长", "执法资质"],
        cert_valid_from=["证件有效期起", "有效期起"],
        cert_valid_to=["证件有效期止", "有效期止", "有效期至"]),
    "conflicts": dict(
        inspector_id=["执法证号", "执法证件号", "证件号", "人员编号"],
        uscc=["统一社会信用代码", "社会信用代码", "信用代码"],
        reason=["回避原因", "原因"]),
    "items": dict(
        id=["事项编号", "编号"], name=["事项名称", "检查事项名称", "名称"],
        category=["事项类别", "类别"], target_type=["检查对象", "对象类型"],
        basis=["检查依据"], department=["检查主体", "所属股室", "股室", "部门", "所属部门"],
        content=["检查内容"], method=["检查方式"],
        expertise=["所需专长", "专长要求", "执法资质", "业务专长"]),
}
REQUIRED = dict(entities={"uscc", "name", "credit_class"},
                inspectors={"id", "name", "department"},
                conflicts={"inspector_id", "uscc"},
                items={"id", "name", "category", "department", "method"})
# columns.md "Both": Unicode White_Space, what cells and values are trimmed of.
TRIM = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
        "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
SEPARATORS = re.compile("[;；、,，]")
# columns.md: the accepted cells, compared after trimming and ASCII lower-casing.
CLASS_NAMES = {"a": "A", "low": "A", "低风险": "A", "b": "B", "general": "B", "一般风险": "B",
               "c": "C", "higher": "C", "较高风险": "C", "d": "D", "high": "D", "高风险": "D"}
CATEGORY = {"key": "key", "重点": "key", "重点事项": "key", "重点检查事项": "key",
            "general": "general", "一般": "general", "一般事项": "general",
            "一般检查事项": "general"}
METHOD = {}
for _m, _names in [
        ("on-site", ["on-site", "onsite", "on_site", "实地核查", "现场检查", "实地检查"]),
        ("written", ["written", "书面检查", "书面审查"]),
        ("online-monitoring", ["online-monitoring", "online", "online_monitoring", "网络监测"]),
        ("entrusted", ["entrusted", "entrusted-testing", "entrusted-audit", "委托检验检测",
                       "委托审计", "委托检验检测/审计", "委托检验检测、审计", "检验检测"])]:
    for _n in _names:
        METHOD[_n] = _m


def ascii_lower(t):
    return "".join(ch.lower() if ch.isascii() else ch for ch in t)


def ascii_upper(t):
    return "".join(ch.upper() if ch.isascii() else ch for ch in t)


def credit_class(cell):
    t = cell.strip(TRIM)
    if t.endswith("类"):
        t = t[:-1].rstrip(TRIM)
    return CLASS_NAMES.get(ascii_lower(t))


def norm_header(h):
    """columns.md "How headers are matched": full-width forms folded,
    whitespace, `_`, `-` dropped, lower case, `*`/`:` marks at either end."""
    h = "".join(chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else ch for ch in h)
    h = "".join(ch for ch in h if ch not in TRIM and ch not in "_-\ufeff")
    return h.lower().strip("*:")


def read_table(path, kind):
    data = open(path, "rb").read()
    if data.startswith(b"PK\x03\x04"):
        raise FormatError(f"{path}: xlsx workbooks are not supported by this verifier")
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    rows = [r for r in rows if any(c.strip(TRIM) for c in r)]
    if not rows:
        raise FormatError(f"{path}: no header row")
    header = [c.strip(TRIM) for c in rows[0]]
    lookup = {}
    for col, aliases in HEADER_ALIASES[kind].items():
        for a in [col] + aliases:
            lookup[norm_header(a)] = col
    colmap = {}
    for idx, h in enumerate(header):
        col = lookup.get(norm_header(h))
        if col is None:
            continue
        if col in colmap:
            raise FormatError(f"{path}: two headers mean column {col}")
        colmap[col] = idx
    missing = REQUIRED[kind] - set(colmap)
    if missing:
        raise FormatError(f"{path}: missing required column(s) {sorted(missing)}")
    out = []
    for n, r in enumerate(rows[1:], start=2):
        if len(r) != len(header):
            raise FormatError(f"{path}: row {n} has {len(r)} fields, header has {len(header)}")
        rec = {col: "" for col in HEADER_ALIASES[kind]}
        for col, idx in colmap.items():
            rec[col] = r[idx].strip(TRIM)
        out.append(rec)
    return out


def split_tags(cell):
    return [t.strip(TRIM) for t in SEPARATORS.split(cell) if t.strip(TRIM)]


def required(path, r, *fields):
    for f in fields:
        if not r[f]:
            raise FormatError(f"{path}: required field {f} is empty")


def region_ok(region, allow_prefix):
    """columns.md: an entity's region is 6 ASCII digits (GB/T 2260); an
    inspector's jurisdiction also 2 or 4; both may be empty."""
    return region == "" or (all(c in "0123456789" for c in region)
                            and len(region) in ((2, 4, 6) if allow_prefix else (6,)))


# Each loader reads every row: a row breaking a rule of columns.md is noted in
# `bad` (the verifier reports it as `register-file`) and left out, and the
# register is built from the other rows, as FORMAT §7 says the bundled
# verifier does. Of two rows with one key the first is kept.
def load_entities(path, bad):
    ents, seen = [], set()
    for n, r in enumerate(read_table(path, "entities"), start=1):
        uscc = None
        try:
            if r["uscc"]:
                uscc = ascii_upper(r["uscc"])
                try:
                    check_uscc(uscc)
                except FormatError as exc:
                    uscc = None
                    raise FormatError(f"{path}: {exc}") from None
                if uscc in seen:
                    raise FormatError(f"{path}: USCC {uscc} twice")
            required(path, r, "uscc", "name", "credit_class")
            cls = credit_class(r["credit_class"])
            if cls is None:
                raise FormatError(f"{path}: unknown credit class {r['credit_class']!r}")
            if not region_ok(r["region"], False):
                raise FormatError(f"{path}: region {r['region']!r} is not 6 digits")
        except FormatError as exc:
            bad.append(f"{exc} (data row {n})")
            if uscc is not None:
                seen.add(uscc)  # a row left out still claims its code
            continue
        seen.add(uscc)
        ents.append(dict(uscc=uscc, credit_class=cls, name=r["name"],
                         region=r["region"], industry=r["industry"]))
    ents.sort(key=lambda e: (e["credit_class"], e["uscc"].encode()))
    return ents


REG_DATE = re.compile("^([0-9]{4})(?:([-/.])([0-9]{1,4})\\2([0-9]{1,4})"
                      "|年([0-9]{1,4})月([0-9]{1,4})日)$")


def register_date(text):
    """columns.md "Dates": YYYY-M-D with `-`, `/` or `.` (one kind), or
    YYYY年M月D日; years 1900-9999; normalised to YYYY-MM-DD."""
    m = REG_DATE.match(text)
    if not m:
        raise FormatError(f"{text!r} is not a date")
    y = m.group(1)
    mo, d = (m.group(3), m.group(4)) if m.group(2) else (m.group(5), m.group(6))
    out = f"{y}-{int(mo):02d}-{int(d):02d}"
    if not _valid_date(out):
        raise FormatError(f"{text!r} is not a date")
    return out


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


USCC_POLICY = {"lenient": False, "warnings": []}


def check_uscc(u):
    try:
        _check_uscc(u)
    except FormatError as exc:
        if USCC_POLICY["lenient"] and "check character" in str(exc):
            USCC_POLICY["warnings"].append(str(exc))
            return
        raise


def _check_uscc(u):
    """GB 32100-2015 (not in the docs -- gap -- but enforced by the bundled
    tool): 18 characters of the code alphabet, last one the check character."""
    if len(u) != 18 or any(c not in USCC_CHARS for c in u):
        raise FormatError(f"USCC {u!r}: not 18 characters of the GB 32100 alphabet")
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(u[:17], USCC_WEIGHTS))
    if USCC_CHARS[(31 - s % 31) % 31] != u[17]:
        raise FormatError(f"USCC {u!r}: bad check character")


def load_inspectors(path, bad):
    out, seen = [], set()
    for n, r in enumerate(read_table(path, "inspectors"), start=1):
        try:
            if r["id"]:
                if r["id"] in seen:
                    raise FormatError(f"{path}: inspector id {r['id']} twice")
                seen.add(r["id"])
            required(path, r, "id", "name", "department")
            if not region_ok(r["region"], True):
                raise FormatError(f"{path}: region {r['region']!r} is not 2, 4 or 6 digits")
            for f in ("cert_valid_from", "cert_valid_to"):
                if r[f]:
                    try:
                        r[f] = register_date(r[f])
                    except FormatError as exc:
                        raise FormatError(f"{path}: {f}: {exc}") from None
            if r["cert_valid_from"] and r["cert_valid_to"] and \
                    r["cert_valid_to"] < r["cert_valid_from"]:
                raise FormatError(f"{path}: inspector {r['id']}: certificate valid-to is "
                                  "before valid-from")
        except FormatError as exc:
            bad.append(f"{exc} (data row {n})")
            continue
        out.append(dict(id=r["id"], name=r["name"], department=r["department"],
                        region=r["region"], expertise=sorted(set(split_tags(r["expertise"])),
                                                             key=lambda t: t.encode()),
                        cert_valid_from=r["cert_valid_from"], cert_valid_to=r["cert_valid_to"]))
    out.sort(key=lambda i: i["id"].encode())
    return out


def load_conflicts(path, bad, inspector_ids, usccs):
    out, seen = [], set()
    for n, r in enumerate(read_table(path, "conflicts"), start=1):
        try:
            required(path, r, "inspector_id", "uscc")
            c = dict(inspector_id=r["inspector_id"], uscc=ascii_upper(r["uscc"]),
                     reason=r["reason"])
            # columns.md: a conflict naming anyone outside the registers is
            # an error (assignment.md §5's "ignored" is about the algorithm).
            if c["inspector_id"] not in inspector_ids:
                raise FormatError(f"{path}: no inspector {c['inspector_id']} in the register")
            try:
                check_uscc(c["uscc"])
            except FormatError as exc:
                raise FormatError(f"{path}: {exc}") from None
            if c["uscc"] not in usccs:
                raise FormatError(f"{path}: no entity {c['uscc']} in the register")
            key = (c["inspector_id"], c["uscc"])
            if key in seen:
                raise FormatError(f"{path}: conflict {key} twice")
        except FormatError as exc:
            bad.append(f"{exc} (data row {n})")
            continue
        seen.add(key)
        out.append(c)
    out.sort(key=lambda c: (c["inspector_id"].encode(), c["uscc"].encode()))
    return out


def load_items(path, bad):
    out, seen = [], set()
    for n, r in enumerate(read_table(path, "items"), start=1):
        try:
            if r["id"]:
                if r["id"] in seen:
                    raise FormatError(f"{path}: item id {r['id']} twice")
                seen.add(r["id"])
            required(path, r, "id", "name", "department", "category")
            cat = CATEGORY.get(ascii_lower(r["category"]))
            if cat is None:
                raise FormatError(f"{path}: unknown category {r['category']!r}")
            methods = set()
            for m in split_tags(r["method"]):
                mm = METHOD.get(ascii_lower(m))
                if mm is None:
                    raise FormatError(f"{path}: unknown method {m!r}")
                methods.add(mm)
            if not methods:
                raise FormatError(f"{path}: required field method is empty")
        except FormatError as exc:
            bad.append(f"{exc} (data row {n})")
            continue
        out.append(dict(id=r["id"], name=r["name"], category=cat, target_type=r["target_type"],
                        basis=r["basis"], department=r["department"], content=r["content"],
                        methods=[m for m in METHODS if m in methods],
                        required_expertise=sorted(set(split_tags(r["expertise"])),
                                                  key=lambda t: t.encode())))
    out.sort(key=lambda i: i["id"].encode())
    return out


def root_hex(leaves):
    return mth([leaf_hash(x) for x in leaves]).hex()


# ------------------------------------------------------------------ drand --
def drand_round_time(round_):
    return QUICKNET_GENESIS + (round_ - 1) * QUICKNET_PERIOD


def epoch(t):
    return calendar.timegm((int(t[0:4]), int(t[5:7]), int(t[8:10]),
                            int(t[11:13]), int(t[14:16]), int(t[17:19])))


def verify_quicknet(round_, sig):
    """bls-unchained-g1-rfc9380: sig in G1 (48 bytes), pubkey in G2,
    message = SHA-256(u64_be(round)). Returns True/False, or None when the
    BLS library is missing."""
    try:
        from py_ecc.bls.hash_to_curve import hash_to_G1
        from py_ecc.bls.point_compression import decompress_G1, decompress_G2
        from py_ecc.optimized_bls12_381 import G2, Z1, curve_order, eq, multiply, pairing
    except ImportError:
        return None
    if len(sig) != 48:
        return False
    try:
        s = decompress_G1(int.from_bytes(sig, "big"))
        pk_bytes = bytes.fromhex(QUICKNET_PUBKEY)
        pk = decompress_G2((int.from_bytes(pk_bytes[:48], "big"), int.from_bytes(pk_bytes[48:], "big")))
    except Exception:
        return False
    if not eq(multiply(s, curve_order), Z1):
        return False
    msg = hashlib.sha256(round_.to_bytes(8, "big")).digest()
    h = hash_to_G1(msg, b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_", hashlib.sha256)
    # e(s, g2) == e(h, pk)
    return pairing(G2, s) == pairing(pk, h)


# ------------------------------------------------------------ the verifier --
class Registers:
    def __init__(self, entities, inspectors, conflicts, items, salt_for):
        self.entities, self.inspectors, self.conflicts, self.items = \
            entities, inspectors, conflicts, items
        self.salt_for = salt_for  # commitment id -> salt bytes or None


ASCII_BLANK = b" \t\n\x0c\r"
TIME_MAX = 253402300799  # 9999-12-31T23:59:59Z: the last time the format can write


def drand_time(plan):
    """The publication time of the committed round, or None: not quicknet,
    round 0 (there is none), or a time the format cannot write (FORMAT §6
    rule 6)."""
    if plan["chain_hash"] != QUICKNET_HASH or plan["round"] == 0:
        return None
    t = drand_round_time(plan["round"])
    return t if t <= TIME_MAX else None


def open_record(ptype, payload, sigs, key):
    """FORMAT §5 / §7 `record`: (kind, record) or raises FormatError."""
    if ptype not in SCHEMAS:
        raise FormatError(f"unknown payload type {ptype!r}")
    problem = verify_envelope(ptype, payload, sigs, key)
    if problem:
        raise FormatError(problem)
    kind, schema = SCHEMAS[ptype]
    try:
        raw = json_strict(payload)
        rec = schema(raw, kind)
    except FormatError as exc:
        raise FormatError(f"{kind} payload: {exc}") from None
    if rec["chain"]["key_id"] != key["key_id"]:
        raise FormatError("chain.key_id differs from the key's id")
    if rec["chain"]["issuer"] != key["issuer"]:
        raise FormatError("chain.issuer differs from the key file's issuer")
    return kind, rec, raw


class ChainState:
    def __init__(self):
        self.seen = {}          # record id -> first line
        self.by_seq = {}        # sequence -> first record id
        self.last = None        # (sequence, record id, created_at) of the last accepted record
        self.commitments = {}   # id -> dict(line, seq, rec, outcome)
        self.commit_order = []
        self.draws = {}         # id -> draw record, in chain order (first outcomes only)
        self.latest_draw = {}   # task id -> id of its latest draw (FORMAT §7 `history`)
        self.checked_with_registers = 0

    @property
    def head(self):
        return None if self.last is None else dict(sequence=self.last[0], record=self.last[1])


def link_check(st, rep, ln, rid, link):
    """FORMAT §6 rules 1-2 in file order. False when the record is a duplicate."""
    seq, prev, t = link["sequence"], link["previous"], link["created_at"]
    where = f"line {ln} (sequence {seq})"
    if rid in st.seen:
        rep.error("duplicate", f"the same record is already on line {st.seen[rid]}", where)
        return False
    st.seen[rid] = ln
    if st.last is None:
        if seq != 0:
            rep.error("sequence-gap", f"the chain starts at sequence {seq}, not 0", where)
        elif prev is not None:
            rep.error("broken-link", "sequence 0 names a previous record", where)
    else:
        pseq, pid, ptime = st.last
        if seq in st.by_seq:
            rep.error("fork", f"a second record at sequence {seq} (the first is "
                      f"{st.by_seq[seq][:16]})", where)
        elif seq != (pseq + 1) % 2**64:
            rep.error("sequence-gap", f"sequence {seq} follows {pseq}: records are missing "
                      "or out of order", where)
        elif prev != pid:
            rep.error("broken-link", f"previous is not the id of the record before "
                      f"({pid[:16]})", where)
        if t < ptime:
            rep.error("time-order", f"created {t}, before the previous record ({ptime})", where)
    st.by_seq.setdefault(seq, rid)
    st.last = (seq, rid, t)
    return True


def verify_chain(chain_bytes, key, regs=None, level="replay", rep=None, only_draw=None):
    """FORMAT.md §6-§7. Every line is judged in file order, as §6 says."""
    rep = rep or Report()
    do_replay = level in ("replay", "full")
    do_full = level == "full" and regs is not None
    st = ChainState()
    any_line = False
    for ln, raw in enumerate(chain_bytes.split(b"\n"), start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if all(c in ASCII_BLANK for c in raw):
            continue  # FORMAT §6: blank lines are skipped
        any_line = True
        where = f"line {ln}"
        try:
            ptype, payload, sigs = decode_envelope(raw)
        except FormatError as exc:
            rep.error("envelope", str(exc), where)
            continue
        rid = hashlib.sha256(pae(ptype, payload)).hexdigest()
        try:
            kind, rec, raw_json = open_record(ptype, payload, sigs, key)
        except FormatError as exc:
            rep.error("record", str(exc), where)
            st.seen.setdefault(rid, ln)  # a later copy of it is still a duplicate
            continue
        if canonical_payload(raw_json) != payload:
            rep.warn("record", f"{kind} payload is not compact JSON with members in "
                     "the order shown (a writing rule, FORMAT §5)", where)
        if not link_check(st, rep, ln, rid, rec["chain"]):
            continue
        seq = rec["chain"]["sequence"]
        where = f"line {ln} (sequence {seq})"
        if kind == "commitment":
            commitment_rules(st, rep, ln, rid, rec, where)
            continue
        cid = rec["commitment"]
        c = st.commitments.get(cid)
        if c is None:
            rep.error(f"{kind}-without-commitment",
                      f"commitment {cid[:16]} is not earlier on this chain", where)
            continue
        if kind == "cancellation":
            if c["outcome"] is not None:
                rep.error("second-outcome", f"cancels commitment at sequence {c['seq']}, "
                          "which already has an outcome", where)
            else:
                c["outcome"] = "cancelled"
            continue
        if c["outcome"] == "drawn":
            rep.error("second-draw", f"commitment at sequence {c['seq']} was already drawn",
                      where)
            continue
        if c["outcome"] == "cancelled":
            rep.error("draw-after-cancellation", f"commitment at sequence {c['seq']} was "
                      "cancelled", where)
            continue
        c["outcome"] = "drawn"
        d = dict(kind=kind, rec=rec, id=rid, line=ln, seq=seq)
        if do_replay:
            check_draw(d, c, st, rep, regs if do_full else None, only_draw)
        st.draws[rid] = d
        st.latest_draw[c["rec"]["task"]["id"]] = rid
    if not any_line:
        rep.warn("empty-chain", "the chain holds no record")
    rep.head = st.head
    # open commitments (§6 rule 5)
    for i, cid in enumerate(st.commit_order):
        c = st.commitments[cid]
        if c["outcome"] is not None:
            continue
        tid = c["rec"]["task"]["id"]
        where = f"line {c['line']} (sequence {c['seq']})"
        if any(st.commitments[x]["rec"]["task"]["id"] == tid for x in st.commit_order[i + 1:]):
            rep.error("abandoned-commitment", f"task {tid} was committed again later, but this "
                      "commitment has neither a draw nor a signed cancellation", where)
        else:
            rep.warn("open-commitment", f"task {tid}: committed, not yet drawn or cancelled",
                     where)
    if only_draw is not None and do_full and st.checked_with_registers == 0:
        rep.error("only-draw", f"no draw on the chain has a record id starting with "
                  f"{only_draw!r}: nothing was checked against the registers")
    return rep


def commitment_rules(st, rep, ln, rid, rec, where):
    tid = rec["task"]["id"]
    open_same = [c["seq"] for c in st.commitments.values()
                 if c["outcome"] is None and c["rec"]["task"]["id"] == tid]
    if open_same:
        rep.error("abandoned-commitment", f"task {tid} is committed again while its "
                  f"commitment at sequence {min(open_same)} is still open", where)
    commitment_findings(rec, rep, where)
    # FORMAT §7 `history` (chain level): a history that is set names an
    # earlier draw of the chain made for a commitment of the same task id,
    # whether this commitment is drawn or not, whatever its rotation.
    h = rec["history"]
    if h is not None:
        d = st.draws.get(h)
        if d is None:
            rep.error("history", f"the commitment's history names draw {h[:16]}, which is not "
                      "an earlier draw of this chain", where)
        else:
            other = st.commitments[d["rec"]["commitment"]]["rec"]["task"]["id"]
            if other != tid:
                rep.error("history", f"the commitment's history names draw {h[:16]}, a draw of "
                          f"task {other!r}, not of {tid!r}", where)
    # A rotating task's history is its latest earlier draw (null before the first).
    if rec["task"]["team"]["rotation"] == "avoid-previous-team":
        latest = st.latest_draw.get(tid)
        if h != latest and not (h is not None and (st.draws.get(h) is None or
                st.commitments[st.draws[h]["rec"]["commitment"]]["rec"]["task"]["id"] != tid)):
            rep.error("history", f"task {tid!r} rotates teams, so its history must name its "
                      f"latest earlier draw ({latest}), not {h}", where)
    st.commit_order.append(rid)
    st.commitments[rid] = dict(line=ln, seq=rec["chain"]["sequence"], rec=rec, outcome=None,
                               id=rid)


def blank(text):
    """Empty once trimmed of Unicode White_Space (FORMAT §7 `task-rules`)."""
    return text.strip(TRIM) == ""


def task_problems(task, items_committed):
    """FORMAT §4 and §7 `task-rules`, chain level: the task-file rules that
    need no register. Returns the broken rules, in words."""
    out = []
    team = task["team"]
    for field, value in (("id", task["id"]), ("name", task["name"]),
                         ("initiating_department", team["initiating_department"])):
        if blank(value):
            out.append(f"{field} is empty")
    depts = [team["initiating_department"]] + team["participating_departments"]
    if any(blank(d) for d in team["participating_departments"]):
        out.append("a participating department is empty")
    if len(set(depts)) != len(depts):
        out.append("a department is named twice")
    tags = set(team["required_expertise"])
    if "" in tags:
        out.append("an expertise tag is empty")
    if team["team_size"] < 2:
        out.append(f"team_size {team['team_size']} is below 2")
    elif team["team_size"] < len(depts):
        out.append(f"team_size {team['team_size']} is below the {len(depts)} departments")
    elif team["team_size"] < len(depts) + len(tags):
        out.append(f"team_size {team['team_size']} is below {len(depts)} department(s) + "
                   f"{len(tags)} expertise tag(s)")
    if team["workload_cap"] == 0:
        out.append("workload_cap is 0")
    if len(set(task["items"])) != len(task["items"]):
        out.append("a check item is named twice")
    bps = [task["ratios_bp"][x] for x in CLASSES]
    if any(v > 10000 for v in bps):
        out.append("a ratio is above 10000 bp")
    if any(a > b_ for a, b_ in zip(bps, bps[1:])):
        out.append("the ratios decrease from A to D")
    if task["items"] and not items_committed:
        out.append("the task names check items but commits no check-item list")
    return out


def commitment_findings(cr, rep, where):
    """The checks a commitment passes on its own (FORMAT §7, §8)."""
    plan = cr["randomness"]
    created = cr["chain"]["created_at"]
    if plan["source"] == "drand":
        if plan["chain_hash"] != QUICKNET_HASH:
            rep.error("randomness", f"drand network {plan['chain_hash'][:16]} is not quicknet, "
                      "the only one this format knows", where)
        else:
            t = drand_time(plan)
            if t is None:
                rep.error("randomness-timing", f"drand round {plan['round']} has no publication "
                          "time (round 0, or after 9999): it never exists", where)
            elif t <= epoch(created):
                rep.error("randomness-timing", f"drand round {plan['round']} is not later than "
                          "the commitment", where)
    elif plan["source"] == "ceremony":
        if not plan["scheduled_at"] > created:
            rep.error("randomness-timing", "the ceremony is not later than the commitment", where)
    else:
        rep.warn("local-randomness", "the issuer's own randomness: nothing outside its control "
                 "fixes the draw", where)
    bad = task_problems(cr["task"], cr["registers"]["items"] is not None)
    if bad:
        rep.error("task-rules", f"the committed task breaks a rule: {'; '.join(bad)}", where)
    if cr["task"]["inspection_date"] is None:
        rep.warn("inspection-date", "no inspection date is committed: the draw's own "
                 "created_at, which the issuer states, decides whose certificates are valid",
                 where)
    e = cr["registers"]["entities"]
    total = sum(e["class_sizes"][x] for x in CLASSES)
    if total > U64_MAX or total != e["size"]:
        rep.error("register-size", "the entity class sizes "
                  f"({' + '.join(str(e['class_sizes'][x]) for x in CLASSES)}) do not add up to "
                  f"the stated size {e['size']}", where)


def draw_findings(c, dr, rep, where):
    """The checks of a draw that need only its commitment (FORMAT §7, §8).
    False when the algorithm is unknown: nothing else can be judged."""
    cr = c["rec"]
    if dr["algorithm"] != ALGORITHM:
        rep.error("algorithm", f"unknown algorithm {dr['algorithm']!r}", where)
        return False
    plan = cr["randomness"]
    value = bytes.fromhex(dr["randomness"]["value"])
    bsig = dr["randomness"]["beacon_signature"]
    sig = None if bsig is None else bytes.fromhex(bsig)
    if plan["source"] == "drand":
        if len(value) != 32:
            rep.error("randomness", "a drand round's randomness is 32 bytes", where)
        elif sig is not None and hashlib.sha256(sig).digest() != value:
            rep.error("randomness", "the value is not the SHA-256 of the beacon signature", where)
        if sig is None:
            rep.error("beacon", "a draw under a drand plan carries no beacon signature", where)
        elif plan["chain_hash"] != QUICKNET_HASH:
            rep.warn("beacon", "beacon of a drand network other than quicknet: not checked", where)
        else:
            ok = verify_quicknet(plan["round"], sig)
            if ok is None:
                rep.warn("beacon", "beacon signature not checked (no BLS library)", where)
            elif not ok:
                rep.error("beacon", f"the beacon signature does not verify for quicknet round "
                          f"{plan['round']}", where)
            elif hashlib.sha256(sig).digest() != value:
                rep.error("beacon", "the value is not the randomness of the signed round", where)
            else:
                rep.info("beacon", f"quicknet round {plan['round']} signature verifies", where)
    elif sig is not None:
        rep.error("randomness", "a beacon signature is given, but the plan is not a beacon", where)
    elif not value:
        rep.error("randomness", "the randomness value is empty", where)
    floor = None
    if plan["source"] == "drand":
        floor = drand_time(plan)
    elif plan["source"] == "ceremony":
        floor = epoch(plan["scheduled_at"])
    if floor is not None and epoch(dr["chain"]["created_at"]) < floor:
        rep.error("randomness-timing", "the draw is dated before its randomness existed", where)
    seed = derive_seed(bytes.fromhex(c["id"]), value)
    if seed.hex() != dr["seed"]:
        rep.error("seed", "seed is not SHA-256 of the commitment id and randomness", where)
    idate = cr["task"]["inspection_date"] or dr["chain"]["created_at"][:10]
    if dr["inspection_date"] != idate:
        rep.error("inspection-date", f"inspection_date {dr['inspection_date']} is not {idate}",
                  where)
    return True


def check_draw(d, c, st, rep, regs, only_draw):
    """FORMAT §5.2 and §7, replay level and (with regs) full level."""
    where = f"line {d['line']} (draw, sequence {d['seq']})"
    dr, cr = d["rec"], c["rec"]
    if not draw_findings(c, dr, rep, where):
        return
    task = cr["task"]
    pools = [cr["registers"]["entities"]["class_sizes"][x] for x in CLASSES]
    bps = [task["ratios_bp"][x] for x in CLASSES]
    if any(v > 10000 for v in bps):
        rep.error("replay", "cannot replay: a committed ratio is above 10000 bp", where)
        return
    try:
        sizes = sample_sizes(pools, bps)
    except FormatError as exc:
        rep.error("replay", f"cannot replay: {exc}", where)
        return
    # The counts first (FORMAT §7 `sample-size`): only a draw listing exactly
    # k_c entities per class is worth sampling, whatever the claimed pools.
    ranks_ok = True
    for ci, x in enumerate(CLASSES):
        if len(dr["drawn"][x]) != sizes[ci]:
            rep.error("sample-size", f"class {x}: {len(dr['drawn'][x])} drawn, the committed "
                      f"pool and ratio give {sizes[ci]}", where)
            ranks_ok = False
    seed = derive_seed(bytes.fromhex(c["id"]), bytes.fromhex(dr["randomness"]["value"]))
    if ranks_ok:
        for ci, x in enumerate(CLASSES):
            listed = [e["rank"] for e in dr["drawn"][x]]
            expect = draw_ranks(seed, ci, pools[ci], sizes[ci])
            if listed != expect:
                rep.error("ranks", f"class {x}: ranks {listed}, the seed gives {expect}", where)
                ranks_ok = False
    drawn_order = [(x, e) for x in CLASSES for e in dr["drawn"][x]]
    teams = dr["teams"]
    rules = task["team"]
    if len(teams) != len(drawn_order) or \
            any(t["uscc"] != e["uscc"] for t, (x, e) in zip(teams, drawn_order)):
        rep.error("teams", "teams are not one per drawn entity in draw order", where)
    for t in teams:
        if len(t["inspectors"]) != rules["team_size"] or \
                len(set(t["inspectors"])) != rules["team_size"]:
            rep.error("team-size", f"team of {t['uscc']} is not {rules['team_size']} distinct "
                      "officers", where)
    if regs is None:
        return
    if only_draw is not None and not d["id"].startswith(only_draw.lower()):
        return
    st.checked_with_registers += 1
    idate = dr["inspection_date"]
    full_checks(d, c, st.draws, rep, regs, seed, idate, drawn_order, ranks_ok, where)


def registers_match(c, rep, regs, where):
    """FORMAT §7 `register-root`: every committed root (and size) is the
    files'; a committed check-item list must be given, one not committed
    must not be."""
    reg = c["rec"]["registers"]
    ok = True
    ents = regs.entities
    eroot = root_hex([entity_leaf(e) for e in ents])
    csz = {x: sum(1 for e in ents if e["credit_class"] == x) for x in CLASSES}
    if eroot != reg["entities"]["root"] or len(ents) != reg["entities"]["size"] or \
            any(csz[x] != reg["entities"]["class_sizes"][x] for x in CLASSES):
        rep.error("register-root", "entity register root/size/class sizes differ from the "
                  "commitment", where)
        ok = False
    iroot = root_hex([inspector_leaf(i) for i in regs.inspectors])
    if iroot != reg["inspectors"]["root"] or len(regs.inspectors) != reg["inspectors"]["size"]:
        rep.error("register-root", "inspector register root/size differ from the commitment",
                  where)
        ok = False
    salt = regs.salt_for(c["id"])
    if salt is None:
        rep.error("register-root", "no conflict salt for this commitment: the conflict root "
                  "cannot be checked", where)
        ok = False
    else:
        croot = root_hex([conflict_leaf(salt, x) for x in regs.conflicts])
        if croot != reg["conflicts"]["root"] or len(regs.conflicts) != reg["conflicts"]["size"]:
            rep.error("register-root", "conflict register root/size differ from the commitment",
                      where)
            ok = False
    if reg["items"] is None:
        if regs.items is not None:
            rep.error("register-root", "a check-item list was given, but the commitment "
                      "committed none", where)
            ok = False
    elif regs.items is None:
        rep.error("register-root", "the commitment committed a check-item list: give it "
                  "(--items)", where)
        ok = False
    else:
        troot = root_hex([item_leaf(i) for i in regs.items])
        if troot != reg["items"]["root"] or len(regs.items) != reg["items"]["size"]:
            rep.error("register-root", "check-item register root/size differ from the "
                      "commitment", where)
            ok = False
    if ok and regs.items is not None:
        problem = expertise_problem(c["rec"]["task"], regs.items)
        if problem:
            rep.error("task-rules", problem, where)
    return ok


def expertise_problem(task, items):
    """FORMAT §4, §7 `task-rules` (full level), once every root matches: each
    item the task names is in the committed list, and the committed team
    rules hold every key item's tags (compared as sets)."""
    by_id = {i["id"]: i for i in items}
    missing = [x for x in task["items"] if x not in by_id]
    if missing:
        return f"the task names check item(s) {missing} that the committed list lacks"
    have = set(task["team"]["required_expertise"])
    need = set()
    for x in task["items"]:
        if by_id[x]["category"] == "key":
            need.update(by_id[x]["required_expertise"])
    # As sets (FORMAT §4): order and repeats do not change assignment.
    missing_tags = sorted(need - have, key=lambda t: t.encode())
    if missing_tags:
        return (f"the committed team rules leave out {len(missing_tags)} expertise tag(s) "
                f"the task's key items require (first: {missing_tags[0]!r})")
    return None


def full_checks(d, c, draws, rep, regs, seed, idate, drawn_order, ranks_ok, where):
    dr, cr = d["rec"], c["rec"]
    if not registers_match(c, rep, regs, where):
        return
    if not ranks_ok:
        return
    ents = regs.entities
    start, acc = {}, 0
    for x in CLASSES:
        start[x] = acc
        acc += cr["registers"]["entities"]["class_sizes"][x]
    drawn_ents = []
    for x, e in drawn_order:
        ent = ents[start[x] + e["rank"]]
        if ent["uscc"] != e["uscc"]:
            rep.error("drawn-entity", f"class {x} rank {e['rank']} is {ent['uscc']} in the "
                      f"committed register, the draw says {e['uscc']}", where)
        drawn_ents.append(dict(uscc=ent["uscc"], region=ent["region"]))
    by_id = {i["id"]: i for i in regs.inspectors}
    conf = {(x["inspector_id"], x["uscc"]) for x in regs.conflicts}
    for t in dr["teams"]:
        for m in t["inspectors"]:
            i = by_id.get(m)
            if i is None:
                rep.error("team-member", f"{m} (team of {t['uscc']}) is not in the inspector "
                          "register", where)
            elif (i["cert_valid_from"] and i["cert_valid_from"] > idate) or \
                    (i["cert_valid_to"] and i["cert_valid_to"] < idate):
                rep.error("certificate", f"{m} holds no valid certificate on {idate}", where)
            if (m, t["uscc"]) in conf:
                rep.error("conflict", f"{m} declared a conflict with {t['uscc']}", where)
    # history: a history naming no earlier draw is reported at the
    # commitment (FORMAT §7, chain level); the teams cannot be recomputed.
    # The named draw's teams count only with rotation (assign_teams).
    history = {}
    h = cr["history"]
    if h is not None:
        if h not in draws:
            return
        for t in draws[h]["rec"]["teams"]:
            history[t["uscc"]] = sorted(set(history.get(t["uscc"], [])) | set(t["inspectors"]))
    try:
        expect = assign_teams(seed, drawn_ents, regs.inspectors,
                              [(x["inspector_id"], x["uscc"]) for x in regs.conflicts],
                              cr["task"]["team"], idate, history)
    except AssignError as exc:
        rep.error("teams", f"the committed rules admit no assignment: {exc}", where)
        return
    if expect != dr["teams"]:
        for a, b_ in zip(expect, dr["teams"]):
            if a != b_:
                rep.error("teams", f"team of {a['uscc']}: expected {a['inspectors']}, "
                          f"listed {b_['inspectors']}", where)
                break
        else:
            rep.error("teams", "teams differ from the assignment", where)


# --------------------------------------------------------------------- CLI --
def load_registers(args, rep):
    salts = {}
    default_salt = None
    if args.conflict_salt:
        default_salt = bytes.fromhex(open(args.conflict_salt).read().strip())
    if args.secrets:
        for ln, line in enumerate(open(args.secrets, "rb").read().splitlines(), 1):
            if not line.strip():
                continue
            obj = json_strict(line)
            salts[obj["commitment"]] = bytes.fromhex(obj["conflict_salt"])
    bad = []
    try:
        ents = load_entities(args.entities, bad)
        insp = load_inspectors(args.inspectors, bad)
        conf = load_conflicts(args.conflicts, bad, {i["id"] for i in insp},
                              {e["uscc"] for e in ents})
        items = load_items(args.items, bad) if args.items else None
    except (FormatError, OSError, UnicodeDecodeError) as exc:
        # the file as a whole cannot be read (encoding, headers, row widths)
        rep.error("register-file", str(exc))
        return None
    for msg in bad:
        rep.error("register-file", msg)
    return Registers(ents, insp, conf, items, lambda cid: salts.get(cid, default_salt))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chain", required=True)
    ap.add_argument("--public-key", required=True)
    ap.add_argument("--entities")
    ap.add_argument("--inspectors")
    ap.add_argument("--conflicts")
    ap.add_argument("--items")
    ap.add_argument("--conflict-salt", help="hex file: one salt for every commitment")
    ap.add_argument("--secrets", help="JSON Lines {commitment, conflict_salt}")
    ap.add_argument("--level", choices=["chain", "replay", "full"])
    ap.add_argument("--draw", metavar="PREFIX",
                    help="full level: check only the draw(s) whose record id starts with "
                    "PREFIX (either case); none matching is an error (only-draw)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--uscc-policy", choices=["strict", "lenient"], default="strict",
                    help="lenient: a USCC whose only fault is its check character is a warning")
    args = ap.parse_args(argv)
    rep = Report()
    try:
        key = parse_public_key_file(open(args.public_key, "rb").read())
    except (FormatError, OSError) as exc:
        print(f"public key: {exc}", file=sys.stderr)
        return 2
    USCC_POLICY["lenient"] = args.uscc_policy == "lenient"
    USCC_POLICY["warnings"].clear()
    level = args.level or ("full" if args.entities else "replay")
    regs = None
    if level == "full":
        if not (args.entities and args.inspectors and args.conflicts):
            print("--level full needs --entities, --inspectors and --conflicts", file=sys.stderr)
            return 2
        regs = load_registers(args, rep)
        for w in USCC_POLICY["warnings"]:
            rep.warn("register-file", w + " (admitted: --uscc-policy lenient)")
        if regs is None:
            level = "replay"
    verify_chain(open(args.chain, "rb").read(), key, regs, level, rep, only_draw=args.draw)
    if args.json:
        print(json.dumps(dict(holds=rep.ok, level=level, head=rep.head, findings=rep.findings),
                         ensure_ascii=False, indent=1))
    else:
        for f in rep.findings:
            w = f" [{f['where']}]" if f["where"] else ""
            print(f"{f['level'].upper():7} {f['check']}: {f['message']}{w}")
        if rep.head:
            print(f"chain head: sequence {rep.head['sequence']}, record {rep.head['record']}")
        print(f"{'HOLDS' if rep.ok else 'FAILS'} (level {level})")
    return 0 if rep.ok else 1


if __name__ == "__main__":
    sys.exit(main())
