#!/usr/bin/env bash
# The scaling table: for each nation size, the whole pipeline on one store,
# each step a whole process timed by /usr/bin/time (wall seconds, CPU seconds,
# peak resident memory).
#
#   bench/scale.sh [PEOPLE...]      # default: 100000 1000000
#
#   link     `ortaq link` straight from the extracts: records, comparisons,
#            comparisons per record, F1 against the synth's truth
#   eval     `ortaq eval`, which scores the link's clusters (with link)
#   ingest   every extract into a fresh store: rows, rows/s
#   store    the store's size on disk after ingest, and bytes per record version
#   resolve  the first (full) resolve of every kind
#   quality  the first (full) quality run with the synth's checks
#
# DB=postgres runs the store steps on PostgreSQL instead of SQLite: a fresh
# database in ORTAQ_BENCH_POSTGRES's cluster, or in a throwaway durable
# cluster started by scripts/postgres.sh. STEPS=link (or "link ingest ...")
# runs only some steps; the store steps need the ones before them.
# KEEP=DIR keeps each size's nation in DIR/PEOPLE/ and reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(100000 1000000)
steps=${STEPS:-link ingest resolve quality}
db_kind=${DB:-sqlite}
work=$(mktemp -d)
pgdir=""
cleanup() {
	if [[ -n $pgdir ]]; then scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT
keep=${KEEP:-$work}
go build -o "$work/ortaq" ./cmd/ortaq

has() { [[ " $steps " == *" $1 "* ]]; }

# timed NAME CMD...: runs CMD under /usr/bin/time, its stdout to $work/NAME.out,
# and leaves "wall cpu peak_kib" in $work/NAME.time.
timed() {
	local name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$work/$name.raw" "$@" >"$work/$name.out" 2>"$work/$name.err" ||
		{ echo "scale.sh: $name failed:" >&2; tail -5 "$work/$name.err" >&2; exit 1; }
	awk '{ printf "%s %.1f %s\n", $1, $2 + $3, $4 }' "$work/$name.raw" >"$work/$name.time"
}

pg=""
if [[ $db_kind == postgres ]]; then
	pg=${ORTAQ_BENCH_POSTGRES:-}
	if [[ -z $pg ]]; then
		pgdir=$(mktemp -d)
		rmdir "$pgdir"
		pg=$(ORTAQ_PG_DURABLE=1 scripts/postgres.sh start "$pgdir")
	fi
fi

# store_bytes PEOPLE DSN: the store's size on disk.
store_bytes() {
	if [[ -n $pg ]]; then
		psql -XAtq "$2" -c 'SELECT pg_database_size(current_database())'
	else
		du -cb "$keep/$1/store"/ortaq.db* | tail -1 | cut -f1
	fi
}

# scalar DSN SQL: one value from the store.
scalar() {
	if [[ -n $pg ]]; then
		psql -XAtq "$1" -c "$2"
	else
		sqlite3 "${1#sqlite:}" "$2"
	fi
}

row() { printf '%-9s %-8s %12s %9s %9s %8s  %s\n' "$@"; }
row people step items wall_s cpu_s peak_MiB detail
for people in "${sizes[@]}"; do
	dir="$keep/$people"
	if [[ ! -f $dir/synth/sources.yaml ]]; then
		mkdir -p "$dir"
		timed synth "$work/ortaq" synth --people "$people" --out "$dir/synth"
		read -r wall cpu kib <"$work/synth.time"
		row "$people" synth "$people" "$wall" "$cpu" $((kib / 1024)) "$(du -sh "$dir/synth" | cut -f1) of extracts"
	fi
	if has link; then
		timed link "$work/ortaq" link --sources "$dir/synth/sources.yaml" --out "$work/clusters.csv"
		read -r wall cpu kib <"$work/link.time"
		# Records and comparisons of every linked kind, from the summary table.
		read -r records comparisons < <(awk '/^kind/ {t=1; next} t && NF==7 {r+=$2; c+=$3} END {print r, c}' "$work/link.out")
		timed eval "$work/ortaq" eval --json --truth "$dir/synth/truth/persons.csv" --clusters "$work/clusters.csv"
		f1=$(python3 -c 'import json,sys; print("%.5f" % json.load(sys.stdin)["f1"])' <"$work/eval.out")
		row "$people" link "$records" "$wall" "$cpu" $((kib / 1024)) \
			"$comparisons comparisons, $(awk -v c="$comparisons" -v r="$records" 'BEGIN { printf "%.2f", c / r }') a record, person F1 $f1"
		read -r wall cpu kib <"$work/eval.time"
		row "$people" eval "$records" "$wall" "$cpu" $((kib / 1024)) "scoring the clusters against the truth"
	fi
	has ingest || continue
	if [[ -n $pg ]]; then
		name="scale_$people"
		psql -XAtq "$pg" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
		dsn=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$pg" "$name")
	else
		rm -rf "$dir/store"
		mkdir -p "$dir/store"
		dsn="sqlite:$dir/store/ortaq.db"
	fi
	timed ingest "$work/ortaq" ingest --db "$dsn" --sources "$dir/synth/sources.yaml" --json
	read -r wall cpu kib <"$work/ingest.time"
	rows=$(python3 -c 'import json, sys; print(sum(json.loads(l)["rows"] for l in sys.stdin if l.strip()))' <"$work/ingest.out")
	row "$people" ingest "$rows" "$wall" "$cpu" $((kib / 1024)) "$(awk -v r="$rows" -v s="$wall" 'BEGIN { printf "%.0f rows/s", r / s }')"
	versions=$(scalar "$dsn" 'SELECT COUNT(*) FROM record_versions')
	bytes=$(store_bytes "$people" "$dsn")
	row "$people" store "$versions" - - - "$(awk -v b="$bytes" -v v="$versions" 'BEGIN { printf "%.2f GiB, %.0f bytes a record version", b / 2^30, b / v }')"
	if has resolve; then
		timed resolve "$work/ortaq" resolve --db "$dsn" --json
		read -r wall cpu kib <"$work/resolve.time"
		entities=$(scalar "$dsn" 'SELECT COUNT(*) FROM entities')
		row "$people" resolve "$versions" "$wall" "$cpu" $((kib / 1024)) "$entities entities"
	fi
	if has quality; then
		timed quality "$work/ortaq" quality --db "$dsn" --checks "$dir/synth/quality.yaml" --json
		read -r wall cpu kib <"$work/quality.time"
		findings=$(scalar "$dsn" "SELECT COUNT(*) FROM quality_findings WHERE status = 'open'")
		bytes=$(store_bytes "$people" "$dsn")
		row "$people" quality "$versions" "$wall" "$cpu" $((kib / 1024)) \
			"$findings open findings; store now $(awk -v b="$bytes" 'BEGIN { printf "%.2f GiB", b / 2^30 }')"
	fi
done
