#!/usr/bin/env python3
"""Deterministic synthetic SpecQL project generator for the compile benchmark.

    bench/gen.py N OUT_DIR [--seed S] [--per-file K]

Writes N entities spread over 8 schemas, K entity documents per file (default 10, so
the reader sees many files as in a real project). Every entity has 12 business fields
of mixed types (scalars, rich types, enums, lists, a default or two), 2 nullable
references to other entities and 4 actions: the standard create and update, and two
custom actions with several steps (validate, if/then/else, update SET, notify, return).

The output depends only on (N, seed, K): the same arguments write byte-identical files,
so benchmark runs compare like with like.
"""

import argparse
import os
import random

SCHEMAS = [f"s{i}" for i in range(8)]

# (yaml type, kind) -- kind drives which expressions the custom actions may use.
FIELD_TYPES = [
    ("text", "text"),
    ("text(200)", "text"),
    ("integer", "int"),
    ("integer(0, 1000)", "int"),
    ("bigint", "int"),
    ("decimal(12, 2)", "num"),
    ("money", "num"),
    ("percentage", "num"),
    ("boolean", "bool"),
    ("date", "date"),
    ("timestamp", "ts"),
    ("email", "text"),
    ("phone", "text"),
    ("url", "text"),
    ("currencyCode", "text"),
    ("countryCode", "text"),
    ("uuid", "uuid"),
    ("jsonb", "json"),
    ("list(text)", "list"),
    ("markdown", "text"),
]

WORDS = [
    "alpha", "bravo", "cargo", "delta", "ember", "fable", "gamma", "harbor", "ivory",
    "jade", "kilo", "lunar", "maple", "nova", "orbit", "pixel", "quartz", "raven",
    "sierra", "tango", "umber", "vector", "willow", "xenon", "yonder", "zephyr",
]


def pascal(i, rng):
    return rng.choice(WORDS).capitalize() + rng.choice(WORDS).capitalize() + f"E{i}"


def snake(name):
    out = []
    for idx, ch in enumerate(name):
        if ch.isupper() and idx > 0 and not name[idx - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def entity_doc(i, n, names, rng):
    name = names[i]
    sn = snake(name)
    schema = SCHEMAS[i % len(SCHEMAS)]
    lines = [f"entity: {name}", f"schema: {schema}", f'description: "Synthetic entity {i}"']
    if i % 3 == 0:
        lines.append("identifier: f_title")
    lines.append("fields:")
    # Fixed anchors the custom actions rely on.
    lines.append("  f_title: text!")
    lines.append("  f_status: enum(draft, active, archived) = 'draft'")
    lines.append("  f_score: integer = 0")
    kinds = {"f_title": "text", "f_status": "enum", "f_score": "int"}
    for k in range(9):
        ty, kind = FIELD_TYPES[rng.randrange(len(FIELD_TYPES))]
        fname = f"f_{k}_{rng.choice(WORDS)}"
        suffix = ""
        r = rng.random()
        if kind == "bool" and r < 0.5:
            suffix = " = false"
        elif kind == "text" and ty == "text" and r < 0.2:
            suffix = "!"
        lines.append(f"  {fname}: {ty}{suffix}")
        kinds[fname] = kind
    if n > 1:
        targets = sorted({(i + 1) % n, (i + 1 + rng.randrange(1, max(2, n - 1))) % n} - {i})
        while len(targets) < 2 and n > 2:
            cand = rng.randrange(n)
            if cand != i and cand not in targets:
                targets.append(cand)
        for t_idx, t in enumerate(targets[:2]):
            lines.append(f"  r_{t_idx}: ref({names[t]})")
    lines.append("actions:")
    lines.append(f"  - name: create_{sn}")
    lines.append(f'    description: "Create a {name}"')
    lines.append(f"  - name: update_{sn}")
    lines.append(f"  - name: activate_{sn}")
    lines.append(f'    description: "Activate a draft {name}"')
    lines.append("    steps:")
    lines.append("      - validate: f_status = 'draft'")
    lines.append("        error: not_a_draft")
    lines.append("      - validate: f_title IS NOT NULL AND length(f_title) > 0")
    lines.append("      - if: f_score >= 100")
    lines.append("        then:")
    lines.append("          - update: \"" + name + " SET f_title = upper(f_title)\"")
    lines.append("        else:")
    lines.append(f"          - update: {name} SET f_score = f_score + 1")
    lines.append(f"      - update: {name} SET f_status = 'active'")
    lines.append(f"      - notify: {sn}_activated")
    lines.append("        data:")
    lines.append("          score: f_score")
    lines.append(f"  - name: rescore_{sn}")
    lines.append("    steps:")
    lines.append("      - validate: $delta > -100 AND $delta < 100")
    lines.append("        error: bad_delta")
    lines.append("      - validate: f_status != 'archived'")
    lines.append(f"      - update: {name} SET f_score = coalesce(f_score, 0) + $delta")
    lines.append("      - return: rescored")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--per-file", type=int, default=10)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    names = [pascal(i, rng) for i in range(args.n)]
    docs = [entity_doc(i, args.n, names, rng) for i in range(args.n)]
    os.makedirs(args.out, exist_ok=True)
    for f_idx in range(0, args.n, args.per_file):
        chunk = docs[f_idx : f_idx + args.per_file]
        path = os.path.join(args.out, f"entities_{f_idx // args.per_file:05}.yaml")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("---\n".join(chunk))


if __name__ == "__main__":
    main()
