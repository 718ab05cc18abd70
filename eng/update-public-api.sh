#!/usr/bin/env bash
# Records public API changes in each packable project's PublicAPI.Unshipped.txt:
# adds the symbols the public API analyzer reports as new (RS0016) and drops the ones it reports as gone
# (RS0017). Review the diff: it is the API change. Run from the repository root: bash eng/update-public-api.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/Aqueduct.Civis src/Aqueduct.Civis.Testing; do
  log=$(mktemp)
  dotnet build "$project" -p:TreatWarningsAsErrors=false -p:WarningsAsErrors= --no-incremental -v:q -clp:NoSummary > "$log" 2>&1 || true
  unshipped="$project/PublicAPI.Unshipped.txt"
  python3 - "$log" "$unshipped" "$project" <<'PY'
import os, re, sys
log, path, project = sys.argv[1], sys.argv[2], sys.argv[3]
csproj = os.path.basename(project) + '.csproj]'
text = '\n'.join(l for l in open(log, encoding='utf-8') if l.rstrip().endswith(csproj))
added = set(re.findall(r"RS0016: Symbol '(.+?)' is not part of the declared public API", text))
removed = set(re.findall(r"RS0017: Symbol '(.+?)' is part of the declared API", text))
lines = [l.rstrip('\n') for l in open(path, encoding='utf-8')]
header = [l for l in lines if l.startswith('#')] or ['#nullable enable']
body = {l for l in lines if l and not l.startswith('#')}
body = (body | added) - removed
open(path, 'w', encoding='utf-8').write('\n'.join(header + sorted(body, key=str.lower)) + '\n')
print(f"{path}: +{len(added)} -{len(removed)}")
PY
  rm -f "$log"
done
