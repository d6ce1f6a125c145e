package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The fixture's clustering gets one of three true pairs (rec-1), claims one
// wrong pair (rec-2-org with rec-3-org), misses rec-3-dup-0 and adds
// rec-9-dup-0, which the truth does not know.
func TestEvalTable(t *testing.T) {
	out, err := runCLI(t, "eval", "--truth", "testdata/eval/truth.csv", "--clusters", "testdata/eval/clusters.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := `truth records                 6
clustered records             6
missing                       1
extra                         1
true pairs                    3
predicted pairs               2
true positives                1
false positives               1
false negatives               2
precision                0.5000
recall                   0.3333
F1                       0.4000
missing, e.g.: febrl4b/rec-3-dup-0
extra, e.g.: febrl4b/rec-9-dup-0
`
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("eval (-want +got):\n%s", diff)
	}
}

func TestEvalJSON(t *testing.T) {
	out, err := runCLI(t, "eval", "--truth", "testdata/eval/truth.csv", "--clusters", "testdata/eval/clusters.csv", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		TruthRecords   int64   `json:"truth_records"`
		Missing        int64   `json:"missing"`
		Extra          int64   `json:"extra"`
		TruePairs      int64   `json:"true_pairs"`
		PredictedPairs int64   `json:"predicted_pairs"`
		TruePositives  int64   `json:"true_positives"`
		Precision      float64 `json:"precision"`
		F1             float64 `json:"f1"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("eval --json printed %q: %v", out, err)
	}
	if res.TruthRecords != 6 || res.Missing != 1 || res.Extra != 1 || res.TruePairs != 3 ||
		res.PredictedPairs != 2 || res.TruePositives != 1 || res.Precision != 0.5 || res.F1 != 0.4 {
		t.Errorf("eval --json = %+v", res)
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		usage bool // a usage error rather than a failure
		want  string
	}{
		{"no flags", nil, true, "--truth and --clusters are both required"},
		{"no clusters", []string{"--truth", "testdata/eval/truth.csv"}, true, "--truth and --clusters are both required"},
		{"extra argument", []string{"--truth", "a", "--clusters", "b", "c"}, true, `unexpected argument "c"`},
		{"unreadable truth", []string{"--truth", "testdata/eval/nope.csv", "--clusters", "testdata/eval/clusters.csv"}, false, "testdata/eval/nope.csv"},
		{"duplicate record", []string{"--truth", "testdata/eval/truth.csv", "--clusters", "testdata/eval/clusters_dup.csv"}, false,
			"testdata/eval/clusters_dup.csv:4: record febrl4a/rec-1-org appears again (first at line 2); a clustering lists each record once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runCLI(t, append([]string{"eval"}, tt.args...)...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("eval %q = %v; want an error containing %q", tt.args, err, tt.want)
			}
			var ue usageError
			if errors.As(err, &ue) != tt.usage {
				t.Errorf("usage error = %v, want %v", !tt.usage, tt.usage)
			}
		})
	}
}
