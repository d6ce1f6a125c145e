#!/usr/bin/env bash
# Speed and memory of `ortaq quality` on synthetic nations: the whole command
# (reading every live record, building and storing the golden records,
# running the synth's quality.yaml, scoring and storing the findings), on a
# SQLite store that was ingested and resolved first (not timed).
#
#   bench/quality.sh [PEOPLE...]   # default: 20000 285000 1000000
#
# KEEP=DIR keeps each nation's store in DIR/PEOPLE/ and reuses it next time.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(20000 285000 1000000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keep=${KEEP:-$work}
go build -o "$work/ortaq" ./cmd/ortaq

printf '%-9s %10s %10s %9s %9s %10s %9s\n' people records entities findings seconds records/s peak_MiB
for people in "${sizes[@]}"; do
	dir="$keep/$people"
	db="sqlite:$dir/ortaq.db"
	if [[ ! -f $dir/ortaq.db ]]; then
		mkdir -p "$dir"
		"$work/ortaq" synth --people "$people" --out "$dir/synth" >/dev/null 2>&1
		"$work/ortaq" ingest --db "$db" --sources "$dir/synth/sources.yaml" >/dev/null 2>&1
		"$work/ortaq" resolve --db "$db" >/dev/null 2>&1
	fi
	/usr/bin/time -f '%e %M' -o "$work/time" "$work/ortaq" quality --db "$db" --checks "$dir/synth/quality.yaml" --json \
		>"$work/quality.json" 2>/dev/null
	read -r secs kib <"$work/time"
	records=$(sqlite3 "$dir/ortaq.db" 'SELECT SUM(live_records) FROM ingest_runs r WHERE id = (SELECT MAX(id) FROM ingest_runs WHERE source_id = r.source_id)')
	entities=$(sqlite3 "$dir/ortaq.db" 'SELECT COUNT(*) FROM golden_records')
	findings=$(sqlite3 "$dir/ortaq.db" "SELECT COUNT(*) FROM quality_findings WHERE status = 'open'")
	python3 - "$people" "$records" "$entities" "$findings" "$secs" "$kib" <<'PY'
import sys
people, records, entities, findings, secs, kib = sys.argv[1:]
secs = float(secs)
print(f"{people:<9} {int(records):>10} {int(entities):>10} {int(findings):>9} {secs:>9.1f} {int(records)/secs:>10.0f} {int(kib)/1024:>9.0f}")
PY
done
