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

read -r sq_rows sq_s < <(ingest "sqlite:$work/bench.db")
read -r re_rows re_s < <(ingest "sqlite:$work/bench.db")
read -r pg_rows pg_s < <(ingest "$pg")

printf '%-34s %10s %9s %12s\n' "step" "rows" "seconds" "rows/s"
printf '%-34s %10s %9.2f %12s\n' "synth --people $people" "$people" "$synth_s" "$(ratio "$people" "$synth_s") people/s"
for row in "ingest $src -> sqlite|$sq_rows|$sq_s" "re-ingest (all unchanged) -> sqlite|$re_rows|$re_s" "ingest $src -> postgres (COPY)|$pg_rows|$pg_s"; do
	IFS='|' read -r name rows s <<<"$row"
	printf '%-34s %10s %9.2f %12s\n' "$name" "$rows" "$s" "$(ratio "$rows" "$s")"
done
