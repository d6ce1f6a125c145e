#!/usr/bin/env bash
# What the browser tests (e2e/, run by internal/web/browser_test.go) need.
#
#   scripts/browser.sh setup    # makes sure Chromium, Node.js, npm and the
#                               # e2e/ packages are there
#
# Chromium is Debian's chromium (/usr/bin/chromium, or $CHROMIUM); Node.js
# and npm are the first node and npm on PATH, else Debian's nodejs and npm.
# Missing Debian packages are installed with apt-get as root; anyone else is
# told which to install. The e2e/ packages (playwright-core, which drives the
# installed Chromium and never downloads a browser) are installed with
# npm ci when e2e/node_modules is missing or older than e2e/package-lock.json.
# Quiet on success but for a line per install and a one-line summary, all on
# stderr; on failure the tool's output is shown.
set -euo pipefail

NODE_MIN=20 # playwright-core's engines.node, in e2e/package-lock.json

log() { echo "browser.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."
chromium=${CHROMIUM:-/usr/bin/chromium}
installed=()

# quietly CMD...: runs CMD with its output kept back, shown only if it fails.
quietly() {
	local out rc=0
	out=$(mktemp "${TMPDIR:-/tmp}/ortaq-browser.XXXXXX")
	"$@" </dev/null >"$out" 2>&1 || rc=$?
	[[ $rc -eq 0 ]] || tail -n 40 "$out" >&2
	rm -f "$out"
	return "$rc"
}

# apt_install PKG...: installs Debian packages, which only root can do.
apt_install() {
	if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
		die "missing Debian package(s) $*: install them (apt-get install $*) and run this again"
	fi
	log "installing Debian package(s) $* with apt-get"
	quietly apt-get update -q || die "apt-get update failed"
	quietly env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-upgrade "$@" ||
		die "apt-get install $* failed"
	installed+=("$@")
}

# node_major prints the major version of the node on PATH.
node_major() { node -p 'process.versions.node.split(".")[0]'; }

setup() {
	local pkgs=()
	if [[ -n ${CHROMIUM:-} ]]; then
		[[ -x $chromium ]] || die "CHROMIUM=$chromium is not an executable file"
	elif [[ ! -x $chromium ]]; then
		pkgs+=(chromium)
	fi
	command -v node >/dev/null || pkgs+=(nodejs)
	command -v npm >/dev/null || pkgs+=(npm)
	[[ ${#pkgs[@]} -eq 0 ]] || apt_install "${pkgs[@]}"
	[[ -x $chromium ]] || die "no $chromium after installing chromium"

	local major
	major=$(node_major) || die "node does not run"
	((major >= NODE_MIN)) ||
		die "node $(node --version) is too old: playwright-core needs Node.js $NODE_MIN or later (Debian 13's nodejs, or NodeSource's)"

	local stamp=e2e/node_modules/.package-lock.json # written by npm ci
	if [[ ! -e $stamp || e2e/package-lock.json -nt $stamp || e2e/package.json -nt $stamp ]]; then
		log "installing e2e/ packages with npm ci"
		(cd e2e && quietly npm ci --no-audit --no-fund) || die "npm ci in e2e/ failed"
		installed+=(e2e/node_modules)
	fi

	local chromium_version pw
	chromium_version=$("$chromium" --version 2>/dev/null) || die "$chromium --version failed"
	pw=$(node -p 'require("./e2e/node_modules/playwright-core/package.json").version') ||
		die "playwright-core is not in e2e/node_modules"
	log "ready: $chromium_version, node $(node --version), playwright-core $pw${installed[*]:+ (installed ${installed[*]})}"
}

case ${1:-} in
setup) setup ;;
*)
	echo "usage: scripts/browser.sh setup" >&2
	exit 2
	;;
esac
