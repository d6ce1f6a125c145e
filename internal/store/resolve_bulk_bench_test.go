package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// BenchmarkApplyResolveClusters stores a first full resolve as the
// resolver hands it over: records spread over four sources, members
// listed entity by entity, so in no order of the members' key.
// ORTAQ_BENCH_RECORDS sets the records (default 200,000); at a few
// million the tables outgrow SQLite's page cache, as a 1M-person
// nation's do.
func BenchmarkApplyResolveClusters(b *testing.B) {
	n := 200_000
	if s := os.Getenv("ORTAQ_BENCH_RECORDS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	rows := 0
	for b.Loop() {
		b.StopTimer()
		st := storetest.SQLite(b)
		var srcs []int64
		for i := range 4 {
			srcs = append(srcs, mustKindSource(b, st, fmt.Sprintf("register-%d", i), "person"))
		}
		ch := clusteredChanges(srcs, n)
		b.StartTimer()
		if _, err := st.ApplyResolve(ctx, ch); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		rows += len(ch.Members) + len(ch.Keys) + len(ch.NewEntities) + len(ch.Lineage)
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// clusteredChanges is a full resolve of n records in random clusters of
// one to sixteen, with five blocking keys a record.
func clusteredChanges(srcs []int64, n int) store.ResolveChanges {
	rng := rand.New(rand.NewPCG(1, 2))
	// Records come as the resolver reads them, source by source in key
	// order; clusters take them in random order.
	refs := make([]store.RecordRef, n)
	for i := range refs {
		refs[i] = store.RecordRef{SourceID: srcs[i*len(srcs)/n], RecordID: fmt.Sprintf("R%010d", i)}
	}
	order := rng.Perm(n)
	ch := store.ResolveChanges{Kind: "person", Mode: "full", Reset: true}
	for i := 0; i < n; {
		id := fmt.Sprintf("P%012d", len(ch.NewEntities)+1)
		ch.NewEntities = append(ch.NewEntities, id)
		ch.Lineage = append(ch.Lineage, store.LineageEvent{Action: store.ActionCreate, EntityID: id, Ref: &refs[order[i]]})
		for end := min(n, i+1+rng.IntN(16)); i < end; i++ {
			ch.Members = append(ch.Members, store.Membership{RecordRef: refs[order[i]], EntityID: id, Version: 1})
		}
	}
	keys := make([]uint64, 5*n)
	for i := range keys {
		keys[i] = rng.Uint64()
	}
	for i, r := range refs {
		ch.Keys = append(ch.Keys, store.RecordKeys{Ref: r, Keys: keys[5*i : 5*i+5]})
	}
	ch.Counts = store.ResolveCounts{Records: n, Created: len(ch.NewEntities)}
	return ch
}
