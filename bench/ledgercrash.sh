#!/usr/bin/env bash
# The ledger's crash harness, full version (issue 16, "Faults"): a ledger
# workload of 4 concurrent clients killed with SIGKILL KILLS times (default
# 120) at random points (inside batches, between a pending transfer and its
# post, during expiry, among concurrent spends of one voucher), restarted
# each time with its clients retrying the same ids, then run to the end and
# checked against a model of the plan and `VerifyLedger`. On SQLite, and on
# PostgreSQL when ORTAQ_TEST_POSTGRES is set.
#
#   bench/ledgercrash.sh                 # 120 kills per database
#   KILLS=300 SEED=42 bench/ledgercrash.sh
#
# Columns: kills; of them, with a batch sent and unanswered, with a
# client between a pending transfer and its post or void, with the
# expirer running; planned transfers and those stored (the rest planned
# to be refused, or lost races and spends); results "exists" seen on
# retries, and of them batches committed whose client died before it
# learnt so (lost acks); calls that failed and were retried; wall time;
# the check. The go test output goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
export ORTAQ_CRASH_KILLS=${KILLS:-120}
[[ -z ${SEED:-} ]] || export ORTAQ_CRASH_SEED=$SEED
[[ -n ${ORTAQ_TEST_POSTGRES:-} ]] || echo "ledgercrash.sh: ORTAQ_TEST_POSTGRES not set: SQLite only" >&2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
go test -count=1 -v -timeout 60m -run '^TestLedgerCrash$' ./internal/ledger/ledgercrash 2>&1 |
	grep -v ' INFO migrated ' | tee "$out" >&2 || status=$?

printf '%-9s %6s %9s %7s %10s %9s %8s %7s %10s %7s %8s %7s\n' database kills in_batch in_gap in_expiry planned stored exists lost_acks errors seconds verify
grep -o 'SUMMARY .*' "$out" | while read -r line; do
	declare -A f=()
	for kv in ${line#SUMMARY }; do f[${kv%%=*}]=${kv#*=}; done
	printf '%-9s %6s %9s %7s %10s %9s %8s %7s %10s %7s %8s %7s\n' "${f[db]}" "${f[kills]}" "${f[in_batch]}" "${f[in_gap]}" \
		"${f[in_expiry]}" "${f[planned]}" "${f[stored]}" "${f[exists]}" "${f[lost_acks]}" "${f[errors]}" "${f[time]%s}" "${f[verify]}"
	unset f
done
grep -o 'seed [0-9]* ' "$out" | head -1 || true
exit "$status"
