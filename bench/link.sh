#!/usr/bin/env bash
# Speed and memory of `ortaq link` on synthetic nations: wall time of the
# whole command (reading the extracts to writing the clusters), records and
# comparisons per second, and peak resident memory.
#
#   bench/link.sh [PEOPLE...]   # default: 28500 285000 1425000 people,
#                               # about 100k, 1M and 5M person records
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(28500 285000 1425000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/ortaq" ./cmd/ortaq

printf '%-9s %10s %12s %9s %10s %13s %9s %8s\n' people records comparisons seconds records/s comparisons/s peak_MiB F1
for people in "${sizes[@]}"; do
	rm -rf "$work/synth"
	"$work/ortaq" synth --people "$people" --out "$work/synth" >/dev/null 2>&1
	/usr/bin/time -f '%e %M' -o "$work/time" "$work/ortaq" link --sources "$work/synth/sources.yaml" --out "$work/clusters.csv" >"$work/summary" 2>/dev/null
	read -r secs kib <"$work/time"
	f1=$("$work/ortaq" eval --json --truth "$work/synth/truth/persons.csv" --clusters "$work/clusters.csv" | python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["f1"])')
	# Records and comparisons of every linked kind, from the summary table.
	read -r records comparisons < <(awk '/^kind/ {t=1; next} t && NF==7 {r+=$2; c+=$3} END {print r, c}' "$work/summary")
	python3 - "$people" "$records" "$comparisons" "$secs" "$kib" "$f1" <<'PY'
import sys
people, records, comps, secs, kib, f1 = sys.argv[1:]
records, comps, secs = int(records), int(comps), float(secs)
print(f"{people:<9} {records:>10} {comps:>12} {secs:>9.1f} {records/secs:>10.0f} {comps/secs:>13.0f} {int(kib)/1024:>9.0f} {f1:>8}")
PY
done
