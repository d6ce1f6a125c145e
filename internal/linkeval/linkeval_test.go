package linkeval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// labels builds Labels of source "s" from "key:id id id" groups.
func labels(groups ...string) Labels {
	l := Labels{}
	for _, g := range groups {
		key, ids, _ := strings.Cut(g, ":")
		for _, id := range strings.Fields(ids) {
			l[Record{"s", id}] = key
		}
	}
	return l
}

func recs(ids ...string) []Record {
	out := make([]Record, len(ids))
	for i, id := range ids {
		out[i] = Record{"s", id}
	}
	return out
}

func TestScore(t *testing.T) {
	// Three people: a with three records, b with two, c with one; 3+1 = 4
	// true pairs.
	truth := labels("a:1 2 3", "b:4 5", "c:6")
	tests := []struct {
		name     string
		truth    Labels
		clusters Labels
		want     Result
	}{
		{
			name:     "perfect",
			truth:    truth,
			clusters: labels("x:1 2 3", "y:4 5", "z:6"),
			want: Result{TruthRecords: 6, ClusteredRecords: 6, TruePairs: 4, PredictedPairs: 4, TruePositives: 4,
				Precision: 1, Recall: 1, F1: 1},
		},
		{
			name:     "all singletons: no pair claimed, none wrong",
			truth:    truth,
			clusters: labels("1:1", "2:2", "3:3", "4:4", "5:5", "6:6"),
			want: Result{TruthRecords: 6, ClusteredRecords: 6, TruePairs: 4,
				Precision: 1, Recall: 0, F1: 0},
		},
		{
			name:     "all in one",
			truth:    truth,
			clusters: labels("x:1 2 3 4 5 6"),
			want: Result{TruthRecords: 6, ClusteredRecords: 6, TruePairs: 4, PredictedPairs: 15, TruePositives: 4,
				Precision: 4.0 / 15, Recall: 1, F1: 8.0 / 19},
		},
		{
			name:     "mixed",
			truth:    truth,
			clusters: labels("x:1 2 4", "y:3 5 6"),
			want: Result{TruthRecords: 6, ClusteredRecords: 6, TruePairs: 4, PredictedPairs: 6, TruePositives: 1,
				Precision: 1.0 / 6, Recall: 1.0 / 4, F1: 0.2},
		},
		{
			name:     "missing records are singletons and lose their pairs",
			truth:    truth,
			clusters: labels("x:1 2", "y:4", "z:6"),
			want: Result{TruthRecords: 6, ClusteredRecords: 4, Missing: 2, TruePairs: 4, PredictedPairs: 1, TruePositives: 1,
				Precision: 1, Recall: 0.25, F1: 0.4, MissingSample: recs("3", "5")},
		},
		{
			name:     "extra records are ignored, even in a true cluster",
			truth:    truth,
			clusters: labels("x:1 2 3 7 8", "y:4 5", "z:6 9"),
			want: Result{TruthRecords: 6, ClusteredRecords: 9, Extra: 3, TruePairs: 4, PredictedPairs: 4, TruePositives: 4,
				Precision: 1, Recall: 1, F1: 1, ExtraSample: recs("7", "8", "9")},
		},
		{
			name:     "same id in another source is another record",
			truth:    Labels{{"a", "1"}: "p", {"b", "1"}: "p"},
			clusters: Labels{{"a", "1"}: "x", {"b", "1"}: "y"},
			want:     Result{TruthRecords: 2, ClusteredRecords: 2, TruePairs: 1, Precision: 1, Recall: 0, F1: 0},
		},
		{
			name:  "samples are the first five in order",
			truth: labels("a:1 2 3 4 5 6 7"),
			want: Result{TruthRecords: 7, Missing: 7, TruePairs: 21, Precision: 1, Recall: 0,
				MissingSample: recs("1", "2", "3", "4", "5")},
		},
		{
			name: "nothing at all",
			want: Result{Precision: 1, Recall: 1, F1: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Score(tt.truth, tt.clusters)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("Score (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScoreMatchesPairs compares Score with counting every pair on random
// truths and clusterings, including missing and extra records.
func TestScoreMatchesPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 500 {
		n := rng.IntN(60)
		people := 1 + rng.IntN(max(n, 1))
		nclusters := 1 + rng.IntN(max(n, 1))
		truth, clusters := Labels{}, Labels{}
		var all []Record
		for i := range n {
			r := Record{Source: fmt.Sprint("s", rng.IntN(2)), ID: fmt.Sprint(i)}
			all = append(all, r)
			truth[r] = fmt.Sprint("p", rng.IntN(people))
			if rng.IntN(10) > 0 {
				clusters[r] = fmt.Sprint("c", rng.IntN(nclusters))
			}
		}
		for i := range rng.IntN(5) {
			clusters[Record{"extra", fmt.Sprint(i)}] = fmt.Sprint("c", rng.IntN(nclusters))
		}

		var truePairs, predicted, tp int64
		for i := range all {
			for j := i + 1; j < len(all); j++ {
				a, b := all[i], all[j]
				same := truth[a] == truth[b]
				ca, oka := clusters[a]
				cb, okb := clusters[b]
				linked := oka && okb && ca == cb
				if same {
					truePairs++
				}
				if linked {
					predicted++
				}
				if same && linked {
					tp++
				}
			}
		}
		got := Score(truth, clusters)
		if got.TruePairs != truePairs || got.PredictedPairs != predicted || got.TruePositives != tp {
			t.Fatalf("iteration %d: Score = %d true, %d predicted, %d TP; pairs say %d, %d, %d",
				iter, got.TruePairs, got.PredictedPairs, got.TruePositives, truePairs, predicted, tp)
		}
		if got.Missing+int64(len(clusters))-got.Extra != int64(len(truth)) {
			t.Fatalf("iteration %d: missing %d, extra %d, %d clustered, %d in truth", iter, got.Missing, got.Extra, len(clusters), len(truth))
		}
		if p := got.Precision; predicted > 0 && math.Abs(p-float64(tp)/float64(predicted)) > 1e-12 {
			t.Fatalf("iteration %d: precision %v", iter, p)
		}
	}
}

func TestScoreLargeCounts(t *testing.T) {
	// One entity of 100,000 records: C(n, 2) overflows int32 but not int64.
	truth, clusters := Labels{}, Labels{}
	for i := range 100000 {
		r := Record{"s", fmt.Sprint(i)}
		truth[r] = "p"
		clusters[r] = "c"
	}
	if got := Score(truth, clusters); got.TruePairs != 4999950000 || got.TruePositives != got.TruePairs || got.F1 != 1 {
		t.Errorf("Score = %+v", got)
	}
}

func TestReadTruth(t *testing.T) {
	data := "\ufeffsource,record_id,entity_id,role\n" +
		"febrl4a,rec-1-org,1,x\n" +
		" febrl4b , rec-1-dup-0 , 1 ,y\n" +
		"\n" +
		"\"febrl4a\",\"rec-2,org\",\"2\",\n" +
		"febrl4a,rec-1-org,1,z\n" // the same record and key again: read once
	got, err := ReadTruth(strings.NewReader(data), "truth.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := Labels{
		{"febrl4a", "rec-1-org"}:   "1",
		{"febrl4b", "rec-1-dup-0"}: "1",
		{"febrl4a", "rec-2,org"}:   "2",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadTruth (-want +got):\n%s", diff)
	}
	got, err = ReadClusters(strings.NewReader("source,record_id,cluster_id\nfebrl4a,rec-1-org,c7\n"), "clusters.csv")
	if err != nil || got[Record{"febrl4a", "rec-1-org"}] != "c7" || len(got) != 1 {
		t.Errorf("ReadClusters = %v, %v", got, err)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name     string
		clusters bool // read with ReadClusters rather than ReadTruth
		data     string
		want     string
	}{
		{"empty file", false, "", "f.csv: empty file: expected a header source,record_id,KEY"},
		{"short header", false, "source,record_id\n", "f.csv:1: header has 2 columns; expected source,record_id,KEY"},
		{"wrong header", false, "record_id,source,entity\n", `f.csv:1: header starts "record_id","source"; expected source,record_id,KEY`},
		{"no header", true, "febrl1,rec-1-org,1\n", `f.csv:1: header starts "febrl1","rec-1-org"; expected source,record_id,KEY`},
		{"column count", false, "source,record_id,entity\na,1,p\na,2\n", "f.csv:3: got 2 columns, header has 3"},
		{"bad quoting", false, "source,record_id,entity\na,1,p\na,\"2,p\n", `f.csv:3: extraneous or missing " in quoted-field`},
		{"empty source", false, "source,record_id,entity\n,1,p\n", "f.csv:2: empty source"},
		{"empty id", false, "source,record_id,entity\na, ,p\n", "f.csv:2: empty record_id"},
		{"empty key", true, "source,record_id,cluster\na,1,\n", "f.csv:2: empty cluster for record a/1"},
		{
			"truth record with two keys", false,
			"source,record_id,person_id,role\nmarriages,7,p1,groom\nmarriages,8,p3,groom\nmarriages,7,p2,bride\n",
			`f.csv:4: record marriages/7 has person_id "p2" here but "p1" at line 2; a truth file gives each record one person_id`,
		},
		{
			"clustered record twice", true,
			"source,record_id,cluster\na,1,c1\na,2,c1\na,1,c1\n",
			"f.csv:4: record a/1 appears again (first at line 2); a clustering lists each record once",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := ReadTruth
			if tt.clusters {
				read = ReadClusters
			}
			l, err := read(strings.NewReader(tt.data), "f.csv")
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v\nwant    %s", err, tt.want)
			}
			if l != nil {
				t.Errorf("labels returned with an error: %v", l)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	r := Score(labels("a:1 2 3", "b:4 5"), labels("x:1 2", "y:4 5 9"))
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	want := `truth records                 5
clustered records             5
missing                       1
extra                         1
true pairs                    4
predicted pairs               2
true positives                2
false positives               0
false negatives               2
precision                1.0000
recall                   0.5000
F1                       0.6667
missing, e.g.: s/3
extra, e.g.: s/9
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("Write (-want +got):\n%s", diff)
	}
	j, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"truth_records":5,"clustered_records":5,"missing":1,"extra":1,"true_pairs":4,"predicted_pairs":2,"true_positives":2,` +
		`"precision":1,"recall":0.5,"f1":0.6666666666666666,"missing_sample":[{"source":"s","record_id":"3"}],"extra_sample":[{"source":"s","record_id":"9"}]}`
	if string(j) != wantJSON {
		t.Errorf("JSON =\n%s\nwant\n%s", j, wantJSON)
	}
}

func FuzzReadClusters(f *testing.F) {
	f.Add("source,record_id,cluster\na,1,c1\na,2,c1\n")
	f.Add("\ufeffsource,record_id,entity_id,role\n\"a\",\"1\",\"p\",\n")
	f.Add("source,record_id,cluster\na,\"1\nb,2,c\n")
	f.Fuzz(func(t *testing.T, data string) {
		for _, read := range []func(io.Reader, string) (Labels, error){ReadTruth, ReadClusters} {
			l, err := read(strings.NewReader(data), "f.csv")
			if err != nil {
				if l != nil || !strings.HasPrefix(err.Error(), "f.csv") {
					t.Fatalf("labels %v with error %v", l, err)
				}
				continue
			}
			for r, k := range l {
				if r.Source == "" || r.ID == "" || k == "" || r.Source != strings.TrimSpace(r.Source) {
					t.Fatalf("bad label %+v=%q", r, k)
				}
			}
		}
	})
}
