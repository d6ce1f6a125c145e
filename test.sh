#!/usr/bin/env bash
# The project's whole test suite: ./test.sh [go test flags] [packages]
#
# Checks formatting, runs go vet, checks that go.mod is tidy, then go test
# -race against a throwaway PostgreSQL cluster (scripts/postgres.sh). Set ORTAQ_TEST_POSTGRES to a DSN to
# use an existing database instead. Extra arguments go to go test, e.g.
# ./test.sh -run TestX ./internal/kz (packages default to ./...). Without
# arguments it then runs the browser tests in headless Chromium
# (scripts/browser.sh installs what they need).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

step() { printf '\n==> %s\n' "$*" >&2; }
fail() { echo "test.sh: FAIL: $*" >&2; exit 1; }
is_ci() { [[ ${CI:-} == true || ${CI:-} == 1 ]]; }

pgdir=""
cleanup() {
	if [[ -n $pgdir ]]; then
		step "stopping PostgreSQL"
		scripts/postgres.sh stop "$pgdir" || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

check_gofmt() {
	step "gofmt"
	local bad
	bad=$(find . \( -name .git -o -name node_modules -o -name testdata -o -name vendor \) -prune \
		-o -name '*.go' -print0 | xargs -0 -r gofmt -l) || fail "gofmt could not parse some files"
	[[ -z $bad ]] || fail "files need gofmt -w:"$'\n'"$bad"
}

check_cc() {
	# -race needs cgo and a C compiler.
	command -v "$(go env CC)" >/dev/null && return 0
	if ! is_ci || [[ $EUID -ne 0 ]]; then
		fail "go test -race needs a C compiler (Debian: apt-get install gcc)"
	fi
	step "installing gcc for -race"
	{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q gcc libc6-dev; } </dev/null
}

start_postgres() {
	if [[ -n ${ORTAQ_TEST_POSTGRES:-} ]]; then
		step "PostgreSQL: using ORTAQ_TEST_POSTGRES from the environment"
		return 0
	fi
	step "PostgreSQL: starting a throwaway cluster"
	pgdir=$(mktemp -d "${TMPDIR:-/tmp}/ortaq-pg.XXXXXX")
	local dsn
	if dsn=$(scripts/postgres.sh start "$pgdir"); then
		export ORTAQ_TEST_POSTGRES=$dsn
	elif is_ci; then
		fail "could not start PostgreSQL (CI=true: PostgreSQL tests must not be skipped)"
	else
		echo "test.sh: WARNING: could not start PostgreSQL; PostgreSQL tests will be SKIPPED" >&2
	fi
}

go_test() {
	local pkgs=(./...) a
	for a in "$@"; do
		if [[ $a == ./* ]]; then pkgs=(); fi  # packages given: run only those
	done
	# The race detector slows the web package's end-to-end tests (a whole
	# nation ingested, resolved and decided) past go test's default ten
	# minutes on a two-core machine.
	local cmd=(go test -race -count=1 -timeout 30m "$@" "${pkgs[@]}")
	step "${cmd[*]}"
	ORTAQ_BROWSER='' "${cmd[@]}"  # browser tests run in their own step
}

browser_tests() {
	if [[ $# -gt 0 ]]; then
		step "browser tests: skipped (arguments given)"
		return 0
	fi
	step "browser: scripts/browser.sh setup"
	if ! scripts/browser.sh setup; then
		is_ci && fail "browser test setup failed (CI=true: browser tests must not be skipped)"
		echo "test.sh: WARNING: browser test setup failed; browser tests will be SKIPPED" >&2
		return 0
	fi
	local cmd=(go test -count=1 -run '^TestBrowser' ./internal/web/...)
	step "ORTAQ_BROWSER=1 ${cmd[*]}"
	ORTAQ_BROWSER=1 "${cmd[@]}"
}

check_tidy() {
	step "go mod tidy -diff"
	local diff
	if ! diff=$(go mod tidy -diff 2>&1); then
		fail "go.mod or go.sum is not tidy; run 'go mod tidy' and commit the result:"$'\n'"$diff"
	fi
}

check_gofmt
step "go vet ./..."
go vet ./...
check_tidy
check_cc
start_postgres
go_test "$@"
browser_tests "$@"
step "all tests passed"
