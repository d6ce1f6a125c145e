#!/usr/bin/env bash
# The benefits engine against issue 15's targets, each figure beside a
# baseline measured in the same run, printed as one table at the end.
#
#   bench/benefits.sh [PEOPLE]          # default 20000: the welfare nation
#
# Parts (PARTS, default "a b c d e"):
#  a  mass decision: BenchmarkMass decides HOUSEHOLDS (6300000) generated
#     households × 5 programmes on CPU (2) cores, cycling over a pool of at
#     most 200,000; baseline BenchmarkOracle, the hand-written big.Rat
#     reference implementation, deciding that pool on one core.
#  b  calculate in a batch, whole process: SITUATIONS (100000) generated
#     situations (bench/benefitsgen) through `ortaq benefits calculate
#     --situations F --json >/dev/null`; baseline `jq -c . F >/dev/null`,
#     a common tool only reading and re-writing the same JSON.
#  c  calculate over HTTP: `ortaq serve` on a fresh SQLite store with the
#     demo registry and an API key, vegeta POSTing one situation a request
#     (2,000 different ones in turn) with CLIENTS ("2 48 1000") clients,
#     each on its own keep-alive connection with no think time, DURATION
#     (20s) each after a 3 s warm-up; baseline GET /api/v1/health (a
#     schema check, no deciding) with the same clients just before.
#  d  welfare: BenchmarkRun (a mass run end to end: golden records,
#     profiles, decisions, well-being, storing, offers) on a synthetic
#     nation of PEOPLE people, against BenchmarkDecide (deciding alone,
#     one core, profiles in memory); BenchmarkUpdateOne (one household
#     re-decided and stored) UPDATES (1000) times, p50 and p99.
#  e  storing decisions: BenchmarkDecisionWriter, DECISIONS (200000)
#     decisions in one run, against the store's bulk-write rate,
#     BenchmarkIngestHealth (the health extract of INGEST_PEOPLE (100000)
#     people, first load), on SQLite, and on PostgreSQL when
#     ORTAQ_TEST_POSTGRES is set.
#
# ORTAQ: a built ortaq binary to measure instead of building this tree.
# TOOLS: where vegeta is installed when it is not on PATH. Progress goes
# to stderr; the table to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
people=${1:-20000}
parts=${PARTS:-a b c d e}
households=${HOUSEHOLDS:-6300000}
situations=${SITUATIONS:-100000}
clients=${CLIENTS:-2 48 1000}
duration=${DURATION:-20s}
updates=${UPDATES:-1000}
decisions=${DECISIONS:-200000}
ingest_people=${INGEST_PEOPLE:-100000}
cpu=${CPU:-2}
tools=${TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/ortaq-bench/bin}
addr=127.0.0.1:18090 ops=127.0.0.1:18091
work=$(mktemp -d)
serve_pid=""
cleanup() {
	[[ -z $serve_pid ]] || kill "$serve_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
# Other work on the machine skews every figure: say how busy it was.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
has() { [[ " $parts " == *" $1 "* ]]; }
say() { echo "== $*" >&2; }
now() { date +%s.%N; }
table=$work/table.txt
# row PART WHAT FIGURE BASELINE BASELINE_FIGURE RATIO TARGET
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$table"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# bench PKG ARGS...: runs PKG's benchmarks from a test binary built
# once, in the package's directory as go test would, with its logs apart
# from the results.
bench() {
	local pkg=$1 bin
	shift
	bin=$work/$(basename "$pkg").test
	[[ -x $bin ]] || go test -c -o "$bin" "./$pkg"
	(cd "$root/$pkg" && "$bin" -test.run '^$' -test.cpu "$cpu" "$@" 2>>"$work/bench.log") | tee -a "$work/bench.out" >&2
}
# metric NAME UNIT: the figure a benchmark reported in UNIT, from bench.out.
metric() {
	awk -v name="$1" -v unit="$2" '
		$1 ~ "^" name "(-[0-9]+)?$" { for (i = 2; i < NF; i++) if ($(i + 1) == unit) v = $i }
		END { if (v == "") v = "-"; print v }' "$work/bench.out"
}

bin=${ORTAQ:-}
if has b || has c; then
	if [[ -z $bin ]]; then
		go build -o "$work/ortaq" ./cmd/ortaq
		bin=$work/ortaq
	fi
	go build -o "$work/benefitsgen" ./bench/benefitsgen
fi

if has a; then
	say "a: mass decision of $households households on $cpu cores, and the oracle"
	ORTAQ_BENCH_HOUSEHOLDS=$households bench internal/benefits -test.bench '^Benchmark(Mass|Oracle)$' -test.benchtime 1x
	eng=$(metric BenchmarkMass ns/household/core) ora=$(metric BenchmarkOracle ns/household/core)
	row a "mass: engine (CEL), ns/household/core" "$(calc %.0f "$eng")" "oracle (Go, big.Rat), 1 core" \
		"$(calc %.0f "$ora")" "$(calc '%.2f× the time' "$eng / $ora")" "-"
	row a "mass: $households households × 5, s" "$(calc %.1f "$(metric BenchmarkMass s)")" \
		"projected to 6.3M" "$(calc %.1f "$(metric BenchmarkMass s/6.3M)")" "-" "≤ 60 s for 6.3M"
fi

if has b; then
	say "b: calculate $situations situations in a batch"
	"$work/benefitsgen" -n "$situations" >"$work/situations.ndjson"
	t0=$(now)
	jq -c . "$work/situations.ndjson" >/dev/null
	t1=$(now)
	"$bin" benefits calculate --situations "$work/situations.ndjson" --json >/dev/null
	t2=$(now)
	jq_s=$(calc %.3f "$t1 - $t0") calc_s=$(calc %.3f "$t2 - $t1")
	row b "calculate --json, situations/s ($situations in $calc_s s)" "$(calc %.0f "$situations / $calc_s")" \
		"jq -c . (read and write the JSON)" "$(calc %.0f "$situations / $jq_s")" \
		"$(calc '%.2f× the time' "$calc_s / $jq_s")" "≥ 5,000/s"
fi

if has c; then
	say "c: calculate over HTTP with clients $clients"
	# A thousand client connections and as many server ones: more than the
	# usual 1,024 descriptors; take what is allowed.
	ulimit -n "$(ulimit -Hn)"
	vegeta=$(command -v vegeta || true)
	if [[ -z $vegeta ]]; then
		vegeta=$tools/vegeta
		[[ -x $vegeta ]] || GOBIN=$tools go install github.com/tsenart/vegeta/v12@v12.13.0
	fi
	dsn=sqlite:$work/ortaq.db
	"$bin" exchange seed --db "$dsn" >/dev/null 2>&1
	# The ministry of social protection, as an integrator's system; the
	# demo registry sets it no rate limit.
	token=$("$bin" exchange key create --member mlsp --db "$dsn" 2>/dev/null | tail -1)
	"$work/benefitsgen" -n 2000 -seed 2 |
		jq -c --arg url "http://$addr/api/v1/benefits/calculate" --arg auth "Bearer $token" \
			'{method: "POST", url: $url, body: (tojson | @base64),
			  header: {"Content-Type": ["application/json"], "Authorization": [$auth]}}' >"$work/calc.targets"
	jq -cn --arg url "http://$addr/api/v1/health" '{method: "GET", url: $url}' >"$work/health.targets"
	"$bin" serve --db "$dsn" --addr "$addr" --ops-addr "$ops" --audit-key "$work/audit.key" 2>"$work/serve.log" &
	serve_pid=$!
	for _ in $(seq 150); do
		curl -sf "http://$addr/api/v1/health" >/dev/null 2>&1 && break
		sleep 0.2
	done
	curl -sf "http://$addr/api/v1/health" >/dev/null
	# The server's CPU time so far, in clock ticks (user + system).
	server_ticks() { awk '{ print $14 + $15 }' "/proc/$serve_pid/stat"; }
	attack() { # TARGETS CLIENTS DURATION
		"$vegeta" attack -format json -targets "$1" -rate 0 -workers "$2" -max-workers "$2" -connections "$2" \
			-max-connections "$2" -duration "$3" -timeout 30s -max-body 0
	}
	# load TARGETS CLIENTS: "answers/s p50_ms p99_ms non2xx server_µs/answer"
	load() {
		local ticks
		attack "$1" "$2" 3s >/dev/null
		ticks=$(server_ticks)
		attack "$1" "$2" "$duration" >"$work/res.bin"
		ticks=$(($(server_ticks) - ticks))
		"$vegeta" report -type json "$work/res.bin" | jq -r --argjson ms "$((ticks * 1000 / $(getconf CLK_TCK)))" '
			(.status_codes // {}) as $c | ([$c | to_entries[] | select(.key | startswith("2")) | .value] | add // 0) as $ok
			| "\(.throughput) \(.latencies["50th"] / 1e6) \(.latencies["99th"] / 1e6) \(.requests - $ok) \(if $ok > 0 then $ms * 1000 / $ok else 0 end)"'
	}
	for c in $clients; do
		read -r h_rate h_p50 h_p99 h_bad h_cpu < <(load "$work/health.targets" "$c")
		read -r c_rate c_p50 c_p99 c_bad c_cpu < <(load "$work/calc.targets" "$c")
		echo "clients $c: health $h_rate/s p50 $h_p50 p99 $h_p99 non-2xx $h_bad cpu ${h_cpu}µs;" \
			"calculate $c_rate/s p50 $c_p50 p99 $c_p99 non-2xx $c_bad cpu ${c_cpu}µs" >&2
		row c "POST calculate, $c clients: answers/s | p50 | p99 ms | non-2xx | server µs/answer" \
			"$(calc '%.0f | %.1f | %.1f | %d | %.0f' "$c_rate, $c_p50, $c_p99, $c_bad, $c_cpu")" \
			"GET health, same clients" "$(calc '%.0f | %.1f | %.1f | %d | %.0f' "$h_rate, $h_p50, $h_p99, $h_bad, $h_cpu")" \
			"$(calc '%.2f× the answers/s' "$c_rate / $h_rate")" "p99 ≤ 5 ms (one request)"
	done
	kill "$serve_pid" 2>/dev/null || true
	wait "$serve_pid" 2>/dev/null || true
	serve_pid=""
fi

if has d; then
	say "d: welfare on a nation of $people people"
	ORTAQ_BENCH_PEOPLE=$people bench internal/welfare -test.bench '^BenchmarkRun$' -test.benchtime 1x
	ORTAQ_BENCH_PEOPLE=$people bench internal/welfare -test.bench '^Benchmark(Decide|UpdateOne)$' -test.benchtime "${updates}x"
	run=$(metric BenchmarkRun households/s) dec=$(metric BenchmarkDecide households/s)
	row d "benefits run, $(calc %.0f "$(metric BenchmarkRun households)") households: households/s" "$(calc %.0f "$run")" \
		"deciding alone, 1 core (BenchmarkDecide)" "$(calc %.0f "$dec")" "$(calc '%.2f× the rate' "$run / $dec")" "-"
	row d "one household re-decided ($updates times): p50 | p99 ms" \
		"$(metric BenchmarkUpdateOne p50-ms) | $(metric BenchmarkUpdateOne p99-ms)" "-" "-" "-" "p99 ≤ 10 ms"
fi

if has e; then
	say "e: storing $decisions decisions, against ingesting $ingest_people people's health cards"
	bench internal/store -test.bench '^BenchmarkDecisionWriter$' -test.benchtime "${decisions}x"
	ORTAQ_BENCH_PEOPLE=$ingest_people bench internal/ingest -test.bench '^BenchmarkIngestHealth$' -test.benchtime 1x
	for db in sqlite postgres; do
		dw=$(metric "BenchmarkDecisionWriter/$db" decisions/s)
		[[ $dw != - ]] || continue
		dr=$(metric "BenchmarkDecisionWriter/$db" rows/s) ir=$(metric "BenchmarkIngestHealth/$db" rows/s)
		row e "decision writer on $db: decisions/s | rows/s (8 a decision)" "$(calc '%.0f | %.0f' "$dw, $dr")" \
			"ingest health_cards, rows/s" "$(calc %.0f "$ir")" "$(calc '%.2f× the rows/s' "$dr / $ir")" \
			"$(calc '6.3M decisions in %.0f s' "6300000 / $dw")"
	done
fi

echo "load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
{
	printf 'part\twhat\tfigure\tbaseline\tbaseline figure\tratio\ttarget\n'
	cat "$table"
} | if command -v column >/dev/null; then column -t -s $'\t'; else cat; fi
