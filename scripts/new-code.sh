#!/usr/bin/env bash
# Scaffolds a new diagnostic code: a registry entry in src/diag/codes.rs (explanation
# "TODO"), a constructor stub in src/diag/ctors/<area>.rs, and a case stub
# tests/cases/err/<name>.yaml; then prints the command that writes the case's snapshot.
#
#   scripts/new-code.sh ID KEBAB-NAME CONST_NAME AREA
#   scripts/new-code.sh E0317 unknown-role UNKNOWN_ROLE names
#
# `every_code_has_a_case` (tests/cases.rs) fails until the explanation is real (more than
# 40 characters, with a wrong and a right example) and a case reports the code: the stub
# case holds no entity, so it reports E0107 until you write the spec that shows the code.
set -euo pipefail

if [[ $# -ne 4 ]]; then
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
id=$1 name=$2 konst=$3 area=$4
[[ $id =~ ^[EW][0-9]{4}$ ]] || { echo "ID must look like E0317 or W0402" >&2; exit 2; }
[[ $name =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]] || { echo "NAME must be kebab-case" >&2; exit 2; }
[[ $konst =~ ^[A-Z][A-Z0-9_]*$ ]] || { echo "CONST_NAME must be UPPER_SNAKE" >&2; exit 2; }
[[ $area =~ ^[a-z][a-z_]*$ ]] || { echo "AREA must be a module name such as names" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
snake=${name//-/_}
case_file="tests/cases/err/$snake.yaml"
[[ -e $root/$case_file ]] && { echo "$case_file exists" >&2; exit 1; }

ID=$id NAME=$name KONST=$konst AREA=$area SNAKE=$snake ROOT=$root python3 - <<'PY'
import os, pathlib, re, sys

root = pathlib.Path(os.environ["ROOT"])
ident, name, konst, area, snake = (os.environ[k] for k in ("ID", "NAME", "KONST", "AREA", "SNAKE"))

# 1. The registry entry, in numeric order among the codes of its letter.
codes = root / "src/diag/codes.rs"
text = codes.read_text()
entries = list(re.finditer(r'^    ([A-Z][A-Z0-9_]*) = "([EW]\d{4})" "([a-z0-9-]+)":$', text, re.M))
for e in entries:
    if e.group(1) == konst or e.group(2) == ident or e.group(3) == name:
        sys.exit(f"{e.group(2)} {e.group(3)} ({e.group(1)}) is already registered")
later = [e for e in entries if e.group(2)[0] == ident[0] and e.group(2) > ident]
same_letter = [e for e in entries if e.group(2)[0] == ident[0]]
if later:
    at = later[0].start()
elif same_letter:
    last = same_letter[-1]
    at = text.index(";\n", last.end()) + 2
else:
    at = text.index("\n}\n", entries[-1].end()) + 1
entry = f'    {konst} = "{ident}" "{name}":\n        "TODO";\n'
codes.write_text(text[:at] + entry + text[at:])

# 2. The constructor stub, at the end of the area's `impl Diagnostic`.
ctors = root / "src/diag/ctors"
module = ctors / f"{area}.rs"
if not module.exists():
    module.write_text(
        f"//! Constructors for TODO: say which diagnostics this area holds.\n\n"
        "use crate::diag::{Diagnostic, codes};\nuse crate::source::Span;\n\n"
        "impl Diagnostic {\n}\n"
    )
    mod_rs = ctors / "mod.rs"
    lines = mod_rs.read_text().split("\n")
    mods = [i for i, l in enumerate(lines) if l.startswith("mod ")]
    lines.insert(mods[-1] + 1, f"mod {area};")
    head, body = lines[: mods[0]], sorted(l for l in lines[mods[0] : mods[-1] + 2] if l)
    mod_rs.write_text("\n".join(head + body + lines[mods[-1] + 2 :]))
source = module.read_text()
impl = source.index("impl Diagnostic {")
close = source.index("\n}\n", impl) + 1
kind = "error" if ident.startswith("E") else "warning"
stub = (
    ("\n" if source[close - 2] != "{" else "")
    + f"    /// TODO: say when {ident} is reported, and take what the message needs.\n"
    + f"    pub fn {snake}(span: Span) -> Diagnostic {{\n"
    + f'        Diagnostic::{kind}(codes::{konst}, "TODO: say what is wrong", span)\n'
    + "    }\n"
)
module.write_text(source[:close] + stub + source[close:])

# 3. The case stub: no entity yet, so it reports E0107 until it shows the new code.
(root / "tests/cases/err" / f"{snake}.yaml").write_text(
    f"# TODO: the smallest spec that reports {ident} ({name}), with a comment on why.\n"
)
PY

cat <<MSG
Added $id $name:
  src/diag/codes.rs          registry entry $konst (explanation: TODO)
  src/diag/ctors/$area.rs    Diagnostic::$snake (message: TODO)
  $case_file   case stub
Next: write the explanation (a wrong and a right example), the constructor's message and
arguments, call it where the problem is found, and the spec of the case. Then write and
review the snapshot:
  INSTA_UPDATE=always cargo test --test it cases::err_cases && git status snapshots/ && git diff snapshots/
MSG
