#!/usr/bin/env bash
# Brings the PublicAPI.Unshipped.txt of every project under src/ in line with the build: adds every public
# symbol the build reports as undeclared (RS0016) and, since nothing in Unshipped has been released, drops
# every Unshipped entry the build reports as gone (RS0017). Shipped entries are never touched: removing
# released API is a breaking change and a major version (README, "Versioning"). Needs the .NET SDK and python3.
#
# Run it after a change that adds or removes public API on purpose, for instance a spec change that adds a
# field, then review the diff.
#
# The symbols come from the build's SARIF log, where the analyzer names each one exactly as the
# PublicAPI files spell it; this covers the generated clients too, which `dotnet format` skips.
set -euo pipefail
cd "$(dirname "$0")/.."

log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

for project in src/*/; do
    name=$(basename "$project")
    # Each target framework has the same public API (package validation checks it); net10.0 suffices.
    dotnet build "$project$name.csproj" --nologo -v quiet -f net10.0 --no-incremental \
        -p:TreatWarningsAsErrors=false "-p:ErrorLog=$log_dir/$name.sarif%2Cversion=2.1" >/dev/null || true
    python3 - "$log_dir/$name.sarif" "${project}PublicAPI.Unshipped.txt" <<'PY'
import json, sys
sarif, unshipped = sys.argv[1], sys.argv[2]
results = json.load(open(sarif, encoding="utf-8"))["runs"][0]["results"]
def symbols(rule):
    return {r["properties"]["customProperties"]["APIName"] for r in results if r["ruleId"] == rule}
added, gone = symbols("RS0016"), symbols("RS0017")
# RS0036/RS0037: a listed symbol whose nullability annotations changed (a type that became a class, say):
# the entry is replaced by the annotated one.
reannotated = symbols("RS0036") | symbols("RS0037")
plain = lambda entry: entry.replace("!", "").replace("?", "")
lines = [l.rstrip("\n") for l in open(unshipped, encoding="utf-8")]
header = [l for l in lines if l.startswith("#")]
kept = set(l for l in lines if l and not l.startswith("#")) - gone
kept = {l for l in kept if plain(l) not in {plain(r) for r in reannotated}} | {r for r in reannotated if plain(r) in {plain(l) for l in lines}}
entries = sorted(kept | added, key=str.casefold)
open(unshipped, "w", encoding="utf-8", newline="\n").write("\n".join(header + entries) + "\n")
print(f"{unshipped}: {len(added)} added, {len(gone & set(lines))} removed")
PY
done
