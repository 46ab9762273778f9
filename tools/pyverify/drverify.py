#!/usr/bin/env python3
"""Independent verifier of double-random chains (format versions 1 and 2),
written from docs/ alone.

Usage:
  drverify.py --chain CHAIN.jsonl --public-key ISSUER.pub
              [--entities E.csv --inspectors I.csv --conflicts C.csv [--items T.csv]
               [--conflict-salt SALT.hex] [--secrets CHAIN.jsonl.secrets.jsonl]
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
from drcore import (EMPTY_ROOT, METHODS, verify_inclusion, AssignError, FormatError, U64_MAX,  # noqa: E402
                    after_draw_candidates, after_draw_pick, after_draw_words,
                    assign_teams, assign_teams_v2, b64decode_strict, check_public_key,
                    conflict_leaf, derive_seed, draw_ranks, ed25519_verify_strict,
                    entity_leaf_for, inspector_leaf, is_blank, item_leaf, json_strict,
                    key_id, leaf_hash, mth, pae, rule_errors_v2, sample_sizes)

PREFIX = "application/vnd.double-random."
T_COMMIT = PREFIX + "commitment.v1+json"
T_DRAW = PREFIX + "draw.v1+json"
T_CANCEL = PREFIX + "cancellation.v1+json"
T_COMMIT2 = PREFIX + "commitment.v2+json"
T_DRAW2 = PREFIX + "draw.v2+json"
T_CANCEL2 = PREFIX + "cancellation.v2+json"
T_REPLACE2 = PREFIX + "replacement.v2+json"
T_SUPPLEMENT2 = PREFIX + "supplement.v2+json"
ALGORITHMS = {1: "double-random/draw/v1", 2: "double-random/draw/v2"}
CLASSES = "ABCD"
QUICKNET_HASH = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
QUICKNET_GENESIS = 1692803367
QUICKNET_PERIOD = 3
# FORMAT §5.1, "Checking a quicknet beacon": quicknet's group public key.
QUICKNET_PUBKEY = ("83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c"
                   "8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb"
                   "5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a")
# FORMAT §2 / columns.md: registration statuses; the four still in business.
STATUSES = ("abnormal-list", "active", "deregistered", "moved-out", "revoked",
            "serious-violation-list", "suspended")


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
# Ranges (team_size >= 2, cap >= 1, bp <= 10000, ratios not decreasing, scope
# values) are rules of the task, not of the schema (FORMAT §4): such records
# decode and fail `task-rules` (task_problems).
S_U32 = s_int(0, 2**32 - 1)
S_TEAM_RULES = s_obj(dict(
    team_size=S_U32, initiating_department=s_str,
    participating_departments=s_list(s_str), required_expertise=s_list(s_str),
    workload_cap=s_null_or(S_U32),
    jurisdiction=s_enum("any-jurisdiction", "cross-jurisdiction"),
    rotation=s_enum("off", "avoid-previous-team")))
S_TASK = s_obj(dict(id=s_str, name=s_str, items=s_list(s_str),
                    ratios_bp=s_classes(S_U32), team=S_TEAM_RULES,
                    inspection_date=s_null_or(s_date)))
S_ROOT = s_obj(dict(root=s_hex64, size=s_u64))
S_POOL = s_obj(dict(root=s_hex64, size=s_u64, class_sizes=s_classes(s_u64)))
S_REGISTERS = s_obj(dict(entities=S_POOL, inspectors=S_ROOT, conflicts=S_ROOT,
                         items=s_null_or(S_ROOT)))
# Version 2 (FORMAT §4, §5.1; assignment.md §V2.2).
S_PLACE = s_obj(dict(department=s_null_or(s_str), expertise=s_list(s_str)))
S_TEAM_RULES2 = s_obj(dict(
    initiating_department=s_str, participating_departments=s_list(s_str),
    places=s_list(S_PLACE), workload_cap=s_null_or(S_U32),
    jurisdiction=s_enum("any-jurisdiction", "cross-jurisdiction"),
    rotation=s_enum("off", "avoid-previous-team")))
S_SCOPE = s_obj({k: s_list(s_str) for k in
                 ("industries", "regions", "entity_types", "statuses", "target_types")})
S_TASK2 = s_obj(dict(id=s_str, name=s_str, items=s_list(s_str),
                     ratios_bp=s_classes(S_U32),
                     top_up=s_enum("positive-ratio", "any-class"), scope=S_SCOPE,
                     exclude_drawn=s_list(s_hex64), team=S_TEAM_RULES2,
                     inspection_date=s_date, max_supplements=S_U32))
S_REGISTERS2 = s_obj(dict(entities=S_POOL, master=S_ROOT, inspectors=S_ROOT,
                          conflicts=S_ROOT, items=s_null_or(S_ROOT)))


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


def s_uscc(v, p):
    """FORMAT §5: a USCC in a record is 18 characters of the GB 32100
    alphabet, upper case; the check character is not enforced there."""
    if not isinstance(v, str) or len(v) != 18 or any(ch not in USCC_CHARS for ch in v):
        raise FormatError(f"{p}: not 18 upper-case characters of the USCC alphabet")
    return v


S_RANDOMNESS = s_obj(dict(value=s_hex, beacon_signature=s_null_or(s_hex)))
S_COMMITMENT = s_obj(dict(chain=S_CHAIN, task=S_TASK, registers=S_REGISTERS,
                          randomness=s_randomness_plan, history=s_null_or(s_hex64)))
S_DRAW = s_obj(dict(
    chain=S_CHAIN, commitment=s_hex64, randomness=S_RANDOMNESS,
    seed=s_hex64, algorithm=s_str, library_version=s_str, inspection_date=s_date,
    drawn=s_classes(s_list(s_obj(dict(rank=s_u64, uscc=s_uscc)))),
    teams=s_list(s_obj(dict(uscc=s_uscc, inspectors=s_list(s_str))))))
S_CANCEL = s_obj(dict(chain=S_CHAIN, commitment=s_hex64, reason=s_str))
S_COMMITMENT2 = s_obj(dict(chain=S_CHAIN, task=S_TASK2, registers=S_REGISTERS2,
                           randomness=s_randomness_plan, history=s_null_or(s_hex64)))
S_DRAW2 = s_obj(dict(
    chain=S_CHAIN, commitment=s_hex64, randomness=S_RANDOMNESS,
    seed=s_hex64, algorithm=s_str, library_version=s_str,
    witnessing=s_enum("witnessed", "unwitnessed"),
    drawn=s_classes(s_list(s_obj(dict(rank=s_u64, uscc=s_uscc, team=s_list(s_str)))))))
# After the draw (FORMAT §5.4, §5.5). A USCC here is read like one in
# `drawn` (FORMAT §5 states the rule for `drawn`; this verifier applies it to
# every USCC member of a record).
S_REPLACEMENT = s_obj(dict(
    chain=S_CHAIN, draw=s_hex64, uscc=s_uscc, place=S_U32, leaving=s_str,
    reason=s_obj(dict(kind=s_enum("recusal", "illness", "transfer", "other"), text=s_str)),
    replacement=s_str))
S_SUPPLEMENT = s_obj(dict(
    chain=S_CHAIN, draw=s_hex64, replaced=s_uscc,
    reason=s_obj(dict(kind=s_enum("deregistered", "moved-out", "unreachable", "other"),
                      text=s_str)),
    **{"class": s_enum(*CLASSES)}, rank=s_u64, uscc=s_uscc, team=s_list(s_str)))
# payload type -> (kind, format version, schema)
SCHEMAS = {T_COMMIT: ("commitment", 1, S_COMMITMENT), T_DRAW: ("draw", 1, S_DRAW),
           T_CANCEL: ("cancellation", 1, S_CANCEL),
           T_COMMIT2: ("commitment", 2, S_COMMITMENT2), T_DRAW2: ("draw", 2, S_DRAW2),
           T_CANCEL2: ("cancellation", 2, S_CANCEL),
           T_REPLACE2: ("replacement", 2, S_REPLACEMENT),
           T_SUPPLEMENT2: ("supplement", 2, S_SUPPLEMENT)}


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
        industry=["行业", "所属行业", "行业类别"],
        status=["登记状态", "经营状态", "企业状态", "主体状态", "企业登记状态"],
        target_types=["检查对象类型", "对象类型", "检查对象类别", "target_type"]),
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


# columns.md, Entities, `status`: the accepted spellings of each status.
STATUS_SPELLINGS = {
    "active": ["存续", "在业", "开业", "在营", "存续（在营、开业、在册）", "在营（开业）",
               "在营（开业）企业", "active"],
    "suspended": ["歇业", "suspended"],
    "revoked": ["吊销", "被吊销", "已吊销", "吊销，未注销", "吊销未注销", "revoked"],
    "deregistered": ["注销", "已注销", "吊销，已注销", "吊销已注销", "deregistered"],
    "moved-out": ["迁出", "已迁出", "moved-out"],
    "abnormal-list": ["列入经营异常名录", "经营异常", "abnormal-list"],
    "serious-violation-list": ["列入严重违法失信名单", "列入严重违法失信企业名单", "严重违法失信",
                               "serious-violation-list"],
}


def status_key(cell):
    """How a status cell is compared (columns.md): full-width （），read as
    (),; a Chinese spelling with its white space dropped; an English one in
    any ASCII case, one separator between two words: a `-` or a `_` (white
    space around it ignored) or white space alone (`moved out`, `Moved_Out`,
    `MOVED - OUT`; not `movedout`, `moved--out`). The text says "with `-`,
    `_` or a space between words"; reading it as one separator is this
    verifier's choice (see README, ambiguities)."""
    t = cell.strip(TRIM).replace("（", "(").replace("）", ")").replace("，", ",")
    if "".join(ch for ch in t if ch not in TRIM).isascii():
        ws = "[" + re.escape(TRIM) + "]"
        words = re.split(f"{ws}*[-_]{ws}*|{ws}+", t.lower())
        if not all(words):
            return None     # an empty word: two separators in a row
        return "-".join(words)
    return "".join(ch for ch in t if ch not in TRIM)


def ascii_lower(t):
    return "".join(ch.lower() if ch.isascii() else ch for ch in t)


STATUS_OF = {status_key(n): code for code, names in STATUS_SPELLINGS.items() for n in names}


def registration_status(cell):
    """The status code of a cell; empty reads as `active`; None: unknown."""
    if cell.strip(TRIM) == "":
        return "active"
    return STATUS_OF.get(status_key(cell))


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
            status = registration_status(r["status"])
            if status is None:
                raise FormatError(f"{path}: unknown registration status {r['status']!r}")
        except FormatError as exc:
            bad.append(f"{exc} (data row {n})")
            if uscc is not None:
                seen.add(uscc)  # a row left out still claims its code
            continue
        seen.add(uscc)
        ents.append(dict(uscc=uscc, credit_class=cls, name=r["name"],
                         region=r["region"], industry=r["industry"], status=status,
                         target_types=sorted(set(split_tags(r["target_types"])),
                                             key=lambda t: t.encode())))
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
    def __init__(self, entities, inspectors, conflicts, items, salts, default_salt=None):
        # entities: every valid row of the (master) entity register, canonical order
        self.entities, self.inspectors, self.conflicts, self.items = \
            entities, inspectors, conflicts, items
        self.salts = salts                # commitment id -> salt bytes (--secrets)
        self.default_salt = default_salt  # --conflict-salt: for every other commitment

    def salt_for(self, cid):
        return self.salts.get(cid, self.default_salt)


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


def randomness_time(plan):
    """When the committed randomness becomes known (epoch seconds), or None."""
    if plan["source"] == "drand":
        return drand_time(plan)
    if plan["source"] == "ceremony":
        return epoch(plan["scheduled_at"])
    return None


def open_record(ptype, payload, sigs, key):
    """FORMAT §5 / §7 `record`: (kind, version, record, raw JSON) or raises."""
    if ptype not in SCHEMAS:
        raise FormatError(f"unknown payload type {ptype!r}")
    problem = verify_envelope(ptype, payload, sigs, key)
    if problem:
        raise FormatError(problem)
    kind, version, schema = SCHEMAS[ptype]
    try:
        raw = json_strict(payload)
        rec = schema(raw, kind)
    except FormatError as exc:
        raise FormatError(f"{kind} (v{version}) payload: {exc}") from None
    if rec["chain"]["key_id"] != key["key_id"]:
        raise FormatError("chain.key_id differs from the key's id")
    if rec["chain"]["issuer"] != key["issuer"]:
        raise FormatError("chain.issuer differs from the key file's issuer")
    return kind, version, rec, raw


def stated_key(ptype, payload, sigs, key):
    """FORMAT §7 `wrong-key`: what a line rejected by `record` states, read
    without a verified signature: ("key", key id, issuer) when a signature's
    keyid is the payload's chain.key_id and not the given key's;
    ("issuer", key id, issuer) when the given key signed it but the payload
    names another issuer; else None."""
    try:
        chain = json_strict(payload)["chain"]
        kid, issuer = chain["key_id"], chain["issuer"]
    except (FormatError, TypeError, KeyError):
        return None
    if not isinstance(kid, str) or not isinstance(issuer, str):
        return None
    if kid != key["key_id"] and any(k == kid for k, _ in sigs):
        return ("key", kid, issuer)
    if verify_envelope(ptype, payload, sigs, key) is None and issuer != key["issuer"]:
        return ("issuer", kid, issuer)
    return None


class ChainState:
    def __init__(self):
        self.seen = {}          # record id -> line, of accepted records
        self.by_seq = {}        # sequence -> first record id accepted there
        self.last = None        # (sequence, record id, created_at) of the last accepted record
        self.commitments = {}   # id -> dict(line, seq, rec, version, outcome, id)
        self.commit_order = []
        self.draws = {}         # id -> draw, the first draw of each commitment (outcomes)
        self.all_draws = {}     # id -> draw record, of those draws (for exclusions)
        self.supplements = {}   # id -> supplement record naming one of those draws (exclusions)
        self.latest_draw = {}   # task id -> id of its latest draw (FORMAT §7 `history`)
        self.after = {}         # draw id -> AfterDraw, for the outcomes of version-2 commitments
        self.reg_match = {}     # commitment id -> (roots match, pool), computed once (full)
        self.pending_full = []  # full-level checks, run once every commitment is known
        self.checked_with_registers = 0
        self.accepted = 0

    @property
    def head(self):
        return None if self.last is None else dict(sequence=self.last[0], record=self.last[1])


def link_check(st, rep, ln, rid, link):
    """FORMAT §7 steps 2-3, in file order. False when the record is a duplicate."""
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
        elif seq != pseq + 1:
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
    """FORMAT.md §6-§7. Every line is judged in file order (§7, steps 1-6)."""
    rep = rep or Report()
    do_replay = level in ("replay", "full")
    do_full = level == "full" and regs is not None
    st = ChainState()
    any_line = False
    rejected = []  # (finding, what the line states) of the lines `record` rejected
    for ln, raw in enumerate(chain_bytes.split(b"\n"), start=1):
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if all(c in ASCII_BLANK for c in raw):
            continue  # FORMAT §6: lines of ASCII whitespace are skipped
        any_line = True
        where = f"line {ln}"
        try:
            ptype, payload, sigs = decode_envelope(raw)
        except FormatError as exc:
            rep.error("envelope", str(exc), where)
            continue
        rid = hashlib.sha256(pae(ptype, payload)).hexdigest()
        try:
            kind, version, rec, raw_json = open_record(ptype, payload, sigs, key)
        except FormatError as exc:
            # §7 step 1: not remembered; a later line with the same id is judged alone
            rep.error("record", str(exc), where)
            rejected.append((rep.findings[-1], stated_key(ptype, payload, sigs, key)))
            continue
        st.accepted += 1
        if canonical_payload(raw_json) != payload:
            rep.info("record", f"{kind} payload is not compact JSON with members in "
                     "the order shown (a writing rule, not a check: FORMAT §5)", where)
        if not link_check(st, rep, ln, rid, rec["chain"]):
            continue
        seq = rec["chain"]["sequence"]
        where = f"line {ln} (sequence {seq})"
        if kind == "commitment":
            commitment_rules(st, rep, ln, rid, rec, version, where)
            continue
        if kind in ("replacement", "supplement"):
            after_draw_record(st, rep, kind, rid, rec, ln, do_replay, regs if do_full else None,
                              only_draw)
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
                continue
            c["outcome"] = "cancelled"
            t = randomness_time(c["rec"]["randomness"])
            if t is not None and epoch(rec["chain"]["created_at"]) >= t:
                rep.warn("late-cancellation", "the cancellation is dated at or after the "
                         "committed randomness time: the office could know the draw it "
                         "cancelled", where)
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
        d = dict(kind=kind, version=version, rec=rec, id=rid, line=ln, seq=seq)
        exclusion_at_draw(st, rep, c, d, where)
        if do_replay:
            check_draw(d, c, st, rep, regs if do_full else None, only_draw)
        st.draws[rid] = d
        st.all_draws[rid] = rec
        if c["version"] == 2 and version == 2:
            st.after[rid] = AfterDraw(d, c)
        st.latest_draw[c["rec"]["task"]["id"]] = rid
    if not any_line:
        rep.warn("empty-chain", "the chain holds no record")
    rep.head = st.head
    wrong_key(rep, st, rejected, key)
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
    for check in st.pending_full:
        check()
    if do_full:
        stray = sorted(x for x in regs.salts if x not in st.commitments)
        if stray:
            rep.warn("conflict-salt", f"salts given for {len(stray)} record id(s) that are no "
                     f"commitment of this chain (first: {stray[0][:16]})")
    if only_draw is not None and do_full and st.checked_with_registers == 0:
        rep.error("only-draw", f"no draw on the chain has a record id starting with "
                  f"{only_draw!r}: nothing was checked against the registers")
    return rep


def wrong_key(rep, st, rejected, key):
    """FORMAT §7 `wrong-key`: no record verifies under the key given, and
    every line `record` rejected states one other key (or, signed by the key
    given, one other issuer): one finding, first, replacing their `record`
    findings."""
    if st.accepted or not rejected:
        return
    stated = {s for _, s in rejected}
    if len(stated) != 1 or None in stated:
        return
    what, kid, issuer = stated.pop()
    ids = {id(f) for f, _ in rejected}
    rep.findings[:] = [f for f in rep.findings if id(f) not in ids]
    if what == "key":
        msg = (f"no record verifies under the key given ({key['key_id'][:16]}, issuer "
               f"{key['issuer']!r}): the records state key {kid} of issuer {issuer!r}")
    else:
        msg = (f"the records are signed by the key given but state issuer {issuer!r}, "
               f"not the key file's {key['issuer']!r}")
    rep.findings.insert(0, dict(level="error", check="wrong-key", message=msg, where=None))


def commitment_rules(st, rep, ln, rid, rec, version, where):
    tid = rec["task"]["id"]
    open_same = [c["seq"] for c in st.commitments.values()
                 if c["outcome"] is None and c["rec"]["task"]["id"] == tid]
    if open_same:
        rep.error("abandoned-commitment", f"task {tid} is committed again while its "
                  f"commitment at sequence {min(open_same)} is still open", where)
    commitment_findings(rec, version, rep, where)
    # FORMAT §7 `history` (chain level): a history that is set names an
    # earlier draw of the chain made for a commitment of the same task id,
    # whether this commitment is drawn or not, whatever its rotation.
    h = rec["history"]
    same_task = False
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
            else:
                same_task = True
    # A rotating task's history is its latest earlier draw (null before the first);
    # a history already reported above is not reported twice.
    if rec["task"]["team"]["rotation"] == "avoid-previous-team":
        latest = st.latest_draw.get(tid)
        if h != latest and (h is None or same_task):
            rep.error("history", f"task {tid!r} rotates teams, so its history must name its "
                      f"latest earlier draw ({latest}), not {h}", where)
    # FORMAT §6 rule 7, §7 `exclusion`: exclude_drawn names earlier draws of the
    # chain, that is draws the chain took as their commitment's outcome (not a
    # second draw, nor a draw naming no commitment of the chain).
    if version == 2:
        for x in dict.fromkeys(rec["task"]["exclude_drawn"]):
            if x not in st.all_draws and x not in st.supplements:
                what = ("a commitment" if x in st.commitments else
                        "not an earlier draw or supplementary draw of this chain")
                rep.error("exclusion", f"exclude_drawn names {x[:16]}, {what}", where)
    st.commit_order.append(rid)
    st.commitments[rid] = dict(line=ln, seq=rec["chain"]["sequence"], rec=rec,
                               version=version, outcome=None, id=rid)


def excluded_usccs(st, c):
    """FORMAT §3.1 step 3: the USCCs listed by the draws a version-2
    commitment's exclude_drawn names, and those the supplementary draws it
    names add."""
    out = set()
    if c["version"] != 2:
        return out
    for x in c["rec"]["task"]["exclude_drawn"]:
        d = st.all_draws.get(x)
        if d is not None:
            out.update(e["uscc"] for cls in CLASSES for e in d["drawn"][cls])
        if x in st.supplements:
            out.add(st.supplements[x]["uscc"])
    return out


def exclusion_at_draw(st, rep, c, d, where):
    """FORMAT §6 rule 7: the draw lists none of the entities the excluded draws list."""
    excluded = excluded_usccs(st, c)
    hit = [e["uscc"] for cls in CLASSES for e in d["rec"]["drawn"][cls] if e["uscc"] in excluded]
    if hit:
        rep.error("exclusion", f"the draw lists {len(hit)} entit{'y' if len(hit) == 1 else 'ies'} "
                  f"an excluded earlier draw listed (first: {hit[0]})", where)


def blank(text):
    """Empty or only Unicode White_Space (FORMAT §7 `task-rules`)."""
    return is_blank(text)


def ratio_problems(task):
    bps = [task["ratios_bp"][x] for x in CLASSES]
    out = []
    if any(v > 10000 for v in bps):
        out.append("a ratio is above 10000 bp")
    if any(a > b_ for a, b_ in zip(bps, bps[1:])):
        out.append("the ratios decrease from A to D")
    return out


def task_problems(task, items_committed):
    """Version 1 (FORMAT §10, §7 `task-rules`, chain level): the task-file
    rules that need no register. Returns the broken rules, in words."""
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
    out += ratio_problems(task)
    if task["items"] and not items_committed:
        out.append("the task names check items but commits no check-item list")
    return out


def task_problems_v2(task, items_committed):
    """Version 2 (FORMAT §4, §7 `task-rules`, chain level)."""
    out = []
    for field in ("id", "name"):
        if blank(task[field]):
            out.append(f"{field} is empty")
    if len(set(task["items"])) != len(task["items"]):
        out.append("a check item is named twice")
    out += ratio_problems(task)
    for name, values in task["scope"].items():
        if any(blank(v) for v in values):
            out.append(f"scope.{name}: a value is empty")
        if [v.encode() for v in values] != sorted({v.encode() for v in values}):
            out.append(f"scope.{name} is not sorted by bytes with each value once")
    for v in task["scope"]["entity_types"]:
        if len(v) != 2 or any(ch not in USCC_CHARS for ch in v):
            out.append(f"scope.entity_types: {v!r} is not two USCC characters")
    for v in task["scope"]["statuses"]:
        if v not in STATUSES:
            out.append(f"scope.statuses: unknown status {v!r}")
    if len(set(task["exclude_drawn"])) != len(task["exclude_drawn"]):
        out.append("exclude_drawn names a draw twice")
    err = rule_errors_v2(task["team"])
    if err:
        out.append(f"the team rules admit no team: {json.dumps(err, ensure_ascii=False)}")
    if task["items"] and not items_committed:
        out.append("the task names check items but commits no check-item list")
    return out


def commitment_findings(cr, version, rep, where):
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
        rep.warn("ceremony-randomness", "the randomness is a ceremony's outcome as the office "
                 "records it: only the ceremony's witnesses can confirm it", where)
        if all(blank(w) for w in plan["witnesses"]):
            rep.warn("ceremony-witnesses", "the ceremony plan names no witness", where)
    else:
        rep.warn("local-randomness", "the issuer's own randomness: nothing outside its control "
                 "fixes the draw", where)
    items_committed = cr["registers"]["items"] is not None
    bad = (task_problems_v2 if version == 2 else task_problems)(cr["task"], items_committed)
    if bad:
        rep.error("task-rules", f"the committed task breaks a rule: {'; '.join(bad)}", where)
    if version == 1 and cr["task"]["inspection_date"] is None:
        rep.warn("inspection-date", "no inspection date is committed: the draw's own "
                 "created_at, which the issuer states, decides whose certificates are valid",
                 where)
    e = cr["registers"]["entities"]
    total = sum(e["class_sizes"][x] for x in CLASSES)
    if total > U64_MAX or total != e["size"]:
        rep.error("register-size", "the entity class sizes "
                  f"({' + '.join(str(e['class_sizes'][x]) for x in CLASSES)}) do not add up to "
                  f"the stated size {e['size']}", where)


def draw_findings(c, d, rep, where):
    """The checks of a draw that need only its commitment (FORMAT §7 step 5,
    §8). False when `algorithm` fails: nothing else of the draw is judged."""
    cr, dr = c["rec"], d["rec"]
    want = ALGORITHMS[c["version"]]
    if d["version"] != c["version"]:
        rep.error("algorithm", f"a version-{d['version']} draw of a version-{c['version']} "
                  "commitment", where)
        return False
    if dr["algorithm"] != want:
        rep.error("algorithm", f"algorithm {dr['algorithm']!r}, the commitment's is {want!r}",
                  where)
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
    floor = randomness_time(plan)
    if floor is not None and epoch(dr["chain"]["created_at"]) < floor:
        rep.error("randomness-timing", "the draw is dated before its randomness existed", where)
    seed = derive_seed(bytes.fromhex(c["id"]), value)
    if seed.hex() != dr["seed"]:
        rep.error("seed", "seed is not SHA-256 of the commitment id and randomness", where)
    if d["version"] == 1:
        idate = cr["task"]["inspection_date"] or dr["chain"]["created_at"][:10]
        if dr["inspection_date"] != idate:
            rep.error("inspection-date", f"inspection_date {dr['inspection_date']} is not "
                      f"{idate}", where)
    elif dr["witnessing"] == "unwitnessed":
        rep.warn("unwitnessed", "the office says it drew without witness cosignatures of the "
                 "commitment dated before the randomness", where)
    return True


def drawn_list(d):
    """The drawn entities in draw order: (class, rank, uscc, team ids or None)."""
    dr = d["rec"]
    out = [[x, e["rank"], e["uscc"], e.get("team")] for x in CLASSES for e in dr["drawn"][x]]
    return out


def draw_teams(rec):
    """USCC -> team ids of a draw record of either version (for `history`)."""
    if "teams" in rec:
        return [(t["uscc"], t["inspectors"]) for t in rec["teams"]]
    return [(e["uscc"], e["team"]) for x in CLASSES for e in rec["drawn"][x]]


def check_draw(d, c, st, rep, regs, only_draw):
    """FORMAT §5.2 and §7 step 5, replay level; the full level is queued."""
    where = f"line {d['line']} (draw, sequence {d['seq']})"
    dr, cr = d["rec"], c["rec"]
    if not draw_findings(c, d, rep, where):
        return
    task = cr["task"]
    pools = [cr["registers"]["entities"]["class_sizes"][x] for x in CLASSES]
    bps = [task["ratios_bp"][x] for x in CLASSES]
    top_up = task["top_up"] if c["version"] == 2 else "any-class"
    if any(v > 10000 for v in bps):
        rep.error("replay", "cannot replay: a committed ratio is above 10000 bp", where)
        return
    try:
        sizes = sample_sizes(pools, bps, top_up)
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
    drawn = drawn_list(d)
    if d["version"] == 1:
        teams = dr["teams"]
        size = task["team"]["team_size"]
        if len(teams) != len(drawn) or \
                any(t["uscc"] != e[2] for t, e in zip(teams, drawn)):
            rep.error("teams", "teams are not one per drawn entity in draw order", where)
        listed = [(t["uscc"], t["inspectors"]) for t in teams]
    else:
        size = len(task["team"]["places"])
        listed = [(e[2], e[3]) for e in drawn]
    for uscc, members in listed:
        if len(members) != size or len(set(members)) != size:
            rep.error("team-size", f"team of {uscc} is not {size} distinct officers", where)
    if regs is None:
        return
    if only_draw is not None and not d["id"].startswith(only_draw.lower()):
        return
    st.checked_with_registers += 1
    st.pending_full.append(
        lambda: full_checks(d, c, st, rep, regs, seed, drawn, ranks_ok, where))


def in_scope(e, scope):
    """FORMAT §3.1 step 2."""
    if scope["industries"] and e["industry"] not in scope["industries"]:
        return False
    if scope["regions"] and not any(e["region"].startswith(v) for v in scope["regions"]):
        return False
    if scope["entity_types"] and e["uscc"][:2] not in scope["entity_types"]:
        return False
    if scope["statuses"] and e["status"] not in scope["statuses"]:
        return False
    if scope["target_types"] and not any(t in scope["target_types"] for t in e["target_types"]):
        return False
    return True


def commitment_pool(st, c, master):
    """FORMAT §3.1: the pool a commitment draws from, in canonical order."""
    if c["version"] == 1:
        return master
    excluded = excluded_usccs(st, c)
    scope = c["rec"]["task"]["scope"]
    return [e for e in master if in_scope(e, scope) and e["uscc"] not in excluded]


def registers_match(c, st, rep, regs, where):
    """FORMAT §7 `conflict-salt`, `register-root` (and `task-rules`, full):
    (roots all match, the pool) or (False, None); None: nothing was checked."""
    reg = c["rec"]["registers"]
    version = c["version"]
    leaf = entity_leaf_for(version)
    ok = True
    salt = regs.salt_for(c["id"])
    if salt is None and reg["conflicts"]["size"] != 0:
        rep.error("conflict-salt", "no conflict-list salt for this commitment, whose conflict "
                  "list is not empty: nothing of the draw is checked against the files", where)
        return None, None
    pool = commitment_pool(st, c, regs.entities)
    proot = root_hex([leaf(e) for e in pool])
    csz = {x: sum(1 for e in pool if e["credit_class"] == x) for x in CLASSES}
    if proot != reg["entities"]["root"] or len(pool) != reg["entities"]["size"] or \
            any(csz[x] != reg["entities"]["class_sizes"][x] for x in CLASSES):
        diff = [f"{x} {reg['entities']['class_sizes'][x]} committed, {csz[x]} in the file"
                for x in CLASSES if csz[x] != reg["entities"]["class_sizes"][x]]
        rep.error("register-root", f"the entity {'pool' if version == 2 else 'register'} "
                  "(root, size or class sizes) differs from the commitment"
                  + (f": {'; '.join(diff)}" if diff else ": every class count agrees"), where)
        ok = False
    if version == 2:
        mroot = root_hex([leaf(e) for e in regs.entities])
        if mroot != reg["master"]["root"] or len(regs.entities) != reg["master"]["size"]:
            rep.error("register-root", "the master entity register's root or size differs from "
                      f"the commitment ({reg['master']['size']} committed, "
                      f"{len(regs.entities)} in the file)", where)
            ok = False
    iroot = root_hex([inspector_leaf(i) for i in regs.inspectors])
    if iroot != reg["inspectors"]["root"] or len(regs.inspectors) != reg["inspectors"]["size"]:
        rep.error("register-root", "inspector register root/size differ from the commitment",
                  where)
        ok = False
    croot = root_hex([conflict_leaf(salt if salt is not None else bytes(32), x)
                      for x in regs.conflicts])
    if croot != reg["conflicts"]["root"] or len(regs.conflicts) != reg["conflicts"]["size"]:
        other = [o for o in st.commitments.values() if o["id"] != c["id"]
                 and o["rec"]["registers"]["conflicts"]["size"] != 0
                 and o["rec"]["registers"]["conflicts"]["root"] == croot]
        if other:
            rep.error("conflict-salt", "the salt given yields the committed conflict root of "
                      f"another commitment (sequence {other[0]['seq']}): it is that "
                      "commitment's salt, not this one's", where)
        else:
            rep.error("register-root", "conflict register root/size differ from the commitment "
                      "(the list differs, or the salt is not the commitment's)", where)
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
        problem = expertise_problem(c["rec"]["task"], version, regs.items)
        if problem:
            rep.error("task-rules", problem, where)
    return ok, pool


def expertise_problem(task, version, items):
    """FORMAT §4, §7 `task-rules` (full level), once every root matches: each
    item the task names is in the committed list, and the committed team
    rules require every key item's tags (compared as sets): version 1 in
    `required_expertise`, version 2 by some place."""
    by_id = {i["id"]: i for i in items}
    missing = [x for x in task["items"] if x not in by_id]
    if missing:
        return f"the task names check item(s) {missing} that the committed list lacks"
    if version == 2:
        have = {t for p in task["team"]["places"] for t in p["expertise"]}
    else:
        have = set(task["team"]["required_expertise"])
    need = set()
    for x in task["items"]:
        if by_id[x]["category"] == "key":
            need.update(by_id[x]["required_expertise"])
    missing_tags = sorted(need - have, key=lambda t: t.encode())
    if missing_tags:
        return (f"the committed team rules leave out {len(missing_tags)} expertise tag(s) "
                f"the task's key items require (first: {missing_tags[0]!r})")
    return None


def commitment_registers(c, st, rep, regs, where):
    """registers_match, once per commitment (its draw and the draw's
    after-draw records share the result; the findings are reported once)."""
    if c["id"] not in st.reg_match:
        st.reg_match[c["id"]] = registers_match(c, st, rep, regs, where)
    return st.reg_match[c["id"]]


def full_checks(d, c, st, rep, regs, seed, drawn, ranks_ok, where):
    dr, cr = d["rec"], c["rec"]
    ok, pool = commitment_registers(c, st, rep, regs, where)
    if not ok or not ranks_ok:
        return
    idate = dr["inspection_date"] if d["version"] == 1 else cr["task"]["inspection_date"]
    start, acc = {}, 0
    for x in CLASSES:
        start[x] = acc
        acc += cr["registers"]["entities"]["class_sizes"][x]
    drawn_ents = []
    for x, rank, uscc, _ in drawn:
        ent = pool[start[x] + rank]
        if ent["uscc"] != uscc:
            rep.error("drawn-entity", f"class {x} rank {rank} is {ent['uscc']} in the "
                      f"committed pool, the draw says {uscc}", where)
        drawn_ents.append(dict(uscc=ent["uscc"], region=ent["region"]))
    listed = draw_teams(dr)
    by_id = {i["id"]: i for i in regs.inspectors}
    conf = {(x["inspector_id"], x["uscc"]) for x in regs.conflicts}
    for uscc, members in listed:
        for m in members:
            i = by_id.get(m)
            if i is None:
                rep.error("team-member", f"{m} (team of {uscc}) is not in the inspector "
                          "register", where)
            elif (i["cert_valid_from"] and i["cert_valid_from"] > idate) or \
                    (i["cert_valid_to"] and i["cert_valid_to"] < idate):
                rep.error("certificate", f"{m} holds no valid certificate on {idate}", where)
            if (m, uscc) in conf:
                rep.error("conflict", f"{m} declared a conflict with {uscc}", where)
    # history: a history naming no earlier draw is reported at the commitment
    # (FORMAT §7, chain level); the teams are then not recomputed. The named
    # draw's teams count only with rotation (assignment §5 rule 5, §V2.5 rule 6).
    history = {}
    h = cr["history"]
    if h is not None:
        if h not in st.draws:
            return
        for u, ids in draw_teams(st.draws[h]["rec"]):
            history[u] = sorted(set(history.get(u, [])) | set(ids))
    conflicts = [(x["inspector_id"], x["uscc"]) for x in regs.conflicts]
    try:
        if d["version"] == 2:
            expect = assign_teams_v2(seed, drawn_ents, regs.inspectors, conflicts,
                                     cr["task"]["team"], idate, history)
        else:
            expect = assign_teams(seed, drawn_ents, regs.inspectors, conflicts,
                                  cr["task"]["team"], idate, history)
    except AssignError as exc:
        rep.error("teams", f"the committed rules admit no assignment: {exc}", where)
        return
    got = [dict(uscc=u, inspectors=m) for u, m in listed]
    if expect != got:
        for a, b_ in zip(expect, got):
            if a != b_:
                rep.error("teams", f"team of {a['uscc']}: expected {a['inspectors']}, "
                          f"listed {b_['inspectors']}", where)
                break
        else:
            rep.error("teams", "teams differ from the assignment", where)


# ------------------------------------------------------------ after the draw --
# FORMAT §5.4, §5.5, §6 rule 8, §7 step 7; assignment.md Part III.
class AfterDraw:
    """assignment.md §A.2: the state of a draw as its after-draw records
    amend it: the list (drawn entities in draw order, then supplementary
    ones), each with class, rank, team (place order), left set and whether
    it was replaced; the draw's unavailable officers; n, the after-draw
    records of the draw so far; the supplement records so far, per class
    (j of §A.4 and the count `supplement-limit` compares are counted over
    records, as n is: a supplement with errors still counts)."""

    def __init__(self, d, c):
        self.d, self.c = d, c
        self.entries, self.by_uscc = [], {}
        for x in CLASSES:
            for e in d["rec"]["drawn"][x]:
                self.add(e["uscc"], x, e["rank"], e["team"])
        self.unavailable = set()
        self.n = 0
        self.supplements = {x: 0 for x in CLASSES}   # supplement records, by their class

    def add(self, uscc, cls, rank, team):
        e = dict(uscc=uscc, cls=cls, rank=rank, team=list(team), left=set(), replaced=False)
        self.entries.append(e)
        self.by_uscc.setdefault(uscc, e)

    def loads(self):
        """§A.2: places held over every team of the list, replaced entities included."""
        out = {}
        for e in self.entries:
            for m in e["team"]:
                out[m] = out.get(m, 0) + 1
        return out


def after_draw_record(st, rep, kind, rid, rec, ln, do_replay, regs, only_draw):
    """FORMAT §7 step 7: a replacement or a supplement, judged against the
    state of its draw (§6 rule 8), then applied to it when it fits."""
    where = f"line {ln} ({kind}, sequence {rec['chain']['sequence']})"
    did = rec["draw"]
    a = st.after.get(did)
    if a is None:
        d = st.draws.get(did)
        if d is not None:
            what = (f"the draw of a version-{st.commitments[d['rec']['commitment']]['version']}"
                    f" commitment (a version-{d['version']} draw): only version-2 draws take "
                    "after-draw records")
        elif did in st.commitments:
            what = "a commitment, not a draw"
        elif did in st.seen:
            what = "a record of this chain that is no draw taken as its commitment's outcome"
        else:
            what = "no earlier draw of this chain"
        rep.error(kind, f"names {did[:16]}: {what}", where)
        return
    n = a.n
    a.n += 1    # a record with errors still counts towards n (§A.5)
    if kind == "supplement":
        # FORMAT §3.1 step 3: a later commitment may exclude the entity it adds.
        st.supplements[rid] = rec
    if kind == "replacement":
        replacement_record(st, rep, a, rec, n, where, regs, only_draw)
    else:
        supplement_record(st, rep, a, rec, n, where, do_replay, regs, only_draw)


def after_draw_seed(a):
    return derive_seed(bytes.fromhex(a.c["id"]), bytes.fromhex(a.d["rec"]["randomness"]["value"]))


def queue_pick(st, a, only_draw, check):
    """Full level: the pick is checked once every commitment is known, with
    the draw's registers (when its committed roots match and its conflict
    salt is known, as for the draw itself)."""
    if only_draw is not None and not a.d["id"].startswith(only_draw.lower()):
        return
    st.pending_full.append(check)


def pick_context(st, rep, regs, a, where):
    """(pool, history, conflicts) for the picks of a's draw, or None when
    they cannot be checked (registers differ, no salt, a history naming no
    earlier draw: each reported elsewhere)."""
    ok, pool = commitment_registers(a.c, st, rep, regs, where)
    if not ok:
        return None
    history = {}
    h = a.c["rec"]["history"]
    if h is not None:
        if h not in st.draws:
            return None
        for u, ids in draw_teams(st.draws[h]["rec"]):
            history[u] = set(history.get(u, ())) | set(ids)
    conflicts = {(x["inspector_id"], x["uscc"]) for x in regs.conflicts}
    return pool, history, conflicts


def replacement_record(st, rep, a, rec, n, where, regs, only_draw):
    task = a.c["rec"]["task"]
    s = len(task["team"]["places"])
    cap = task["team"]["workload_cap"]
    e = a.by_uscc.get(rec["uscc"])
    p, leaving, r = rec["place"], rec["leaving"], rec["replacement"]
    fits = False
    if e is None:
        rep.error("replacement", f"{rec['uscc']} is not on the draw's list (drawn, or added by "
                  "a supplement)", where)
    elif p >= s or p >= len(e["team"]):
        rep.error("replacement", f"team of {rec['uscc']} has no place {p} ({s} places)", where)
    elif e["team"][p] != leaving:
        rep.error("replacement", f"{leaving} does not hold place {p} of the team of "
                  f"{rec['uscc']} ({e['team'][p]} does)", where)
    else:
        fits = True
    if rec["reason"]["kind"] == "other" and blank(rec["reason"]["text"]):
        rep.error("replacement", "the reason is `other` and its text is blank", where)
    if r == leaving:
        rep.error("replacement", f"the replacement {r} is the leaving officer", where)
    elif e is not None and r in e["team"]:
        rep.error("replacement", f"the replacement {r} is already on the team of "
                  f"{rec['uscc']}", where)
    if e is not None and r in e["left"]:
        rep.error("replacement", f"the replacement {r} left the team of {rec['uscc']} before",
                  where)
    if r in a.unavailable:
        rep.error("replacement", f"the replacement {r} left the draw (illness or transfer)",
                  where)
    loads = a.loads()
    if cap is not None and loads.get(r, 0) >= cap:
        rep.warn("over-cap", f"the replacement {r} holds {loads.get(r, 0)} places, at or over "
                 f"the workload cap {cap}", where)
    if fits and regs is not None:
        team, left, unavailable = list(e["team"]), set(e["left"]), set(a.unavailable)

        def check():
            ctx = pick_context(st, rep, regs, a, where)
            if ctx is None:
                return
            pool, history, conflicts = ctx
            ent = next((x for x in pool if x["uscc"] == rec["uscc"]), None)
            if ent is None:
                return  # not in the pool: the draw's drawn-entity finding says so
            cands = after_draw_candidates(task["team"], p, ent, team, left, unavailable,
                                          regs.inspectors, conflicts, task["inspection_date"],
                                          history)
            who, _ = after_draw_pick(after_draw_words(after_draw_seed(a), n), cands, loads, cap)
            if who is None:
                rep.error("replacement", f"nobody can take place {p} of the team of "
                          f"{rec['uscc']}: the record could not have been made", where)
            elif who != r:
                rep.error("replacement", f"the after-draw rule picks {who} for place {p} of "
                          f"{rec['uscc']}, the record names {r}", where)
            else:
                rep.info("replacement", f"{r} is the after-draw rule's pick for place {p} of "
                         f"{rec['uscc']}", where)
        queue_pick(st, a, only_draw, check)
    if fits:
        e["team"][p] = r
        e["left"].add(leaving)
        if rec["reason"]["kind"] in ("illness", "transfer"):
            a.unavailable.add(leaving)


def supplement_record(st, rep, a, rec, n, where, do_replay, regs, only_draw):
    c, d = a.c, a.d
    task = c["rec"]["task"]
    s = len(task["team"]["places"])
    cap = task["team"]["workload_cap"]
    x, rank, team = rec["class"], rec["rank"], rec["team"]
    e = a.by_uscc.get(rec["replaced"])
    # The two changes a supplement makes to the list (§A.2) are taken in
    # each when it fits: `replaced` marked when it is on the list and not yet
    # replaced; `uscc` appended (with the record's class, rank and team) when
    # it is not on the list yet.
    mark = e is not None and not e["replaced"]
    append = rec["uscc"] not in a.by_uscc
    if e is None:
        rep.error("supplement", f"{rec['replaced']} is not on the draw's list", where)
    elif e["replaced"]:
        rep.error("supplement", f"{rec['replaced']} was already replaced", where)
    elif e["cls"] != x:
        rep.error("supplement", f"{rec['replaced']} is of class {e['cls']}, the record says {x}",
                  where)
    if not append:
        rep.error("supplement", f"{rec['uscc']} is already on the draw's list", where)
    if rec["reason"]["kind"] == "other" and blank(rec["reason"]["text"]):
        rep.error("supplement", "the reason is `other` and its text is blank", where)
    if len(team) != s or len(set(team)) != len(team):
        rep.error("supplement", f"the team is not {s} distinct officers, one per place", where)
    gone = [m for m in team if m in a.unavailable]
    if gone:
        rep.error("supplement", f"the team names {gone[0]}, who left the draw (illness or "
                  "transfer)", where)
    taken = sum(a.supplements.values())
    if taken >= task["max_supplements"]:
        rep.error("supplement-limit", f"the draw already has {taken} supplement(s); the task "
                  f"allows {task['max_supplements']}", where)
    loads = a.loads()
    if cap is not None:
        for m in team:
            if loads.get(m, 0) >= cap:
                rep.warn("over-cap", f"{m} holds {loads.get(m, 0)} places, at or over the "
                         f"workload cap {cap}", where)
            loads[m] = loads.get(m, 0) + 1
    loads = a.loads()
    if do_replay:
        if rec["uscc"] in excluded_usccs(st, c):
            rep.error("exclusion", f"the supplement draws {rec['uscc']}, which a draw the "
                      "commitment excludes listed", where)
        supplement_rank(rep, a, rec, where)
    if regs is not None:
        unavailable = set(a.unavailable)

        def check():
            ctx = pick_context(st, rep, regs, a, where)
            if ctx is None:
                return
            pool, history, conflicts = ctx
            sizes = c["rec"]["registers"]["entities"]["class_sizes"]
            if rank >= sizes[x]:
                return  # no such rank: reported at replay level
            start = sum(sizes[y] for y in CLASSES[:CLASSES.index(x)])
            ent = pool[start + rank]
            if ent["uscc"] != rec["uscc"]:
                rep.error("supplement", f"class {x} rank {rank} is {ent['uscc']} in the "
                          f"committed pool, the record says {rec['uscc']}", where)
                return
            words = after_draw_words(after_draw_seed(a), n)
            picked, lds = [], dict(loads)
            for p in range(s):
                cands = after_draw_candidates(task["team"], p, ent, picked, set(), unavailable,
                                              regs.inspectors, conflicts,
                                              task["inspection_date"], history)
                who, _ = after_draw_pick(words, cands, lds, cap)
                if who is None:
                    rep.error("supplement", f"nobody can take place {p} of the team of "
                              f"{ent['uscc']}: the record could not have been made", where)
                    return
                picked.append(who)
                lds[who] = lds.get(who, 0) + 1
            if picked != team:
                rep.error("supplement", f"the after-draw rule picks the team {picked}, the "
                          f"record names {team}", where)
            else:
                rep.info("supplement", f"{rec['uscc']} is the pool's entity at class {x} rank "
                         f"{rank}, and its team the after-draw rule's", where)
        queue_pick(st, a, only_draw, check)
    a.supplements[x] += 1
    if mark:
        e["replaced"] = True
    if append:
        a.add(rec["uscc"], x, rank, team)


def supplement_rank(rep, a, rec, where):
    """FORMAT §7 `supplement` (replay): the rank is the class sampler's next
    output k_c + j (§5.5, assignment.md §A.4)."""
    c, d = a.c, a.d
    x = rec["class"]
    ci = CLASSES.index(x)
    task = c["rec"]["task"]
    pools = [c["rec"]["registers"]["entities"]["class_sizes"][y] for y in CLASSES]
    try:
        if any(task["ratios_bp"][y] > 10000 for y in CLASSES):
            raise FormatError("a committed ratio is above 10000 bp")
        sizes = sample_sizes(pools, [task["ratios_bp"][y] for y in CLASSES], task["top_up"])
    except FormatError as exc:
        rep.error("supplement", f"the rank cannot be checked: {exc}", where)
        return
    k = len(d["rec"]["drawn"][x])
    if k != sizes[ci]:
        rep.error("supplement", f"the rank cannot be checked: the draw lists {k} entities of "
                  f"class {x}, not the committed sample size {sizes[ci]}", where)
        return
    j = a.supplements[x]
    if k + j >= pools[ci]:
        rep.error("supplement", f"class {x} has no entity left to draw ({pools[ci]} in the "
                  f"pool, {k} drawn, {j} supplement(s))", where)
        return
    expect = draw_ranks(after_draw_seed(a), ci, pools[ci], k + j + 1)[-1]
    if rec["rank"] != expect:
        rep.error("supplement", f"class {x}: rank {rec['rank']}, the class sampler's next "
                  f"output (number {k + j}) is {expect}", where)


# ------------------------------------------------------------ proof bundles --
PROOF_FORMATS = {1: "double-random/entity-proof/v1", 2: "double-random/entity-proof/v2"}
ENTITY_FIELDS = {1: ("uscc", "name", "credit_class", "region", "industry"),
                 2: ("uscc", "name", "credit_class", "region", "industry", "status",
                     "target_types")}


def verify_proof(bundle_bytes, key, rep=None):
    """FORMAT §8: a proof bundle for one entity, checked alone. Returns the
    report; rep.proof holds what the bundle shows (class, rank, drawn)."""
    rep = rep or Report()
    rep.proof = None
    rep.unreadable = False

    def s_entity(v, p):
        # the members of either version's entity (FORMAT §3); which of them
        # the commitment's version needs is checked below
        if not isinstance(v, dict) or any(k not in ENTITY_FIELDS[2] for k in v):
            raise FormatError(f"{p}: not an entity of FORMAT §3")
        return v
    try:
        b = s_obj(dict(format=s_str, commitment=s_str, draw=s_null_or(s_str),
                       proof=s_obj(dict(entity=s_entity, rank=s_u64, proof=s_obj(dict(
                           index=s_u64, tree_size=s_u64, path=s_list(s_hex64)))))))(
            json_strict(bundle_bytes), "bundle")
    except FormatError as exc:
        rep.error("proof", f"not a proof bundle: {exc}")
        rep.unreadable = True
        return rep
    opened = {}
    for which in ("commitment", "draw"):
        text = b[which]
        if text is None:
            continue
        try:
            ptype, payload, sigs = decode_envelope(text.encode("utf-8"))
        except FormatError as exc:
            rep.error("envelope", f"the bundle's {which}: {exc}", which)
            return rep
        try:
            kind, version, rec, _ = open_record(ptype, payload, sigs, key)
        except FormatError as exc:
            rep.error("record", f"the bundle's {which}: {exc}", which)
            return rep
        if kind != which:
            rep.error("record", f"the bundle's {which} is a {kind} record", which)
            return rep
        opened[which] = dict(kind=kind, version=version, rec=rec, id=record_id_of(ptype, payload),
                             line=which, seq=rec["chain"]["sequence"])
    if "commitment" not in opened:
        rep.error("proof", "the bundle holds no commitment")
        return rep
    c = opened["commitment"]
    version, cr = c["version"], c["rec"]
    if b["format"] != PROOF_FORMATS[version]:
        rep.error("proof", f"format {b['format']!r} is not {PROOF_FORMATS[version]!r}, the "
                  f"format of a version-{version} commitment's entity proof")
        return rep
    where = f"commitment (sequence {c['seq']})"
    commitment_findings(cr, version, rep, where)
    # The entity: exactly the fields of the version's leaf, through that leaf
    # into the committed pool at its class and rank.
    ent = b["proof"]["entity"]
    fields = ENTITY_FIELDS[version]
    try:
        if not isinstance(ent, dict) or set(ent) != set(fields):
            raise FormatError(f"the entity's members are not {list(fields)}")
        for f in fields:
            if f == "target_types":
                s_list(s_str)(ent[f], f)
            else:
                s_str(ent[f], f)
        if ent["credit_class"] not in CLASSES:
            raise FormatError(f"credit class {ent['credit_class']!r}")
    except FormatError as exc:
        rep.error("proof", f"entity: {exc}")
        return rep
    cls = ent["credit_class"]
    ci = CLASSES.index(cls)
    pool = cr["registers"]["entities"]
    rank, pr = b["proof"]["rank"], b["proof"]["proof"]
    start = sum(pool["class_sizes"][x] for x in CLASSES[:ci])
    ok = True
    if pr["tree_size"] != pool["size"]:
        rep.error("proof", f"tree_size {pr['tree_size']} is not the committed size {pool['size']}")
        ok = False
    if rank >= pool["class_sizes"][cls] or pr["index"] != start + rank:
        rep.error("proof", f"index {pr['index']} is not rank {rank} of class {cls} "
                  f"(class {cls} holds leaves {start}..{start + pool['class_sizes'][cls]})")
        ok = False
    if ok:
        leaf = entity_leaf_for(version)(ent)
        err = verify_inclusion(leaf_hash(leaf), pr["index"], pr["tree_size"],
                               [bytes.fromhex(x) for x in pr["path"]],
                               bytes.fromhex(pool["root"]))
        if err:
            rep.error("proof", f"the inclusion proof does not verify against the committed "
                      f"pool root ({err})")
            ok = False
    d = opened.get("draw")
    drawn = None
    if d is not None and ok:
        dr = d["rec"]
        dwhere = f"draw (sequence {d['seq']})"
        if dr["commitment"] != c["id"]:
            rep.error("proof", "the draw does not name the bundle's commitment", dwhere)
        elif draw_findings(c, d, rep, dwhere):
            bps = [cr["task"]["ratios_bp"][x] for x in CLASSES]
            top_up = cr["task"]["top_up"] if version == 2 else "any-class"
            pools = [pool["class_sizes"][x] for x in CLASSES]
            try:
                if any(v > 10000 for v in bps):
                    raise FormatError("a committed ratio is above 10000 bp")
                k = sample_sizes(pools, bps, top_up)[ci]
            except FormatError as exc:
                rep.error("replay", f"cannot replay: {exc}", dwhere)
                k = None
            listed = dr["drawn"][cls]
            if k is not None and len(listed) != k:
                rep.error("sample-size", f"class {cls}: {len(listed)} drawn, the committed "
                          f"pool and ratio give {k}", dwhere)
            elif k is not None:
                seed = derive_seed(bytes.fromhex(c["id"]),
                                   bytes.fromhex(dr["randomness"]["value"]))
                ranks = draw_ranks(seed, ci, pools[ci], k)
                if [e["rank"] for e in listed] != ranks:
                    rep.error("ranks", f"class {cls}: ranks {[e['rank'] for e in listed]}, the "
                              f"seed gives {ranks}", dwhere)
                else:
                    drawn = rank in ranks
                    if drawn and listed[ranks.index(rank)]["uscc"] != ent["uscc"]:
                        rep.error("drawn-entity", f"rank {rank} of class {cls} is drawn, but the "
                                  f"draw lists {listed[ranks.index(rank)]['uscc']}, not "
                                  f"{ent['uscc']}", dwhere)
    rep.proof = dict(uscc=ent["uscc"], credit_class=cls, rank=rank,
                     class_size=pool["class_sizes"][cls], drawn=drawn,
                     commitment=dict(sequence=c["seq"], record=c["id"],
                                     created_at=cr["chain"]["created_at"]),
                     draw=None if d is None else dict(sequence=d["seq"], record=d["id"],
                                                      created_at=d["rec"]["chain"]["created_at"]))
    return rep


def record_id_of(ptype, payload):
    return hashlib.sha256(pae(ptype, payload)).hexdigest()


# --------------------------------------------------------------------- CLI --
def read_secrets(path):
    """FORMAT §3: JSON Lines {"commitment":"<record id>","conflict_salt":"<64 hex>"};
    a line that is not such an object is an error naming the line."""
    salts = {}
    data = open(path, "rb").read()
    for ln, line in enumerate(data.split(b"\n"), 1):
        if line.endswith(b"\r"):
            line = line[:-1]
        if all(c in ASCII_BLANK for c in line):
            continue
        try:
            obj = s_obj(dict(commitment=s_hex64, conflict_salt=s_hex64))(
                json_strict(line), "secret")
        except FormatError as exc:
            raise FormatError(f"{path}: line {ln}: {exc}") from None
        salts[obj["commitment"]] = bytes.fromhex(obj["conflict_salt"])
    return salts


def read_salt_hex(text):
    t = text.strip()
    if not re.fullmatch(r"[0-9a-fA-F]{64}", t):
        raise FormatError("a conflict salt is 32 bytes, 64 hex digits")
    return bytes.fromhex(t)


def load_registers(args, rep):
    """The register files (every bad row is a `register-file` error, left
    out). Raises FormatError for salts that cannot be read (a usage error)."""
    salts = read_secrets(args.secrets) if args.secrets else {}
    default_salt = None
    if args.conflict_salt:
        text = args.conflict_salt
        if os.path.exists(text):
            text = open(text).read()
        default_salt = read_salt_hex(text)
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
    return Registers(ents, insp, conf, items, salts, default_salt)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chain")
    ap.add_argument("--proof", help="check a proof bundle (FORMAT §8) instead of a chain")
    ap.add_argument("--public-key", required=True)
    ap.add_argument("--entities")
    ap.add_argument("--inspectors")
    ap.add_argument("--conflicts")
    ap.add_argument("--items")
    ap.add_argument("--conflict-salt", help="one salt (64 hex digits, or a file holding them) "
                    "for every commitment the secrets file does not list")
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
    if args.proof:
        verify_proof(open(args.proof, "rb").read(), key, rep)
        if args.json:
            print(json.dumps(dict(holds=rep.ok, proof=rep.proof, findings=rep.findings),
                             ensure_ascii=False, indent=1))
        else:
            for f in rep.findings:
                w = f" [{f['where']}]" if f["where"] else ""
                print(f"{f['level'].upper():7} {f['check']}: {f['message']}{w}")
            if rep.proof:
                p = rep.proof
                state = {True: "drawn", False: "not drawn", None: "no draw checked"}[p["drawn"]]
                print(f"entity {p['uscc']}: class {p['credit_class']}, rank {p['rank']} of "
                      f"{p['class_size']}, {state}")
            print(f"{'HOLDS' if rep.ok else 'FAILS'} (proof bundle)")
        return 2 if rep.unreadable else 0 if rep.ok else 1
    if not args.chain:
        print("--chain (or --proof) is required", file=sys.stderr)
        return 2
    USCC_POLICY["lenient"] = args.uscc_policy == "lenient"
    USCC_POLICY["warnings"].clear()
    level = args.level or ("full" if args.entities else "replay")
    regs = None
    if level == "full":
        if not (args.entities and args.inspectors and args.conflicts):
            print("--level full needs --entities, --inspectors and --conflicts", file=sys.stderr)
            return 2
        try:
            regs = load_registers(args, rep)
        except (FormatError, OSError) as exc:
            print(f"salts: {exc}", file=sys.stderr)
            return 2
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
