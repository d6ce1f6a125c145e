#!/usr/bin/env bash
# Writes the ground truth of each public benchmark dataset as CSV files that
# ortaq eval reads:
#
#   bench/linkage/truth.sh OUTDIR
#
# One file per contract in this folder (febrl1.csv ... splink_historical_50k.csv),
# each with the header source,record_id,entity. Source names are those of the
# contracts. The entity is:
#   FEBRL:   the N of rec-N-org / rec-N-dup-k (in 4a/4b, rec-N-org in 4a is
#            rec-N-dup-0 in 4b);
#   RLdata:  ent_id;
#   Splink:  cluster.
# The datasets are read from ../shared/datasets (relative to the repository
# root), or from ORTAQ_DATASETS when set.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data=${ORTAQ_DATASETS:-$here/../../../shared/datasets}

if [[ $# -ne 1 ]]; then
	echo "usage: bench/linkage/truth.sh OUTDIR" >&2
	exit 2
fi
out=$1
[[ -d $data ]] || { echo "truth.sh: no datasets at $data (set ORTAQ_DATASETS)" >&2; exit 1; }
mkdir -p "$out"

# rows FILE SOURCE IDCOL KEYCOL prints source,record_id,entity for each row of
# FILE, finding the columns by header name. KEYCOL "rec_id" means FEBRL: the
# entity is the N of rec-N-... . Values are trimmed, CRLF line ends and blank
# lines are tolerated. No file has quotes before its id and key columns, so
# splitting on commas is enough.
rows() {
	awk -v file="$1" -v src="$2" -v idc="$3" -v keyc="$4" '
	function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
	function die(msg) { printf "truth.sh: %s:%d: %s\n", file, NR, msg > "/dev/stderr"; failed = 1; exit 1 }
	BEGIN { FS = "," }
	{ sub(/\r$/, "") }
	NR == 1 {
		for (i = 1; i <= NF; i++) col[trim($i)] = i
		if (!(idc in col)) die("no column " idc)
		if (!(keyc in col)) die("no column " keyc)
		next
	}
	/^[ \t]*$/ { next }
	{
		id = trim($col[idc])
		if (keyc == "rec_id") {
			if (!match(id, /^rec-[0-9]+-/)) die("record id " id " is not rec-N-...")
			key = substr(id, 5, RLENGTH - 5)
		} else {
			key = trim($col[keyc])
		}
		if (id == "" || key == "") die("empty record id or entity")
		print src "," id "," key
	}
	END { if (failed) exit 1 }
	' "$data/$1"
}

# truth NAME SOURCE FILE IDCOL KEYCOL [SOURCE FILE IDCOL KEYCOL ...] writes OUTDIR/NAME.csv.
truth() {
	local name=$1
	shift
	{
		echo "source,record_id,entity"
		while [[ $# -gt 0 ]]; do
			rows "$2" "$1" "$3" "$4"
			shift 4
		done
	} >"$out/$name.csv.tmp"
	mv "$out/$name.csv.tmp" "$out/$name.csv"
	echo "$out/$name.csv: $(($(wc -l <"$out/$name.csv") - 1)) records" >&2
}

truth febrl1 febrl1 febrl/dataset1.csv rec_id rec_id
truth febrl2 febrl2 febrl/dataset2.csv rec_id rec_id
truth febrl3 febrl3 febrl/dataset3.csv rec_id rec_id
truth febrl4 febrl4a febrl/dataset4a.csv rec_id rec_id febrl4b febrl/dataset4b.csv rec_id rec_id
truth rldata500 rldata500 rldata/RLdata500.csv rec_id ent_id
truth rldata10000 rldata10000 rldata/RLdata10000.csv rec_id ent_id
truth splink_fake_1000 splink_fake_1000 splink_synthetic/fake_1000.csv unique_id cluster
truth splink_historical_50k splink_historical_50k splink_synthetic/historical_figures_with_errors_50k.csv unique_id cluster
