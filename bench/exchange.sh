#!/usr/bin/env bash
# Audited exchange queries per second over real HTTPS with mutual TLS, on
# SQLite and on PostgreSQL: `ortaq serve --tls-ca` over a synthetic nation
# with the demo registry, driven by bench/exchangeload (which issues itself a
# client certificate from the platform CA and lifts its member's rate
# limit). Every answered query was first
# durably written to the audit log. Ends with `ortaq audit verify` over the
# log the run wrote.
#
#   bench/exchange.sh [PEOPLE]        # default 20000
#
# CONC (64) concurrent connections, DURATION (20s), DBS ("sqlite postgres").
set -euo pipefail
cd "$(dirname "$0")/.."
people=${1:-20000}
conc=${CONC:-64}
duration=${DURATION:-20s}
dbs=${DBS:-sqlite postgres}
work=$(mktemp -d)
pgdir="" serve_pid=""
cleanup() {
	[[ -z $serve_pid ]] || kill "$serve_pid" 2>/dev/null || true
	[[ -z $pgdir ]] || scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/ortaq" ./cmd/ortaq
go build -o "$work/load" ./bench/exchangeload
ortaq() { "$work/ortaq" "$@"; }
ortaq synth --people "$people" --out "$work/synth" >/dev/null 2>&1
ortaq ca init --dir "$work/ca" >/dev/null
addr=localhost:8443

for db in $dbs; do
	case $db in
	sqlite) dsn="sqlite:$work/ortaq.db" ;;
	postgres)
		pgdir=$(mktemp -d)
		dsn=$(ORTAQ_PG_DURABLE=1 scripts/postgres.sh start "$pgdir")
		;;
	*) echo "unknown database $db" >&2; exit 2 ;;
	esac
	echo "== $db: loading $people people" >&2
	ortaq ingest --db "$dsn" --sources "$work/synth/sources.yaml" >/dev/null 2>&1
	ortaq resolve --db "$dsn" >/dev/null 2>&1
	ortaq quality --db "$dsn" --checks "$work/synth/quality.yaml" >/dev/null 2>&1
	ortaq exchange seed --db "$dsn" >/dev/null
	if [[ $db == postgres ]]; then
		# Let the load's dirty pages and statistics settle first, or the
		# first minute measures the checkpointer and autovacuum.
		psql -q "$dsn" -c 'VACUUM ANALYZE' -c 'CHECKPOINT'
	fi
	# Not through the function: $! must be the server itself, for kill.
	"$work/ortaq" serve --db "$dsn" --addr "$addr" --tls-ca "$work/ca" --audit-key "$work/audit-$db.key" 2>"$work/serve.log" &
	serve_pid=$!
	for _ in $(seq 100); do
		curl -sfk "https://$addr/api/v1/health" >/dev/null 2>&1 && break
		sleep 0.2
	done
	echo "== $db: $conc connections for $duration" >&2
	"$work/load" -url "https://$addr" -db "$dsn" -ca-dir "$work/ca" -lift-rate-limit -c "$conc" -d "$duration"
	kill -INT "$serve_pid"
	wait "$serve_pid" || true
	serve_pid=""
	ortaq audit verify --db "$dsn" --key "$work/audit-$db.key.pub" | tail -3
	if [[ $db == postgres ]]; then
		scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true
		pgdir=""
	fi
done
