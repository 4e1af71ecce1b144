#!/usr/bin/env python3
"""Assemble corpus/incidents.jsonl from the hand-written batch files.

Each batch file (corpus/batches/NN-theme.txt) holds records like:

    @@ severity | agent agent | style | lang
    Title on one line
    description, any number of lines, up to the next '@@ ' header
    ctx: optional context line, anywhere in the record (repeatable; joined
         with newlines) -- becomes the optional "context" field

Ids are assigned in file order (batches sorted by name), so appending to the
last batch or adding a new batch keeps existing ids stable.
Run by hand:  python3 corpus/build.py
"""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
SEVERITIES = {"critical", "high", "medium", "low", "info"}
AGENTS = {"database", "network", "dns", "kubernetes", "compute", "storage",
          "deployment", "security", "auth", "payments", "messaging",
          "observability", "third-party", "frontend", "ci-cd"}
STYLES = {"statuspage", "alert", "ticket", "chat", "postmortem", "email"}


def parse(path):
    records, cur = [], None
    for lineno, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.startswith("@@ "):
            if cur:
                records.append(cur)
            parts = [p.strip() for p in line[3:].split("|")]
            if len(parts) != 4:
                sys.exit(f"{path}:{lineno}: bad header {line!r}")
            sev, agents, style, lang = parts
            cur = {"where": f"{path.name}:{lineno}", "severity": sev,
                   "agents": agents.split(), "style": style, "lang": lang,
                   "title": None, "ctx": [], "desc": []}
        elif cur is None:
            continue
        elif cur["title"] is None:
            cur["title"] = line.strip()
        elif line.startswith("ctx: "):
            cur["ctx"].append(line[5:].strip())
        else:
            cur["desc"].append(line.rstrip())
    if cur:
        records.append(cur)
    return records


def main():
    out, n = [], 0
    for path in sorted((HERE / "batches").glob("*.txt")):
        for r in parse(path):
            n += 1
            desc = "\n".join(r["desc"]).strip("\n")
            if r["severity"] not in SEVERITIES or r["style"] not in STYLES \
                    or not set(r["agents"]) <= AGENTS or not 1 <= len(r["agents"]) <= 4 \
                    or len(set(r["agents"])) != len(r["agents"]):
                sys.exit(f"{r['where']}: bad labels {r['severity']} {r['agents']} {r['style']}")
            if not (3 <= len(r["title"]) <= 120 and 10 <= len(desc) <= 4000):
                sys.exit(f"{r['where']}: length out of range ({len(r['title'])}, {len(desc)})")
            row = {"id": f"tk-{n:04d}", "title": r["title"], "description": desc}
            if r["ctx"]:
                row["context"] = "\n".join(r["ctx"])
            row.update({"severity": r["severity"], "agents": r["agents"],
                        "agents_complete": True, "source": "triagekit",
                        "style": r["style"], "lang": r["lang"]})
            out.append(json.dumps(row, ensure_ascii=False))
    (HERE / "incidents.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"wrote {len(out)} incidents")


if __name__ == "__main__":
    main()
