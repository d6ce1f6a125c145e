#!/usr/bin/env bash
# Accuracy of `ortaq link` on the public benchmark sets and on synthetic
# nations: pairwise precision, recall and F1 against ground truth, no labels
# used for training. Prints one table row per dataset.
#
#   bench/accuracy.sh [PEOPLE]     # PEOPLE for the synthetic nation (default 20000)
#   LINK_ARGS="--threshold 0.5" bench/accuracy.sh   # other link flags
#
# The public sets are read from ../shared/datasets (see bench/linkage/);
# rows for missing sets are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
people=${1:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/ortaq" ./cmd/ortaq
bash bench/linkage/truth.sh "$work/truth" >/dev/null

printf '%-28s %8s %10s %10s %8s %8s %8s %8s\n' dataset records true_pairs predicted precision recall F1 seconds
row() { # name sources.yaml truth.csv
	local name=$1 yaml=$2 truth=$3
	local start end
	start=$(date +%s.%N)
	"$work/ortaq" link ${LINK_ARGS:-} --sources "$yaml" --out "$work/$name.csv" >/dev/null 2>"$work/$name.log" || { echo "$name: link failed"; cat "$work/$name.log"; return 1; }
	end=$(date +%s.%N)
	"$work/ortaq" eval --json --truth "$truth" --clusters "$work/$name.csv" >"$work/$name.json"
	python3 - "$name" "$work/$name.json" "$start" "$end" <<'PY'
import json, sys
name, path, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
r = json.load(open(path))
print(f"{name:<28} {r['truth_records']:>8} {r['true_pairs']:>10} {r['predicted_pairs']:>10} {r['precision']:>8.4f} {r['recall']:>8.4f} {r['f1']:>8.4f} {end-start:>8.2f}")
PY
}

for d in febrl1 febrl2 febrl3 febrl4 rldata500 rldata10000 splink_fake_1000 splink_historical_50k; do
	if [[ -f "$work/truth/$d.csv" ]]; then
		row "$d" "bench/linkage/$d.yaml" "$work/truth/$d.csv"
	fi
done

"$work/ortaq" synth --people "$people" --out "$work/synth" >/dev/null 2>&1
row "synth_${people}" "$work/synth/sources.yaml" "$work/synth/truth/persons.csv"
# The same nation with the IIN column dropped from half of the person
# sources: the three whose records also carry a birth date.
awk '
	/^  - name: / { src = $3 }
	/^      national_id:/ && (src == "health_cards" || src == "social_benefits" || src == "education_students") { next }
	{ print }
' "$work/synth/sources.yaml" >"$work/synth/sources_half_iin.yaml"
row "synth_${people}_half_iin" "$work/synth/sources_half_iin.yaml" "$work/synth/truth/persons.csv"
