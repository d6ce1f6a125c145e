#!/usr/bin/env bash
# Measures synth and ingest throughput and prints a table.
#
#   bench/ingest.sh [PEOPLE] [SOURCE]     (defaults: 1000000 health_cards)
#
# It builds ortaq, synthesises PEOPLE people, then loads SOURCE's extract into
# a fresh SQLite file and into a fresh PostgreSQL database (ORTAQ_BENCH_POSTGRES,
# or a throwaway cluster started with scripts/postgres.sh). Each figure is a
# whole-process timing: start-up, contract parsing and migrations included.
set -euo pipefail
cd "$(dirname "$0")/.."

people=${1:-1000000}
src=${2:-health_cards}
work=$(mktemp -d)
pgdir=""
cleanup() {
	if [ -n "$pgdir" ]; then scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/ortaq" ./cmd/ortaq

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }

t0=$(now)
"$work/ortaq" synth --people "$people" --out "$work/nation" >/dev/null 2>&1
t1=$(now)
synth_s=$(secs "$t0" "$t1")

pg=${ORTAQ_BENCH_POSTGRES:-}
if [ -z "$pg" ]; then
	pgdir=$(mktemp -d)
	rmdir "$pgdir"
	pg=$(scripts/postgres.sh start "$pgdir")
fi

# ingest DSN -> "rows seconds"
ingest() {
	local out t0 t1
	t0=$(now)
	out=$("$work/ortaq" ingest --db "$1" --sources "$work/nation/sources.yaml" --only "$src" --json 2>/dev/null)
	t1=$(now)
	echo "$(echo "$out" | sed -E 's/.*"rows":([0-9]+).*/\1/') $(secs "$t0" "$t1")"
}

# baseline DSN: the time PostgreSQL itself takes to COPY the rows ortaq
# stored (the source's versions and their runs' raw blocks), from files,
# into empty tables of the same shape: the ceiling for any loader on this
# machine.
baseline() {
	local t0 t1
	psql -q "$1" -c "\\copy (SELECT v.* FROM record_versions v JOIN sources s ON s.id = v.source_id WHERE s.name = '$src') TO '$work/rows.tsv'" >/dev/null
	psql -q "$1" -c "\\copy (SELECT b.* FROM raw_blocks b JOIN ingest_runs r ON r.id = b.run_id JOIN sources s ON s.id = r.source_id WHERE s.name = '$src') TO '$work/blocks.tsv'" >/dev/null
	psql -q "$1" -c "CREATE TABLE baseline_copy (LIKE record_versions INCLUDING ALL)" >/dev/null
	psql -q "$1" -c "CREATE TABLE baseline_blocks (LIKE raw_blocks INCLUDING ALL)" >/dev/null
	t0=$(now)
	psql -q "$1" -c "\\copy baseline_copy FROM '$work/rows.tsv'" >/dev/null
	psql -q "$1" -c "\\copy baseline_blocks FROM '$work/blocks.tsv'" >/dev/null
	t1=$(now)
	psql -q "$1" -c "DROP TABLE baseline_copy, baseline_blocks" >/dev/null
	echo "$(wc -l <"$work/rows.tsv") $(secs "$t0" "$t1")"
}

# sqlite_baseline FILE: the time SQLite itself (the C library, through
# Python) takes to copy the stored rows (versions and raw blocks) into empty
# tables of the same shape in the same WAL-mode file: the engine's ceiling,
# with no parsing.
sqlite_baseline() {
	python3 - "$1" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=NORMAL")
tables = ["record_versions", "raw_blocks"]
for t in tables:
    schema = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0]
    db.execute(schema.replace(t, "baseline_" + t, 1))
t0 = time.time()
db.execute("BEGIN IMMEDIATE")
n = db.execute("INSERT INTO baseline_record_versions SELECT * FROM record_versions").rowcount
db.execute("INSERT INTO baseline_raw_blocks SELECT * FROM raw_blocks")
db.execute("COMMIT")
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(n, f"{time.time() - t0:.3f}")
for t in tables:
    db.execute("DROP TABLE baseline_" + t)
PY
}

read -r sq_rows sq_s < <(ingest "sqlite:$work/bench.db")
read -r re_rows re_s < <(ingest "sqlite:$work/bench.db")
read -r sb_rows sb_s < <(sqlite_baseline "$work/bench.db")
read -r pg_rows pg_s < <(ingest "$pg")
read -r bl_rows bl_s < <(baseline "$pg")
read -r pr_rows pr_s < <(ingest "$pg")

printf '%-40s %10s %9s %12s\n' "step" "rows" "seconds" "rows/s"
printf '%-40s %10s %9.2f %12s\n' "synth --people $people" "$people" "$synth_s" "$(ratio "$people" "$synth_s") people/s"
for row in "ingest $src -> sqlite|$sq_rows|$sq_s" "re-ingest (all unchanged) -> sqlite|$re_rows|$re_s" \
	"baseline: SQLite copying those rows|$sb_rows|$sb_s" \
	"ingest $src -> postgres (COPY)|$pg_rows|$pg_s" "re-ingest (all unchanged) -> postgres|$pr_rows|$pr_s" \
	"baseline: psql \\copy of those rows|$bl_rows|$bl_s"; do
	IFS='|' read -r name rows s <<<"$row"
	printf '%-40s %10s %9.2f %12s\n' "$name" "$rows" "$s" "$(ratio "$rows" "$s")"
done
printf 'ortaq ingest into sqlite runs at %s of the baseline copy rate\n' "$(awk -v a="$sq_s" -v b="$sb_s" 'BEGIN { printf "%.0f%%", 100 * b / a }')"
printf 'ortaq ingest into postgres runs at %s of the baseline COPY rate\n' "$(awk -v a="$pg_s" -v b="$bl_s" 'BEGIN { printf "%.0f%%", 100 * b / a }')"
