#!/usr/bin/env bash
# An incremental `ortaq quality` run after a day's change against a full
# run of the same store (issue 17): a synthetic nation is ingested,
# resolved and checked once; then every extract is loaded again with the
# records of PCT% of the people changed (a value edited, some records
# deleted, some added, deaths registered for some of them), resolution
# catches up, and the same store is checked twice from copies: once
# incrementally, once with --full. Both are timed as whole processes; the
# script then checks that they agree (open findings, national score, golden
# records) and prints a table.
#
#   bench/quality_incremental.sh [PEOPLE...]   # default: 100000; PCT=1
#
# KEEP=DIR keeps each nation's ingested, resolved store in DIR/PEOPLE/ and
# reuses it next time. CHECKS=defaults runs without the nation's
# quality.yaml: the checks are derived from the contracts and the data.
# ASOF_DAYS=N moves the as-of date of the changed extracts (and of
# quality.yaml, given again to both runs) N days forward, as a daily run
# sees it.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(100000)
pct=${PCT:-1}
asof_days=${ASOF_DAYS:-0}
checks=${CHECKS:-yaml}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keep=${KEEP:-$work}
go build -o "$work/ortaq" ./cmd/ortaq

# timed CMD...: runs CMD, leaving "seconds peak_KiB" in $work/time.
timed() { /usr/bin/time -f '%e %M' -o "$work/time" "$@"; }

printf '%-8s %9s %8s %8s %9s %9s %7s %9s %9s %-14s %s\n' people records changed units incr_s full_s ratio incr_MiB full_MiB full_because agree
for people in "${sizes[@]}"; do
	dir="$keep/$people"
	if [[ ! -f $dir/base.db ]]; then
		mkdir -p "$dir"
		"$work/ortaq" synth --people "$people" --out "$dir/synth" >/dev/null 2>&1
		"$work/ortaq" ingest --db "sqlite:$dir/base.db" --sources "$dir/synth/sources.yaml" >/dev/null 2>&1
		"$work/ortaq" resolve --db "sqlite:$dir/base.db" >/dev/null 2>&1
	fi
	cp "$dir/base.db" "$work/incr.db"
	given=()
	[[ $checks == defaults ]] || given=(--checks "$dir/synth/quality.yaml")
	"$work/ortaq" quality --db "sqlite:$work/incr.db" "${given[@]}" >/dev/null 2>&1
	rm -rf "$work/delta"
	python3 - "$dir/synth" "$work/delta" "$pct" "$asof_days" >"$work/changed" <<'PY'
# Writes a copy of the synthetic nation's extracts in which the records of
# pct% of the people (chosen by a hash of their IIN) changed: 80% of them
# have one digit edited, 10% are deleted, 10% gain a copy under a new id;
# a tenth of the chosen people die. The as-of dates of sources.yaml and
# quality.yaml move by days. Prints how many records changed.
import datetime, hashlib, os, re, shutil, sys
src, dst, pct, days = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
shutil.copytree(src, dst, ignore=shutil.ignore_patterns("truth"))
def later(m):
    d = datetime.date.fromisoformat(m.group(2)) + datetime.timedelta(days=days)
    return m.group(1) + d.isoformat()
for name in ("sources.yaml", "quality.yaml"):
    path = os.path.join(dst, name)
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(re.sub(r"^(\s*as_of: )([0-9]{4}-[0-9]{2}-[0-9]{2})", later, text, flags=re.M))
def h(b):
    return int.from_bytes(hashlib.sha256(b).digest()[:8], "big")
pop = os.path.join(dst, "population", "register.csv")
with open(pop, "rb") as f:
    iins = [line.split(b";", 1)[0] for line in f.read().splitlines()[1:]]
chosen = {i for i in iins if h(i) % 10000 < pct * 100}
iin = re.compile(rb"(?<![0-9])[0-9]{12}(?![0-9])")
changed = 0
for root, _, files in os.walk(dst):
    for name in files:
        path = os.path.join(root, name)
        if not (name.endswith(".csv") or name.endswith(".ndjson")):
            continue
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
        ndjson = name.endswith(".ndjson")
        head, body = ([], lines) if ndjson else (lines[:1], lines[1:])
        delim = b";" if b";" in (head[0] if head else b"") else b","
        out, deaths = [], []
        for line in body:
            if not line or not any(m in chosen for m in iin.findall(line)):
                out.append(line)
                continue
            changed += 1
            r = h(line) % 10
            if r == 0:
                continue  # deleted
            if r == 1:  # a copy under a new id
                if ndjson:
                    out.append(re.sub(rb'("studentId":")([^"]+)"', rb'\1\2N"', line, count=1))
                else:
                    first, rest = line.split(delim, 1)
                    out.append(first + b"N" + delim + rest)
            digits = [m.start() for m in re.finditer(rb"[0-9]", line)]
            if digits:  # one digit edited, the last (a phone, an amount, a date)
                i = digits[-1]
                line = line[:i] + bytes([ord("0") + (line[i] - ord("0") + 1) % 10]) + line[i + 1:]
            out.append(line)
        if name == "events.csv":
            template = next(l for l in body if "СМЕРТЬ".encode() in l)
            fields = template.split(b",")
            for n, person in enumerate(sorted(chosen)):
                if h(person) % 10 == 0:
                    fields[0], fields[2], fields[3] = b"CRD%09d" % n, b"2026-10-01", person
                    out.append(b",".join(fields))
                    changed += 1
        with open(path, "wb") as f:
            f.write(b"\n".join(head + out))
print(changed)
PY
	"$work/ortaq" ingest --db "sqlite:$work/incr.db" --sources "$work/delta/sources.yaml" --allow-deletions 100000 >/dev/null 2>&1
	"$work/ortaq" resolve --db "sqlite:$work/incr.db" >/dev/null 2>&1
	cp "$work/incr.db" "$work/full.db"
	given=()
	[[ $checks == defaults || $asof_days == 0 ]] || given=(--checks "$work/delta/quality.yaml")
	timed "$work/ortaq" quality --db "sqlite:$work/incr.db" "${given[@]}" --json >"$work/incr.json" 2>/dev/null
	read -r incr_s incr_kib <"$work/time"
	timed "$work/ortaq" quality --db "sqlite:$work/full.db" "${given[@]}" --full --json >"$work/full.json" 2>/dev/null
	read -r full_s full_kib <"$work/time"
	records=$(sqlite3 "$work/full.db" 'SELECT SUM(live_records) FROM ingest_runs r WHERE id = (SELECT MAX(id) FROM ingest_runs WHERE source_id = r.source_id)')
	agree=yes
	for q in "SELECT COUNT(*), SUM(status = 'open') FROM quality_findings" "SELECT score FROM quality_runs ORDER BY id DESC LIMIT 1" \
		"SELECT COUNT(*), SUM(LENGTH(doc)) FROM golden_records" "SELECT total FROM quality_results WHERE run_id = (SELECT MAX(run_id) FROM quality_results) ORDER BY source_id, check_name"; do
		[[ $(sqlite3 "$work/incr.db" "$q" | md5sum) == $(sqlite3 "$work/full.db" "$q" | md5sum) ]] || agree="no: $q"
	done
	python3 - "$people" "$records" "$(cat "$work/changed")" "$work/incr.json" "$incr_s" "$full_s" "$incr_kib" "$full_kib" "$agree" <<'PY'
import json, sys
people, records, changed, incr, incr_s, full_s, incr_kib, full_kib, agree = sys.argv[1:]
run = json.load(open(incr))
units, why = run["units"], run.get("full_because") or "-"
i, f = float(incr_s), float(full_s)
print(f"{people:<8} {int(records):>9} {int(changed):>8} {units:>8} {i:>9.1f} {f:>9.1f} {i / f:>6.1%} {int(incr_kib) / 1024:>9.0f} {int(full_kib) / 1024:>9.0f} {why:<14} {agree}")
PY
done
