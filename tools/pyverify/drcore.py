"""Primitives of the double-random format (versions 1 and 2), from docs/ alone.

Independent re-implementation (no Rust source read): strict base64, strict
JSON, PAE, record/key ids, strict Ed25519, RFC 6962 Merkle trees, leaf bytes
(entity v1 and v2), sampling (sizes with the top-up policy, seed, ChaCha20
words, rank sampler) and team assignment (version 1, and version 2 with its
augmenting-path search).
"""
import base64
import binascii
import hashlib
import json
import re
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

U64_MAX = 2**64 - 1


class FormatError(ValueError):
    """A value breaks the published format."""


# ---------------------------------------------------------------- base64 --
_B64_ALPHABET = re.compile(rb"^[A-Za-z0-9+/=]*$")


def b64decode_strict(text):
    """docs/spec/envelope.md §2: canonical RFC 4648 §4 base64 only."""
    if not isinstance(text, str):
        raise FormatError("base64: not a string")
    raw = text.encode("ascii", errors="strict") if text.isascii() else None
    if raw is None or not _B64_ALPHABET.match(raw):
        raise FormatError("base64: byte outside the standard alphabet")
    if len(raw) % 4:
        raise FormatError("base64: length not a multiple of 4")
    try:
        data = base64.b64decode(raw, validate=True)
    except binascii.Error as exc:
        raise FormatError(f"base64: {exc}") from None
    if base64.b64encode(data) != raw:
        raise FormatError("base64: not canonical")
    return data


# ------------------------------------------------------------ strict JSON --
def _pairs_hook(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise FormatError(f"duplicate member {key!r}")
        obj[key] = value
    return obj


def _bad_constant(name):
    raise FormatError(f"not JSON: {name}")


def _check_strings(value):
    """Reject lone surrogates anywhere (Python's json lets them through)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise FormatError("lone surrogate in a JSON string") from None
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_strings(k)
            _check_strings(v)
    elif isinstance(value, list):
        for v in value:
            _check_strings(v)


def json_strict(data):
    """One UTF-8 JSON value, no BOM, duplicate members rejected, floats kept
    as float (callers reject them), NaN/Infinity rejected, trailing data
    (other than JSON whitespace) rejected."""
    if isinstance(data, (bytes, bytearray)):
        if data.startswith(b"\xef\xbb\xbf"):
            raise FormatError("byte order mark")
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(f"not UTF-8: {exc}") from None
    else:
        text = data
    if text.startswith("\ufeff"):
        raise FormatError("byte order mark")
    try:
        value = json.loads(text, object_pairs_hook=_pairs_hook,
                           parse_constant=_bad_constant)
    except FormatError:
        raise
    except json.JSONDecodeError as exc:
        raise FormatError(f"JSON: {exc}") from None
    # json.loads strips Python whitespace (str.strip-like)? It uses the JSON
    # whitespace set " \t\n\r" for trailing data; enforce explicitly.
    _check_strings(value)
    return value


# ------------------------------------------------------------------- PAE --
def pae(payload_type, payload):
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def record_id(payload_type, payload):
    return hashlib.sha256(pae(payload_type, payload)).hexdigest()


def key_id(public_key):
    return hashlib.sha256(b"double-random/keyid/v1" + public_key).hexdigest()


# --------------------------------------------------------------- Ed25519 --
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_IDENT = (0, 1, 1, 0)


def _add(p1, p2):
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = 2 * t1 * t2 * _D % _P
    d = 2 * z1 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s, pt):
    q = _IDENT
    while s > 0:
        if s & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        s >>= 1
    return q


def _is_identity(pt):
    x, y, z, _ = pt
    return x % _P == 0 and (y - z) % _P == 0


def _encode(pt):
    x, y, z, _ = pt
    zi = pow(z, _P - 2, _P)
    x, y = x * zi % _P, y * zi % _P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _decode(data, canonical=True):
    """Point from 32 bytes, or None. canonical: refuse y >= p and -0."""
    n = int.from_bytes(data, "little")
    y, sign = n & (2**255 - 1), n >> 255
    if y >= _P:
        if canonical:
            return None
        y -= _P
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        if sign and canonical:
            return None
        x = 0
    else:
        x = pow(x2, (_P + 3) // 8, _P)
        if (x * x - x2) % _P:
            x = x * _SQRT_M1 % _P
        if (x * x - x2) % _P:
            return None
        if (x & 1) != sign:
            x = _P - x
    return (x, y, 1, x * y % _P)


_BY = 4 * pow(5, _P - 2, _P) % _P
_B = _decode(int.to_bytes(_BY, 32, "little"))


def _small_order(pt):
    return _is_identity(_mul(8, pt))


def check_public_key(pk):
    """docs/spec/envelope.md §6: canonical, on curve, not of small order."""
    if len(pk) != 32:
        raise FormatError("public key: not 32 bytes")
    pt = _decode(pk, canonical=True)
    if pt is None:
        raise FormatError("public key: not a canonical curve point")
    if _small_order(pt):
        raise FormatError("public key: small order (weak key)")
    return pt


def ed25519_verify_strict(pk, msg, sig):
    """True iff the signature verifies under envelope.md §7 step 5."""
    try:
        a = check_public_key(pk)
    except FormatError:
        return False
    if len(sig) != 64:
        return False
    r_bytes, s = sig[:32], int.from_bytes(sig[32:], "little")
    if s >= _L:
        return False
    r = _decode(r_bytes, canonical=False)
    if r is None or _small_order(r):
        return False
    k = int.from_bytes(hashlib.sha512(r_bytes + pk + msg).digest(), "little") % _L
    neg_a = ((-a[0]) % _P, a[1], a[2], (-a[3]) % _P)
    r_calc = _add(_mul(s, _B), _mul(k, neg_a))
    return _encode(r_calc) == r_bytes


# ---------------------------------------------------------------- Merkle --
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n):
    return 1 << ((n - 1).bit_length() - 1)


def mth(hashes):
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return hashes[0]
    k = _split(n)
    return node_hash(mth(hashes[:k]), mth(hashes[k:]))


def audit_path(m, hashes):
    n = len(hashes)
    if n <= 1:
        return []
    k = _split(n)
    if m < k:
        return audit_path(m, hashes[:k]) + [mth(hashes[k:])]
    return audit_path(m - k, hashes[k:]) + [mth(hashes[:k])]


def path_length(index, size):
    inner = (index ^ (size - 1)).bit_length()
    return inner + bin(index >> inner).count("1")


def verify_inclusion(leaf, index, size, path, root):
    """merkle.md §3.3; returns None on success or the error name."""
    if index >= size:
        return "IndexOutOfRange"
    if len(path) != path_length(index, size):
        return "PathLength"
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return "PathLength"
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        return "PathLength"
    if r != root:
        return "RootMismatch"
    return None


# ---------------------------------------------------------- leaf bytes --
def lp(x):
    if isinstance(x, str):
        x = x.encode("utf-8")
    return struct.pack(">I", len(x)) + x


def lplist(xs):
    return struct.pack(">I", len(xs)) + b"".join(lp(x) for x in xs)


def entity_leaf(e):
    return (lp("double-random/entity/v1") + lp(e["uscc"]) + lp(e["credit_class"])
            + lp(e["name"]) + lp(e["region"]) + lp(e["industry"]))


def entity_leaf_v2(e):
    """FORMAT §2, entity (version 2): the v1 fields, then the status code and
    the target types sorted by bytes without repeats."""
    return (lp("double-random/entity/v2") + lp(e["uscc"]) + lp(e["credit_class"])
            + lp(e["name"]) + lp(e["region"]) + lp(e["industry"]) + lp(e["status"])
            + lplist(sorted(set(e["target_types"]), key=lambda t: t.encode())))


def entity_leaf_for(version):
    return entity_leaf_v2 if version == 2 else entity_leaf


def inspector_leaf(i):
    return (lp("double-random/inspector/v1") + lp(i["id"]) + lp(i["name"])
            + lp(i["department"]) + lp(i["region"])
            + lplist(sorted(set(i["expertise"]), key=lambda t: t.encode()))
            + lp(i["cert_valid_from"]) + lp(i["cert_valid_to"]))


def conflict_leaf(salt, c):
    return (lp("double-random/conflict/v1") + lp(salt) + lp(c["inspector_id"])
            + lp(c["uscc"]) + lp(c["reason"]))


METHODS = ["on-site", "written", "online-monitoring", "entrusted"]


def item_leaf(it):
    methods = [m for m in METHODS if m in it["methods"]]
    exp = sorted(set(it["required_expertise"]), key=lambda t: t.encode())
    return (lp("double-random/item/v1") + lp(it["id"]) + lp(it["name"])
            + lp(it["category"]) + lp(it["target_type"]) + lp(it["basis"])
            + lp(it["department"]) + lp(it["content"]) + lplist(methods)
            + lplist(exp))


def b(s):
    return s.encode("utf-8")


# -------------------------------------------------------------- sampling --
_SPACE = " \t\n\x0b\x0c\r\u3000"


def parse_percent(text):
    m = re.fullmatch(r"([0-9]+)(?:\.([0-9]+))?[%\uff05]", text.strip(_SPACE))
    if not m:
        raise FormatError(f"ratio {text!r}")
    if m.group(2) and len(m.group(2)) > 2:
        raise FormatError(f"ratio {text!r}: too precise")
    bp = int(m.group(1)) * 100 + int((m.group(2) or "").ljust(2, "0"))
    if bp > 10000:
        raise FormatError(f"ratio {text!r}: above 100%")
    return bp


def display_percent(bp):
    whole, rest = divmod(bp, 100)
    if rest == 0:
        return f"{whole}%"
    if rest % 10 == 0:
        return f"{whole}.{rest // 10}%"
    return f"{whole}.{rest:02d}%"


def sample_sizes(pools, bps, top_up="any-class"):
    """sampling.md §2; with top_up = "positive-ratio" (§2.1) the rules run on
    n' (a class at 0 % counts as empty), after step 1 compared all four."""
    for c in range(1, 4):
        if bps[c] < bps[c - 1]:
            raise FormatError(f"RatioDecreasing {c - 1} {c}")
    if top_up == "positive-ratio":
        pools = [n if bp > 0 else 0 for n, bp in zip(pools, bps)]
    elif top_up != "any-class":
        raise FormatError(f"unknown top-up policy {top_up!r}")
    if sum(pools) > U64_MAX:
        raise FormatError("PoolOverflow")
    if sum(pools) < 3:
        return list(pools)
    k = [(n * bp + 9999) // 10000 for n, bp in zip(pools, bps)]
    while sum(k) < 3:
        c = max(c for c in range(4) if k[c] < pools[c])
        k[c] += 1
    return k


def derive_seed(commitment_digest, randomness):
    assert len(commitment_digest) == 32
    return hashlib.sha256(b"double-random/seed/v1" + struct.pack(">Q", 32)
                          + commitment_digest + struct.pack(">Q", len(randomness))
                          + randomness).digest()


class Words:
    def __init__(self, seed, stream):
        nonce = struct.pack("<QQ", 0, stream)
        self._enc = Cipher(algorithms.ChaCha20(seed, nonce), mode=None).encryptor()
        self.consumed = 0

    def next_u64(self):
        self.consumed += 1
        return struct.unpack("<Q", self._enc.update(bytes(8)))[0]

    def uniform(self, m):
        assert 1 <= m <= U64_MAX
        limit = (2**64 // m) * m
        while True:
            x = self.next_u64()
            if x < limit:
                return x % m


def draw_ranks(seed, class_index, n, k, words=None):
    if not 0 <= k <= n:
        raise FormatError("k > n")
    words = words or Words(seed, class_index + 1)
    moved, out = {}, []
    for i in range(k):
        j = i + words.uniform(n - i)
        vi, vj = moved.get(i, i), moved.get(j, j)
        moved[i], moved[j] = vj, vi
        moved.pop(i, None)
        out.append(vj)
    return out


# ------------------------------------------------------------ assignment --
ASSIGNMENT_STREAM = 16


class AssignError(Exception):
    def __init__(self, detail):
        super().__init__(json.dumps(detail, ensure_ascii=False, sort_keys=True))
        self.detail = detail


def _bkey(s):
    return s.encode("utf-8")


def assign_teams(seed, drawn, inspectors, conflicts, rules, date, history):
    """docs/spec/assignment.md. drawn: [{"uscc","region"}] in draw order;
    inspectors: [{"id","department","region","expertise",[from,to]}];
    conflicts: iterable of (inspector_id, uscc); rules: dict as in the
    commitment's task.team (missing keys take the defaults); history: dict
    uscc -> [ids] or None. Returns [{"uscc","inspectors"}] or raises."""
    team_size = rules["team_size"]
    depts = [rules["initiating_department"]] + list(rules.get("participating_departments") or [])
    tags = sorted(set(rules.get("required_expertise") or []), key=_bkey)
    cap = rules.get("workload_cap")
    cross = (rules.get("jurisdiction") or "any-jurisdiction") == "cross-jurisdiction"
    rotation = (rules.get("rotation") or "off") == "avoid-previous-team"

    def rules_err(rule, **kw):
        raise AssignError(dict(kind="rules", rule=rule, **kw))

    if team_size < 2:
        rules_err("team-size-below-two", team_size=team_size)
    for pos, d in enumerate(depts):
        if d == "":
            rules_err("empty-department", position=pos)
    if any(t == "" for t in (rules.get("required_expertise") or [])):
        rules_err("empty-expertise")
    seen = set()
    for d in depts:
        if d in seen:
            rules_err("repeated-department", department=d)
        seen.add(d)
    if team_size < len(depts):
        rules_err("too-small-for-departments")
    if team_size < len(depts) + len(tags):
        rules_err("too-small-for-expertise")
    if cap == 0:
        rules_err("zero-workload-cap")
    if rotation and history is None:
        rules_err("history-missing")
    insp = sorted(inspectors, key=lambda i: _bkey(i["id"]))
    dset = set(depts)
    for d in depts:
        if not any(i["department"] == d for i in insp):
            rules_err("department-not-in-register", department=d)
    task_insp = [i for i in insp if i["department"] in dset]
    for t in tags:
        if not any(t in i["expertise"] for i in task_insp):
            rules_err("no-holder-of-expertise", tag=t)
    if team_size > len(task_insp):
        rules_err("team-larger-than-departments")

    def cert_ok(i):
        f, t = i.get("cert_valid_from") or "", i.get("cert_valid_to") or ""
        return (f == "" or f <= date) and (t == "" or date <= t)

    if cap is not None:
        v = sum(1 for i in task_insp if cert_ok(i))
        if team_size * len(drawn) > cap * v:
            rules_err("capacity-too-low")
    seen = set()
    for e in drawn:
        if e["uscc"] in seen:
            raise AssignError(dict(kind="duplicate-entity", uscc=e["uscc"]))
        seen.add(e["uscc"])
    if cross:
        for e in drawn:
            if e["region"] == "":
                raise AssignError(dict(kind="region-unknown", uscc=e["uscc"]))

    conflict_set = set((c[0], c[1]) for c in conflicts)
    hist = history or {}

    def covers(i, region):
        j = i["region"]
        return j != "" and region.startswith(j)

    def fails(i, e):
        """The rules of §5 (2..5) that i breaks for e, as a list of names."""
        out = []
        if not cert_ok(i):
            out.append("expired")
        if (i["id"], e["uscc"]) in conflict_set:
            out.append("conflicted")
        if cross and covers(i, e["region"]):
            out.append("same_jurisdiction")
        if rotation and i["id"] in hist.get(e["uscc"], []):
            out.append("rotation")
        return out

    eligible_count = []
    for e in drawn:
        eligible_count.append(sum(1 for i in task_insp if not fails(i, e)))
    order = sorted(range(len(drawn)), key=lambda x: eligible_count[x])

    words = Words(seed, ASSIGNMENT_STREAM)
    load = {i["id"]: 0 for i in insp}
    teams = [None] * len(drawn)

    for ei in order:
        e = drawn[ei]
        team = []

        def fill(cands, slot):
            avail = [i for i in cands if i["id"] not in team and not fails(i, e)
                     and (cap is None or load[i["id"]] < cap)]
            if not avail:
                raise AssignError(no_team(e, cands, slot, team))
            m = min(load[i["id"]] for i in avail)
            tie = [i for i in avail if load[i["id"]] == m]
            pick = tie[words.uniform(len(tie))]
            team.append(pick["id"])
            load[pick["id"]] += 1

        def no_team(e, cands, slot, team):
            rest = [i for i in cands if i["id"] not in team]
            only_conf = [i for i in rest if fails(i, e) == ["conflicted"]
                         and (cap is None or load[i["id"]] < cap)]
            bd = dict(total=len(cands), on_team=0, expired=0, conflicted=0,
                      same_jurisdiction=0, rotation=0, at_cap=0)
            for i in cands:
                if i["id"] in team:
                    bd["on_team"] += 1
                    continue
                f = fails(i, e)
                if f:
                    bd[f[0]] += 1
                elif cap is not None and load[i["id"]] >= cap:
                    bd["at_cap"] += 1
            if only_conf:
                reason = dict(binding="all-conflicted", conflicted=len(only_conf))
            elif cap is not None and any(not fails(i, e) and load[i["id"]] >= cap for i in rest):
                reason = dict(binding="capacity-exhausted", cap=cap,
                              at_cap=sum(1 for i in rest if not fails(i, e) and load[i["id"]] >= cap))
            elif slot["kind"] == "department":
                reason = dict(binding="department-has-nobody-eligible",
                              department=slot["department"], breakdown=bd)
            elif slot["kind"] == "expertise":
                reason = dict(binding="nobody-with-expertise", tag=slot["tag"], breakdown=bd)
            else:
                reason = dict(binding="too-few-eligible", needed=team_size,
                              available=eligible_count[ei], breakdown=bd)
            return dict(kind="no-team", uscc=e["uscc"], slot=slot, reason=reason)

        for d in depts:
            fill([i for i in insp if i["department"] == d],
                 dict(kind="department", department=d))
        by_id = {i["id"]: i for i in insp}
        for t in tags:
            if any(t in by_id[m]["expertise"] for m in team):
                continue
            fill([i for i in task_insp if t in i["expertise"]], dict(kind="expertise", tag=t))
        while len(team) < team_size:
            fill(task_insp, dict(kind="any"))
        teams[ei] = dict(uscc=e["uscc"], inspectors=team)
    return teams


# -------------------------------------------------- assignment version 2 --
# docs/spec/assignment.md Part II (§V2.2-§V2.9).
WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
               "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
MAX_PLACES = MAX_DEPARTMENTS = MAX_TAGS = 64


def is_blank(text):
    """Empty, or made only of Unicode White_Space (§V2.4 rule 4)."""
    return all(ch in WHITE_SPACE for ch in text)


def rule_errors_v2(rules):
    """§V2.4 rules 1-8: the first rule error as its JSON object, or None."""
    places = rules["places"]
    s = len(places)
    depts = [rules["initiating_department"]] + list(rules["participating_departments"])
    if s < 2:
        return dict(kind="rules", rule="too-few-places", places=s)
    if s > MAX_PLACES:
        return dict(kind="rules", rule="too-many-places", places=s, max=MAX_PLACES)
    if len(depts) > MAX_DEPARTMENTS:
        return dict(kind="rules", rule="too-many-departments", departments=len(depts),
                    max=MAX_DEPARTMENTS)
    for pos, d in enumerate(depts):
        if is_blank(d):
            return dict(kind="rules", rule="blank-department", position=pos)
    for pos, d in enumerate(depts):
        if d in depts[:pos]:
            return dict(kind="rules", rule="repeated-department", department=d)
    for k, p in enumerate(places):
        if p["department"] is not None and p["department"] not in depts:
            return dict(kind="rules", rule="place-department-not-in-task", place=k,
                        department=p["department"])
        if len(p["expertise"]) > MAX_TAGS:
            return dict(kind="rules", rule="too-many-tags", place=k, tags=len(p["expertise"]),
                        max=MAX_TAGS)
        if any(is_blank(t) for t in p["expertise"]):
            return dict(kind="rules", rule="blank-expertise", place=k)
    for d in depts:
        if not any(p["department"] == d for p in places):
            return dict(kind="rules", rule="department-without-place", department=d)
    if rules["workload_cap"] == 0:
        return dict(kind="rules", rule="zero-workload-cap")
    return None


def assign_teams_v2(seed, drawn, inspectors, conflicts, rules, date, history):
    """docs/spec/assignment.md Part II. drawn: [{"uscc","region"}] in draw
    order; inspectors: [{"id","department","region","expertise",
    "cert_valid_from","cert_valid_to"}]; conflicts: iterable of (inspector_id,
    uscc); rules: the committed task.team of a version-2 commitment;
    history: dict uscc -> [ids] or None. Returns [{"uscc","inspectors"}]
    (members in place order) or raises AssignError."""
    err = rule_errors_v2(rules)
    if err:
        raise AssignError(err)
    places = rules["places"]
    s = len(places)
    depts = [rules["initiating_department"]] + list(rules["participating_departments"])
    dset = set(depts)
    cap = rules["workload_cap"]
    cross = rules["jurisdiction"] == "cross-jurisdiction"
    rotation = rules["rotation"] == "avoid-previous-team"
    if rotation and history is None:
        raise AssignError(dict(kind="history-missing"))
    seen = set()
    for e in drawn:
        if e["uscc"] in seen:
            raise AssignError(dict(kind="duplicate-entity", uscc=e["uscc"]))
        seen.add(e["uscc"])
    if cross:
        for e in drawn:
            if e["region"] == "":
                raise AssignError(dict(kind="region-unknown", uscc=e["uscc"]))

    insp = sorted(inspectors, key=lambda i: _bkey(i["id"]))
    conflict_set = set((c[0], c[1]) for c in conflicts)
    hist = history or {}

    def dept_ok(i, p):  # rule 1
        d = places[p]["department"]
        return i["department"] == d if d is not None else i["department"] in dset

    def tags_ok(i, p):  # rule 2 (a place's tags are a set)
        return all(t in i["expertise"] for t in places[p]["expertise"])

    cands = [[i["id"] for i in insp if dept_ok(i, p) and tags_ok(i, p)] for p in range(s)]
    by_id = {i["id"]: i for i in insp}

    def first_failure(i, e):
        """The first of rules 3-6 that i breaks for entity e, or None."""
        f, t = i.get("cert_valid_from") or "", i.get("cert_valid_to") or ""
        if not ((f == "" or f <= date) and (t == "" or date <= t)):
            return "expired"
        if (i["id"], e["uscc"]) in conflict_set:
            return "conflicted"
        j = i["region"]
        if cross and j != "" and e["region"].startswith(j):
            return "same_jurisdiction"
        if rotation and i["id"] in hist.get(e["uscc"], []):
            return "rotation"
        return None

    elig_cache = {}

    def eligible(iid, x):
        key = (iid, x)
        if key not in elig_cache:
            elig_cache[key] = first_failure(by_id[iid], drawn[x]) is None
        return elig_cache[key]

    words = Words(seed, ASSIGNMENT_STREAM)
    holder = {}                       # (e, p) -> inspector id
    held = {i["id"]: [] for i in insp}  # inspector id -> places held (unordered)
    load = {i["id"]: 0 for i in insp}

    def under_cap(iid):
        return cap is None or load[iid] < cap

    def team_place(x, iid):
        """The place of entity x's team that iid holds, or None."""
        for q in range(s):
            if holder.get((x, q)) == iid:
                return (x, q)
        return None

    for e in range(len(drawn)):
        for p in range(s):
            S = (e, p)
            team = {holder[(e, q)] for q in range(p)}
            C = [i for i in cands[p] if eligible(i, e) and i not in team and under_cap(i)]
            if C:
                m = min(load[i] for i in C)
                L = [i for i in C if load[i] == m]
                pick = L[words.uniform(len(L))]
                holder[S] = pick
                held[pick].append(S)
                load[pick] += 1
                continue
            # Step 2: breadth-first search for an augmenting path (no randomness).
            queue, qpos, visited, marked, parent = [S], 0, {S}, set(), {}
            found = None
            while qpos < len(queue) and found is None:
                X = queue[qpos]
                qpos += 1
                x, q = X
                h = holder.get(X)
                for i in cands[q]:
                    if i == h or not eligible(i, x):
                        continue
                    Y = team_place(x, i)
                    if Y is not None:
                        if Y not in visited:
                            visited.add(Y)
                            parent[Y] = X
                            queue.append(Y)
                        continue
                    if i in marked:
                        continue
                    marked.add(i)
                    if under_cap(i):
                        found = (X, i)
                        break
                    for Y in sorted(held[i]):
                        if Y not in visited:
                            visited.add(Y)
                            parent[Y] = X
                            queue.append(Y)
            if found is None:
                raise AssignError(_no_team_v2(e, p, drawn, places, insp, cands, holder,
                                              eligible, first_failure, dept_ok, tags_ok,
                                              cap, len(marked), len(visited), s))
            X, f = found
            cur, new = X, f
            while True:
                old = holder.get(cur)
                holder[cur] = new
                held[new].append(cur)
                if old is not None:
                    held[old].remove(cur)
                if cur == S:
                    break
                new, cur = old, parent[cur]
            load[f] += 1
    return [dict(uscc=drawn[e]["uscc"], inspectors=[holder[(e, p)] for p in range(s)])
            for e in range(len(drawn))]


def _no_team_v2(e, p, drawn, places, insp, cands, holder, eligible, first_failure,
                dept_ok, tags_ok, cap, n_marked, n_visited, s):
    """§V2.8: the reason the search failed at (e, p)."""
    uscc = drawn[e]["uscc"]
    if not any(eligible(i, e) for i in cands[p]):
        bd = dict(total=0, lacks_expertise=0, expired=0, conflicted=0,
                  same_jurisdiction=0, rotation=0)
        for i in insp:
            if not dept_ok(i, p):
                continue
            bd["total"] += 1
            if not tags_ok(i, p):
                bd["lacks_expertise"] += 1
            else:
                why = first_failure(i, drawn[e])
                if why:
                    bd[why] += 1
        return dict(kind="no-team", uscc=uscc, place=p,
                    reason=dict(binding="nobody-eligible", breakdown=bd))
    # 2: the team alone, loads and the cap ignored.
    queue, qpos, visited = [p], 0, {p}
    completable = False
    while qpos < len(queue) and not completable:
        q = queue[qpos]
        qpos += 1
        h = holder.get((e, q))
        for i in cands[q]:
            if i == h or not eligible(i, e):
                continue
            r = next((r for r in range(s) if holder.get((e, r)) == i), None)
            if r is not None:
                if r not in visited:
                    visited.add(r)
                    queue.append(r)
            else:
                completable = True
                break
    if not completable:
        officers = sorted((holder[(e, r)] for r in visited if r != p), key=_bkey)
        return dict(kind="no-team", uscc=uscc, place=p,
                    reason=dict(binding="too-few-for-team", places=sorted(visited),
                                officers=officers))
    return dict(kind="no-team", uscc=uscc, place=p,
                reason=dict(binding="capacity-exhausted", cap=cap, officers=n_marked,
                            places=n_visited))


# ------------------------------------------------------ after the draw --
# docs/spec/assignment.md Part III (§A.3-§A.5), format version 2.
AFTER_DRAW_DOMAIN = b"double-random/after-draw/v2"


def after_draw_key(seed, n):
    """§A.5: SHA-256("double-random/after-draw/v2" || seed || u64_be(n))."""
    return hashlib.sha256(AFTER_DRAW_DOMAIN + seed + struct.pack(">Q", n)).digest()


def after_draw_words(seed, n):
    """§A.5: the stream of the after-draw record made when n earlier
    after-draw records of the draw exist (stream id 16, from word 0)."""
    return Words(after_draw_key(seed, n), ASSIGNMENT_STREAM)


def after_draw_candidates(rules, p, entity, team, left, unavailable, inspectors, conflicts,
                          date, history):
    """§A.3 rules 1-3: the ids of the officers who may take place p of
    entity {"uscc","region"}, in canonical order. team: the entity's current
    team (the leaving officer included) or, for a supplement, the officers
    picked for its earlier places; left: the entity's left set; unavailable:
    the draw's; conflicts: a set of (inspector id, uscc); history: dict uscc
    -> ids of the draw the commitment's history names (used with rotation)."""
    place = rules["places"][p]
    depts = [rules["initiating_department"]] + list(rules["participating_departments"])
    cross = rules["jurisdiction"] == "cross-jurisdiction"
    rotation = rules["rotation"] == "avoid-previous-team"
    out = []
    for i in sorted(inspectors, key=lambda i: _bkey(i["id"])):
        d = place["department"]
        if (i["department"] != d) if d is not None else (i["department"] not in depts):
            continue
        if not all(t in i["expertise"] for t in place["expertise"]):
            continue
        f, t = i.get("cert_valid_from") or "", i.get("cert_valid_to") or ""
        if not ((f == "" or f <= date) and (t == "" or date <= t)):
            continue
        if (i["id"], entity["uscc"]) in conflicts:
            continue
        j = i["region"]
        if cross and j != "" and entity["region"].startswith(j):
            continue
        if rotation and i["id"] in history.get(entity["uscc"], ()):
            continue
        if i["id"] in team or i["id"] in left or i["id"] in unavailable:
            continue
        out.append(i["id"])
    return out


def after_draw_pick(words, cands, loads, cap):
    """§A.3: the least-loaded candidate under the cap (all candidates when
    every one is at or over it), one uniform among the ties. Returns (id,
    over the cap) or (None, False) when nobody can take the place."""
    under = [i for i in cands if cap is None or loads.get(i, 0) < cap]
    pool = under or cands
    if not pool:
        return None, False
    m = min(loads.get(i, 0) for i in pool)
    ties = [i for i in pool if loads.get(i, 0) == m]
    return ties[words.uniform(len(ties))], not under
