#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests.
#
#   scripts/postgres.sh start DIR   # creates a cluster in DIR (must be empty or
#                                   # missing), prints its DSN on stdout
#   scripts/postgres.sh stop DIR    # stops the cluster and removes DIR
#
# The cluster listens on 127.0.0.1 (first free port from 54320 up) and on a
# Unix socket inside DIR, trusts every local connection and has a database
# named ortaq_test. Progress goes to stderr; stdout carries only the DSN.
# Tests need no durability, so the cluster does not sync to disk; with
# ORTAQ_PG_DURABLE=1 it does (fsync, synchronous commit, full page writes),
# as benchmarks of durable work must.
# If start fails, "stop DIR" still cleans up whatever it left behind.
# As root the server runs as the postgres user; if no server binaries are
# found, root installs Debian's postgresql package.
set -euo pipefail

MARKER=ortaq-test-cluster

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

# as_pg CMD...: run CMD as the cluster owner (initdb and pg_ctl refuse root).
as_pg() {
	if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# find_bindir prints the directory holding initdb, pg_ctl and postgres.
find_bindir() {
	local d candidates=()
	if command -v pg_config >/dev/null; then
		candidates+=("$(pg_config --bindir 2>/dev/null || true)")
	fi
	# Newest version first.
	while read -r d; do candidates+=("$d"); done < <(
		compgen -G '/usr/lib/postgresql/*/bin' | sort -t/ -k5,5 -rn || true)
	if command -v initdb >/dev/null; then
		candidates+=("$(dirname "$(readlink -f "$(command -v initdb)")")")
	fi
	for d in "${candidates[@]}"; do
		if [[ -n $d && -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

install_postgres() {
	if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
		die "PostgreSQL server binaries not found; install them (Debian: apt-get install postgresql)"
	fi
	log "PostgreSQL server binaries not found; installing Debian's postgresql package"
	# Keep the package from starting its default "main" cluster.
	local policy=/usr/sbin/policy-rc.d added=""
	if [[ ! -e $policy ]]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added=1
	fi
	local rc=0
	{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-upgrade postgresql; } \
		</dev/null >&2 || rc=$?
	[[ -z $added ]] || rm -f "$policy"
	[[ $rc -eq 0 ]] || die "apt-get install postgresql failed"
}

start() {
	local dir=$1 bin port dsn
	bin=$(find_bindir) || { install_postgres; bin=$(find_bindir) || die "no initdb after install"; }
	log "using $bin"

	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[[ -z $(ls -A "$dir") ]] || die "$dir is not empty"
	touch "$dir/$MARKER"
	if [[ $EUID -eq 0 ]]; then
		id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /bin/sh postgres
		chown postgres: "$dir"
		as_pg test -w "$dir" || die "user postgres cannot write to $dir (check parent permissions)"
	fi
	cd /  # the postgres user may not be able to read the caller's directory

	as_pg mkdir "$dir/sock"
	as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1 ||
		as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C \
			>"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	cat >>"$dir/data/postgresql.conf" <<-CONF
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$dir/sock'
		max_connections = 200
	CONF
	if [[ ${ORTAQ_PG_DURABLE:-} == 1 ]]; then
		log "durable: fsync and synchronous commit on"
	else
		printf '%s\n' "fsync = off" "synchronous_commit = off" "full_page_writes = off" | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
	fi

	# Try ports until one binds: another process may grab a port between
	# our probe and the server's bind.
	for ((port = 54320; port < 54420; port++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi  # in use
		log "starting server on 127.0.0.1:$port"
		rm -f "$dir/server.log"
		if as_pg "$bin/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/server.log" \
			-o "-p $port" >&2; then
			break
		fi
		grep -q 'could not bind\|could not create any TCP/IP sockets' "$dir/server.log" ||
			{ tail -n 20 "$dir/server.log" >&2; die "server failed to start"; }
	done
	((port < 54420)) || die "no free port in 54320-54419"

	for _ in {1..60}; do
		"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
		sleep 0.5
	done
	"$bin/pg_isready" -h 127.0.0.1 -p "$port" >&2 || die "server not accepting connections"
	"$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres ortaq_test || die "createdb failed"

	dsn="postgres://postgres@127.0.0.1:$port/ortaq_test?sslmode=disable"
	log "ready: $dsn"
	echo "$dsn"
}

stop() {
	local dir=$1 bin
	[[ -d $dir ]] || return 0
	dir=$(cd "$dir" && pwd)
	[[ -e $dir/$MARKER ]] || die "$dir was not made by '$0 start'; not removing it"
	if [[ -e $dir/data/postmaster.pid ]]; then
		bin=$(find_bindir) || die "pg_ctl not found; server in $dir may still run"
		(cd / && as_pg "$bin/pg_ctl" stop -w -m immediate -D "$dir/data" >&2) ||
			log "warning: pg_ctl stop failed"
	fi
	rm -rf "$dir"
}

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 && -n $2 ]] || usage
case $1 in
start) start "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
