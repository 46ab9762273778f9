#!/usr/bin/env python3
"""Second differential: the bundled CLI (black box) commits and draws the
worked example's tasks over register files written in unusual but accepted
spellings (GB18030, BOM, header variants, Chinese dates and class names,
tag separators, multi-tag items in odd orders, reversed methods); this
verifier must then find every root, drawn code and team identical. A second
commitment of the rotating task (history) is drawn too.

    python3 tools/pyverify/differential_registers.py [path/to/double-random]
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import drverify as V  # noqa: E402

Y = os.path.join(ROOT, "examples", "yangcheng")
SIG = ("b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482"
       "e26cd02df835d3546d23c4b13e0dfc92")


def read(name):
    return open(os.path.join(Y, name), encoding="utf-8").read()


EXTRA = ("ZF14052290,测试甲,河道股,140522,采砂管理,2022-01-01,2027-12-31\n"
         "ZF14052291,测试乙,河道股,140522,采砂管理;河道,,\n")


def scenarios():
    ent, ins, con, itm = read("entities.csv"), read("inspectors.csv"), read("conflicts.csv"), read("items.csv")
    ins += EXTRA
    yield "as shipped", dict(entities=(ent, "utf-8"), inspectors=(ins, "utf-8"),
                             conflicts=(con, "utf-8"), items=(itm, "utf-8"))
    # unusual spellings
    ent2 = ent.replace("统一社会信用代码,名称,信用风险分类", "*社会信用代码,企业 名称：,风险等级")
    ent2 = ent2.replace(",B,", ",一般风险,").replace(",D,", ",高风险,")
    lines = ent2.splitlines()
    ent2 = "\n".join([lines[0] + ",备注"] + [l.lower() if i % 3 == 0 else l for i, l in
                                            enumerate(lines[1:])]) .replace("\n", ",x\n") + ",x\n"
    ent2 = ent2.replace(lines[0].lower() + ",备注,x", lines[0] + ",备注")
    ins2 = ins.replace("2022-03-01", "2022年3月1日").replace("2021-07-01", "2021/7/1")
    ins2 = ins2.replace("综合执法;水资源", "水资源、综合执法").replace("水资源;取水计量", "取水计量；水资源;取水计量")
    ins2 = ins2.replace("执法证号,姓名", "执法证号,人员 姓名")
    itm2 = itm.replace("实地核查;书面检查", "书面检查、实地核查").replace("实地核查;委托检验检测", "entrusted;on-site")
    itm2 = itm2.replace(",水土保持\n", ",水土保持;水土保持\n").replace(",重点,取水单位", ",key,取水单位")
    itm2 = itm2.replace("建设项目审批与实施,实地核查,", "建设项目审批与实施,实地核查,采砂管理;河道;采砂管理")
    itm2 = itm2.replace("节水设施,书面检查,", "节水设施,书面检查,节约用水、水资源")
    con2 = "\n".join(l.rsplit(",", 1)[0] for l in con.splitlines()) + "\n"   # no reason column
    yield "unusual spellings", dict(entities=(ent2, "gb18030"), inspectors=("\ufeff" + ins2, "utf-8"),
                                    conflicts=(con2, "utf-8"), items=(itm2, "gb18030"))


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        print("   CLI failed:", " ".join(cmd[:2]), p.stderr.strip()[-400:])
    return p.returncode


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "double-random")
    bad = 0
    for name, files in scenarios():
        tmp = tempfile.mkdtemp()
        paths = {}
        for kind, (text, enc) in files.items():
            paths[kind] = os.path.join(tmp, f"{kind}.csv")
            with open(paths[kind], "wb") as f:
                f.write(text.encode(enc))
        regs = ["--entities", paths["entities"], "--inspectors", paths["inspectors"],
                "--conflicts", paths["conflicts"], "--items", paths["items"]]
        chain, key = os.path.join(tmp, "chain.jsonl"), os.path.join(tmp, "k")
        run([cli, "keygen", "--issuer", "测试局 (TEST)", "--out", key])
        ok = True
        tasks = [("water-permits", "YCSW-2024-01"), ("river-sand", "YCHD-2024-01"),
                 ("joint-works", "YCGC-2024-01")]
        for n, (task, tid) in enumerate(tasks):
            ok &= run([cli, "commit", "--chain", chain, "--key", key + ".key",
                       "--task", os.path.join(Y, "tasks", task + ".toml"), *regs,
                       "--randomness-plan", "drand:quicknet:123",
                       "--created-at", f"2023-08-23T15:{n:02d}:00Z"]) == 0
        for n, (task, tid) in enumerate(tasks):
            ok &= run([cli, "draw", "--chain", chain, "--key", key + ".key", "--task-id", tid,
                       "--beacon-signature", SIG, *regs,
                       "--created-at", f"2023-08-23T15:20:{10 + n:02d}Z"]) == 0
        # the rotating task again: its commitment names the first draw (history)
        ok &= run([cli, "commit", "--chain", chain, "--key", key + ".key",
                   "--task", os.path.join(Y, "tasks", "river-sand.toml"), *regs,
                   "--randomness-plan", "ceremony:2023-08-23T16:00:00Z:two dice, digits as ASCII",
                   "--witness", "某某 (TEST)", "--created-at", "2023-08-23T15:30:00Z"]) == 0
        ok &= run([cli, "draw", "--chain", chain, "--key", key + ".key", "--task-id", "YCHD-2024-01",
                   "--randomness", "3532", *regs, "--created-at", "2023-08-23T16:05:00Z"]) == 0
        rc_rust = run([cli, "verify", "--chain", chain, "--public-key", key + ".pub", *regs])
        rc_py = V.main(["--chain", chain, "--public-key", key + ".pub",
                        "--entities", paths["entities"], "--inspectors", paths["inspectors"],
                        "--conflicts", paths["conflicts"], "--items", paths["items"],
                        "--secrets", chain + ".secrets.jsonl"])
        print(f"{'same' if rc_rust == rc_py == 0 and ok else 'DIFF'}  {name}: "
              f"CLI steps ok={ok}, rust verify rc={rc_rust}, py verify rc={rc_py}")
        bad += not (rc_rust == rc_py == 0 and ok)
        if os.environ.get("KEEP"):
            print("   kept in", tmp)
        else:
            shutil.rmtree(tmp)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
