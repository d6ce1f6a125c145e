package benefits

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// allCaseSituations returns every situation of the test cases.
func allCaseSituations(t *testing.T) []Situation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("programmes", "samples.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	var out []Situation
	if err := ReadSituations(bytes.NewReader(b), func(s Situation, err error) error {
		out = append(out, s)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDeterministic decides the same situations twice, and concurrently,
// and wants the same bytes, traces included.
func TestDeterministic(t *testing.T) {
	e := mustEngine(t)
	ss := allCaseSituations(t)
	want := make([][]byte, len(ss))
	for i := range ss {
		want[i], _ = json.Marshal(e.Decide(&ss[i]))
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ss {
				got, _ := json.Marshal(e.Decide(&ss[i]))
				if !bytes.Equal(got, want[i]) {
					t.Errorf("%s: differs on a second run:\n%s\n%s", ss[i].ID, got, want[i])
				}
				// Without traces: the same decision.
				lean := e.DecideOpts(&ss[i], Options{NoTrace: true})
				full := e.Decide(&ss[i])
				for j := range lean.Programmes {
					l, f := lean.Programmes[j], full.Programmes[j]
					if l.Eligible != f.Eligible || l.Amount != f.Amount || !cmp.Equal(l.Versions, f.Versions) || l.Trace != nil {
						t.Errorf("%s %s: NoTrace decided differently", ss[i].ID, l.Programme)
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestSituationRoundTrip writes situations as JSON and reads them back,
// as a store of decision inputs would.
func TestSituationRoundTrip(t *testing.T) {
	for _, s := range allCaseSituations(t) {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseSituation(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if diff := cmp.Diff(s, back, cmp.AllowUnexported(Money{})); diff != "" {
			t.Errorf("%s (-wrote +read):\n%s", s.ID, diff)
		}
	}
}

// TestTraceOutlivesNextDecide keeps a traced result while the engine
// decides other situations without traces, as a caller encoding results
// while the next ones are decided does, and wants the result unchanged.
func TestTraceOutlivesNextDecide(t *testing.T) {
	e := mustEngine(t)
	ss := allCaseSituations(t)
	for i := range ss {
		kept := e.Decide(&ss[i])
		want, _ := json.Marshal(kept)
		for j := range ss {
			e.DecideOpts(&ss[j], Options{NoTrace: true})
		}
		if got, _ := json.Marshal(kept); !bytes.Equal(got, want) {
			t.Fatalf("%s: the result changed as other situations were decided:\n%s\n%s", ss[i].ID, got, want)
		}
	}
}
