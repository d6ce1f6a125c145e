package web

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/welfare"
)

const benefitsSituation = `{"id":"h1","date":"2026-06-01","household":{"region":"almaty"},"persons":[
 {"id":"a1","role":"parent","birth_date":"1985-01-01","income":{"2026-01":30000.25}},
 {"id":"c1","role":"child","birth_date":"2010-01-01"},{"id":"c2","role":"child","birth_date":"2011-01-01"},
 {"id":"c3","role":"child","birth_date":"2012-01-01"},{"id":"c4","role":"child","birth_date":"2013-01-01"},
 {"id":"c5","role":"child","birth_date":"2014-01-01"},{"id":"c6","role":"child","birth_date":"2015-01-01"},
 {"id":"c7","role":"child","birth_date":"2016-01-01"}]}`

type benefitsAnswer struct {
	ID         string `json:"id"`
	Error      string `json:"error"`
	Programmes []struct {
		Programme string `json:"programme"`
		Eligible  bool   `json:"eligible"`
		Amount    int64  `json:"amount"`
		Error     string `json:"error"`
	} `json:"programmes"`
}

func TestBenefitsCalculateAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s, ts := mustServe(t, st, Options{})
		doc := mustAPIDoc(t)
		key := s.key(t, "mlsp")
		url := ts.URL + "/api/v1/benefits/calculate"
		const pattern = "/api/v1/benefits/calculate"

		// One object, one result.
		r := do(t, "POST", url, "application/json", benefitsSituation, key...)
		if r.status != http.StatusOK {
			t.Fatalf("POST = %d: %s", r.status, r.body)
		}
		doc.check(t, "POST", pattern, r)
		var one benefitsAnswer
		decodeInto(t, r, &one)
		if one.ID != "h1" || len(one.Programmes) != 5 || one.Programmes[1].Amount != 121360 {
			t.Errorf("answer: %+v", one)
		}

		// A bad object: 422 with the error inline.
		r = do(t, "POST", url, "application/json", strings.Replace(benefitsSituation, "2010-01-01", "2010-02-30", 1), key...)
		doc.check(t, "POST", pattern, r)
		decodeInto(t, r, &one)
		if r.status != http.StatusUnprocessableEntity || one.Error != `h1: persons[1].birth_date: not a date "2010-02-30"` {
			t.Errorf("bad situation = %d %q", r.status, one.Error)
		}

		// NDJSON: results in order, a bad one inline, the batch going on.
		flat := strings.ReplaceAll(benefitsSituation, "\n", "")
		body := flat + "\n" + `{"id":"h2","date":"2026-13-01","persons":[]}` + "\n" + strings.Replace(flat, `"h1"`, `"h3"`, 1) + "\n"
		r = do(t, "POST", url, "application/x-ndjson", body, key...)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("NDJSON = %d %s: %s", r.status, r.header.Get("Content-Type"), r.body)
		}
		var ids []string
		for _, line := range strings.Split(strings.TrimSpace(string(r.body)), "\n") {
			var a benefitsAnswer
			if err := json.Unmarshal([]byte(line), &a); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, a.ID+":"+a.Error)
		}
		if want := []string{"h1:", `h2:h2: date: not a date "2026-13-01"`, "h3:"}; !slices.Equal(ids, want) {
			t.Errorf("NDJSON ids %q, want %q", ids, want)
		}

		// Without a credential: refused.
		if r := do(t, "POST", url, "application/json", benefitsSituation); r.status != http.StatusUnauthorized {
			t.Errorf("anonymous = %d", r.status)
		}
		// Too many situations, however small: 413 before any is decided,
		// rather than millions of error results held in memory.
		if r := do(t, "POST", url, "application/x-ndjson", strings.Repeat("{}\n", 10_001), key...); r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("10,001 situations = %d", r.status)
		}
		if r := do(t, "POST", url, "application/x-ndjson", strings.Repeat("\n", 50_000)+strings.Repeat(flat+"\n", 3), key...); r.status != http.StatusOK ||
			strings.Count(string(r.body), "\n") != 3 {
			t.Errorf("blank lines and 3 situations = %d, %d results", r.status, strings.Count(string(r.body), "\n"))
		}
		// Too large: 413.
		if r := do(t, "POST", url, "application/x-ndjson", strings.Repeat(flat+"\n", 8<<20/len(flat)+1), key...); r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("large body = %d", r.status)
		}
	})
}

// TestBenefitsCalculateByRulesInForce requires the calculator to decide
// by the ministry's rules as they are now: after a new МРП from a date,
// the large-family amount of a situation on that date follows it.
func TestBenefitsCalculateByRulesInForce(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	svc, err := welfare.New(ctx, st, welfare.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, ts := mustServe(t, st, Options{Welfare: svc})
	key := s.key(t, "mlsp")
	largeFamily := func() int64 {
		r := do(t, "POST", ts.URL+"/api/v1/benefits/calculate", "application/json", benefitsSituation, key...)
		var a benefitsAnswer
		decodeInto(t, r, &a)
		for _, p := range a.Programmes {
			if p.Programme == "large_family" {
				return p.Amount
			}
		}
		t.Fatalf("no large_family in %s", r.body)
		return 0
	}
	if got := largeFamily(); got != 121360 { // round(28.06 × 4,325)
		t.Fatalf("before the change: %d", got)
	}
	if _, err := svc.ChangeRules(ctx, store.Author{ID: 1, Name: "policy"}, welfare.Change{Kind: welfare.ChangeParameter,
		Name: "MRP", From: "2026-06-01", Value: "5000", LawRef: "test", Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	if got := largeFamily(); got != 140300 { // round(28.06 × 5,000)
		t.Errorf("after МРП 5,000 from the situation's date: %d, want 140300", got)
	}
}

// BenchmarkBenefitsCalculateHTTP is the latency of one calculation
// request through the API's handler (credential check, decoding,
// deciding five programmes with traces, encoding); it reports p99.
func BenchmarkBenefitsCalculateHTTP(b *testing.B) {
	st := storetest.SQLite(b)
	s, ts := mustServe(b, st, Options{})
	key := s.key(b, "mlsp")
	url := ts.URL + "/api/v1/benefits/calculate"
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		r := do(b, "POST", url, "application/json", benefitsSituation, key...)
		lat = append(lat, time.Since(start))
		if r.status != http.StatusOK {
			b.Fatalf("%d: %s", r.status, r.body)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
}

// TestBenefitsCalculateSharedExamples sends RULES.md's twelve examples to
// the API as one NDJSON batch and requires exactly their expected results
// (programme, eligibility, amount, period), in order. It skips when the
// shared folder is not beside the repository.
func TestBenefitsCalculateSharedExamples(t *testing.T) {
	dir := cmp.Or(os.Getenv("BENEFITS_EXAMPLES"), filepath.Join("..", "..", "..", "shared", "benefits", "examples"))
	situations, err := os.ReadFile(filepath.Join(dir, "situations.ndjson"))
	if err != nil {
		t.Skipf("no shared examples: %v", err)
	}
	expected, err := os.ReadFile(filepath.Join(dir, "expected.ndjson"))
	if err != nil {
		t.Skipf("no shared examples: %v", err)
	}
	s, ts := mustServe(t, storetest.SQLite(t), Options{})
	r := do(t, "POST", ts.URL+"/api/v1/benefits/calculate", "application/x-ndjson", string(situations), s.key(t, "mlsp")...)
	if r.status != http.StatusOK {
		t.Fatalf("POST = %d: %s", r.status, r.body)
	}
	type outcome struct {
		Programme string `json:"programme"`
		Eligible  bool   `json:"eligible"`
		Amount    int64  `json:"amount"`
		Period    string `json:"period"`
	}
	type result struct {
		ID         string    `json:"id"`
		Programmes []outcome `json:"programmes"`
	}
	read := func(b []byte) []result {
		var out []result
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var res result
			if err := json.Unmarshal([]byte(line), &res); err != nil {
				t.Fatal(err)
			}
			out = append(out, res)
		}
		return out
	}
	got, want := read(r.body), read(expected)
	if len(want) != 12 || len(got) != len(want) {
		t.Fatalf("%d results for %d expected", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || !slices.Equal(got[i].Programmes, want[i].Programmes) {
			t.Errorf("%s:\n got %+v\nwant %+v", want[i].ID, got[i], want[i])
		}
	}
}
