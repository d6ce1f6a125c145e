package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// envTimingDB names a store to time the pages on, such as the 20,000-person
// demo nation:
//
//	ORTAQ_WEB_TIMING_DB=sqlite:/tmp/web/o.db go test -run TestPageTimes -v ./internal/web
const envTimingDB = "ORTAQ_WEB_TIMING_DB"

// pageBudget is the slowest a page may be, on the demo nation, once the
// server is warm.
const pageBudget = 200 * time.Millisecond

// timedPages lists a page of every kind over st, with entities the store
// holds.
func timedPages(tb testing.TB, st *store.Store) []string {
	tb.Helper()
	ctx := context.Background()
	dup, _, err := st.WorkList(ctx, store.FindingFilter{Kind: "duplicates", Limit: 1})
	if err != nil || len(dup) == 0 {
		tb.Fatalf("no duplicate to show: %v", err)
	}
	cows, err := st.FindingSample(ctx, store.FindingFilter{Source: "livestock", Status: store.FindingOpen}, 1)
	if err != nil || len(cows) == 0 {
		tb.Fatalf("no virtual cow to show: %v", err)
	}
	person, err := st.Golden(ctx, dup[0].EntityID)
	if err != nil {
		tb.Fatal(err)
	}
	return []string{
		"/?lang=ru",
		"/agencies/moh",
		"/sources/health_cards",
		"/sources/livestock",
		"/entities/" + person.EntityID,
		"/entities/" + cows[0].EntityID,
		"/virtual-cows",
		"/search?q=" + url.QueryEscape(person.Name),
		"/search?q=" + url.QueryEscape("Нұр"),
		"/worklist",
		"/worklist?page=100",
		"/worklist?source=health_cards&status=open",
		"/worklist?kind=duplicates",
		"/api/v1/quality",
		"/api/v1/entities/" + person.EntityID,
		"/api/v1/findings?source=livestock",
		"/api/v1/search?q=" + url.QueryEscape("Nursultan"),
	}
}

// TestPageTimes times every page over real HTTP on the store named by
// ORTAQ_WEB_TIMING_DB: the first (cold) answer and the slowest of the
// next ones, which must stay within pageBudget.
func TestPageTimes(t *testing.T) {
	dsn := os.Getenv(envTimingDB)
	if dsn == "" {
		t.Skipf("set %s to a store with quality runs, e.g. the 20,000-person demo nation", envTimingDB)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, ts := mustServe(t, st, Options{})
	const rounds = 7
	for _, p := range timedPages(t, st) {
		var times []time.Duration
		for range rounds {
			start := time.Now()
			res, err := http.Get(ts.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			times = append(times, time.Since(start))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s = %d", p, res.StatusCode)
			}
		}
		warm := slices.Clone(times[1:])
		slices.Sort(warm)
		median, slowest := warm[len(warm)/2], warm[len(warm)-1]
		t.Logf("%-48s first %7s  median %7s  max %7s", p, times[0].Round(100*time.Microsecond),
			median.Round(100*time.Microsecond), slowest.Round(100*time.Microsecond))
		if slowest > pageBudget {
			t.Errorf("GET %s took %s; the budget is %s", p, slowest, pageBudget)
		}
	}
}

// BenchmarkPages renders each page over HTTP on the test's demo nation.
func BenchmarkPages(b *testing.B) {
	d := demoSQLite(b)
	_, ts := mustServe(b, d.st, Options{})
	for _, p := range timedPages(b, d.st) {
		b.Run(url.PathEscape(p), func(b *testing.B) {
			for b.Loop() {
				res, err := http.Get(ts.URL + p)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("GET %s = %d", p, res.StatusCode)
				}
			}
		})
	}
}
