#!/usr/bin/env python3
"""Applies pending inline insta snapshots (`.<file>.pending-snap`) to their source files,
for machines without cargo-insta: `INSTA_UPDATE=always cargo test`, then this script, then
review `git diff` as you would `cargo insta review`."""
import json, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
for pending in root.glob("src/**/.*.pending-snap"):
    source = pending.with_name(pending.name[1:-len(".pending-snap")])
    entries = {}
    for line in pending.read_text().splitlines():
        if line.strip():
            e = json.loads(line)
            if e.get("new"):
                entries[e["line"]] = e["new"]["snapshot"]
    text = source.read_text()
    lines = text.split("\n")
    for line_no in sorted(entries, reverse=True):
        offset = sum(len(l) + 1 for l in lines[: line_no - 1])
        at = text.index("@", offset)
        m = re.compile(r'@(r(#*))?"').match(text, at)
        if m.group(1) is not None:
            closing = '"' + m.group(2)
            end = text.index(closing, m.end()) + len(closing)
        else:
            i = m.end()
            while text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            end = i + 1
        indent = re.match(r"\s*", lines[line_no - 1]).group(0)
        content = entries[line_no]
        hashes = "#"
        while '"' + hashes in content:
            hashes += "#"
        body = "\n".join((indent + l) if l else "" for l in content.split("\n"))
        literal = f'@r{hashes}"\n{body}\n{indent}"{hashes}'
        text = text[:at] + literal + text[end:]
        lines = text.split("\n")
    source.write_text(text)
    pending.unlink()
    print(f"updated {source.relative_to(root)} ({len(entries)} snapshots)")
