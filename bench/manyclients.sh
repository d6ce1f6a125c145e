#!/usr/bin/env bash
# The exchange under many clients: `ortaq serve` on SQLite over a synthetic
# nation with the demo registry, queried over plain HTTP with an API key by
# an independent load generator (vegeta, installed into a tools directory
# if it is not on PATH), with CLIENTS concurrent clients, each on its own
# keep-alive connection asking for a different person's IIN in turn and
# sending the next query as soon as the answer arrives (no think time).
#
#   bench/manyclients.sh [PEOPLE]           # default 20000
#
# CLIENTS ("48 1000"): the concurrencies, run in that order, REPEAT (2)
# times; DURATION (20s) each, after a 3 s warm-up at the same concurrency.
# WORK: a directory to keep the prepared store in between invocations
# (default: a fresh temporary one, removed at the end). ORTAQ: a built
# ortaq binary to measure instead of building this tree. SERVE_FLAGS: more
# flags for `ortaq serve`.
#
# One line per run: clients; answers (every response but 503 and transport
# errors) and answers per second; p50 and p99 of the answers' latency; the
# non-2xx responses, and among them the 503s; the audit log's growth over
# the run against the answers given; and the most SQLite connections the
# server held open during the run (its open descriptors on the database
# file); and the CPU time per answer, in microseconds, of the server and
# of the load generator, which show where the two cores went.
set -euo pipefail
cd "$(dirname "$0")/.."
people=${1:-20000}
clients=${CLIENTS:-48 1000}
repeat=${REPEAT:-2}
duration=${DURATION:-20s}
tools=${TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/ortaq-bench/bin}
addr=127.0.0.1:18080 ops=127.0.0.1:18081
if [[ -n ${WORK:-} ]]; then
	work=$WORK keep=1
	mkdir -p "$work"
	work=$(realpath "$work")
else
	work=$(mktemp -d) keep=""
fi
serve_pid="" sampler_pid=""
cleanup() {
	[[ -z $sampler_pid ]] || kill "$sampler_pid" 2>/dev/null || true
	[[ -z $serve_pid ]] || kill "$serve_pid" 2>/dev/null || true
	rm -f "$work"/res.bin "$work"/res.csv
	[[ -n $keep ]] || rm -rf "$work"
}
trap cleanup EXIT
# A thousand client connections and as many server ones, plus the
# database's files: more than the usual 1,024 descriptors; take what is allowed.
ulimit -n "$(ulimit -Hn)"

vegeta=$(command -v vegeta || true)
if [[ -z $vegeta ]]; then
	vegeta=$tools/vegeta
	[[ -x $vegeta ]] || GOBIN=$tools go install github.com/tsenart/vegeta/v12@v12.13.0
fi
bin=${ORTAQ:-}
if [[ -z $bin ]]; then
	go build -o "$work/ortaq" ./cmd/ortaq
	bin=$work/ortaq
fi
ortaq() { "$bin" "$@"; }
db=$work/ortaq.db dsn=sqlite:$work/ortaq.db

if [[ ! -f $work/prepared ]]; then
	echo "== preparing $people people in $work" >&2
	ortaq synth --people "$people" --out "$work/synth" >/dev/null 2>&1
	ortaq ingest --db "$dsn" --sources "$work/synth/sources.yaml" >/dev/null 2>&1
	ortaq resolve --db "$dsn" >/dev/null 2>&1
	ortaq quality --db "$dsn" --checks "$work/synth/quality.yaml" >/dev/null 2>&1
	ortaq exchange seed --db "$dsn" >/dev/null
	touch "$work/prepared"
fi

# A right to query a person's golden record with, and a legal basis that
# allows it without consent (as the demo's example query picks one).
ortaq exchange rights --json --db "$dsn" >"$work/rights.json"
ortaq exchange bases --json --db "$dsn" >"$work/bases.json"
read -r member subsystem service purpose basis < <(jq -rn --slurpfile r "$work/rights.json" --slurpfile b "$work/bases.json" \
	'[$r[0][] as $x | $b[0][] | select(($x.service == "person-basic") and (.consent_required | not)
	  and (.purposes | index($x.purpose)) and ((.services | length) == 0 or (.services | index($x.service))))
	  | "\($x.member) \($x.subsystem) \($x.service) \($x.purpose) \(.code)"] | first')
# Lift the member's rate limit, so that the run measures the server rather
# than the limit the registry sets on one member.
title=$(ortaq exchange members --json --db "$dsn" | jq -c --arg m "$member" '.[] | select(.code == $m) | .title')
ortaq exchange member add "$member" --rate 0 --db "$dsn" --title "$(jq -r .en <<<"$title")" \
	--title-kk "$(jq -r .kk <<<"$title")" --title-ru "$(jq -r .ru <<<"$title")" >/dev/null
token=$(ortaq exchange key create --member "$member" --subsystem "$subsystem" --db "$dsn" | tail -1)

# Living people with a valid IIN (the digit check), each asked for in turn.
sqlite3 "$db" "SELECT national_id FROM golden_records WHERE kind = 'person' AND national_id <> ''
	AND death_date = '' ORDER BY entity_id LIMIT 20000" >"$work/iins.txt"
awk -v url="http://$addr/api/v1/exchange/$service/" -v tok="$token" -v cl="$member/$subsystem" \
	-v pu="$purpose" -v ba="$basis" '{
	printf "GET %s%s\nAuthorization: Bearer %s\nOrtaq-Client: %s\nOrtaq-Purpose: %s\nOrtaq-Legal-Basis: %s\nOrtaq-User: load-officer\nOrtaq-Request-Id: load-%s\n\n",
		url, $1, tok, cl, pu, ba, $1 }' "$work/iins.txt" >"$work/targets.txt"

# Not through the function: $! must be the server itself, for kill.
# shellcheck disable=SC2086
"$bin" serve --db "$dsn" --addr "$addr" --ops-addr "$ops" --audit-key "$work/audit.key" ${SERVE_FLAGS:-} 2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 150); do
	curl -sf "http://$addr/api/v1/health" >/dev/null 2>&1 && break
	sleep 0.2
done
audit_size() { curl -sf "http://$ops/metrics" | awk '$1 == "ortaq_audit_log_size" { printf "%d\n", $2 }'; }
# The most descriptors the server holds on the database file itself: one
# per open SQLite connection.
sample_conns() {
	set +e
	local most=0 n
	while :; do
		n=$(find "/proc/$serve_pid/fd" -lname "$db" 2>/dev/null | wc -l)
		if ((n > most)); then
			most=$n
			echo "$most" >"$work/conns"
		fi
		sleep 0.25
	done
}
# The server's CPU time so far, in clock ticks (user + system).
server_ticks() { awk '{ print $14 + $15 }' "/proc/$serve_pid/stat"; }
# The CPU time of this script's finished children (the load generator
# among them), in milliseconds.
# (times must run in this shell, not in a command substitution's.)
children_ms() {
	times >"$work/times"
	awk 'NR == 2 { split($1 " " $2, t, /[ms ]/); print int((t[1] * 60 + t[2] + t[4] * 60 + t[5]) * 1000) }' "$work/times"
}
attack() { # CLIENTS DURATION
	"$vegeta" attack -targets "$work/targets.txt" -rate 0 -workers "$1" -max-workers "$1" -connections "$1" \
		-max-connections "$1" -duration "$2" -timeout 30s -max-body 0
}

printf '%-7s %8s %9s %8s %8s %8s %7s %9s %8s %6s %7s %7s\n' clients answers answers/s p50_ms p99_ms non2xx 503s audit_Δ Δ-answers conns cpu_µs gen_µs
for ((rep = 1; rep <= repeat; rep++)); do
	for c in $clients; do
		attack "$c" 3s >/dev/null
		echo 0 >"$work/conns"
		sample_conns &
		sampler_pid=$!
		children_ms >"$work/gen"
		before=$(audit_size) ticks=$(server_ticks)
		attack "$c" "$duration" >"$work/res.bin"
		children_ms >>"$work/gen"
		gen=$(awk 'NR == 1 { a = $1 } NR == 2 { print $1 - a }' "$work/gen")
		after=$(audit_size) ticks=$(($(server_ticks) - ticks))
		kill "$sampler_pid" 2>/dev/null || true
		wait "$sampler_pid" 2>/dev/null || true
		sampler_pid=""
		"$vegeta" encode --to csv "$work/res.bin" >"$work/res.csv"
		# CSV: timestamp (ns), status (0 for a transport error), latency (ns), …
		awk -F, -v c="$c" -v audit=$((after - before)) -v conns="$(cat "$work/conns")" \
			-v cpu="$((ticks * 1000 / $(getconf CLK_TCK)))" -v gen="$gen" '
			NR == 1 || $1 < t0 { t0 = $1 }
			$1 + $3 > t1 { t1 = $1 + $3 }
			{ n++ }
			$2 != 200 { non2xx++ }
			$2 == 503 { shed++ }
			$2 != 503 && $2 != 0 { a++; print $3 / 1e6 > "/dev/stderr" }
			END {
				el = (t1 - t0) / 1e9
				printf "%-7d %8d %9.0f %s %8d %7d %9d %8d %6d %7.0f %7.0f\n", c, a, a / el, "PCT", non2xx, shed, audit, audit - a, conns, 1000 * cpu / a, 1000 * gen / a
			}' "$work/res.csv" 2>"$work/lat.txt" >"$work/line.txt"
		sort -n "$work/lat.txt" >"$work/lat.sorted"
		pct() { awk -v p="$1" '{ v[NR] = $1 } END { i = int(p * (NR - 1)) + 1; printf "%8.1f", v[i] }' "$work/lat.sorted"; }
		sed "s/PCT/$(pct 0.5) $(pct 0.99)/" "$work/line.txt"
	done
done
