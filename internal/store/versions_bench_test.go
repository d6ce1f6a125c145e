package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// BenchmarkReadOneRecord reads one record of a 100,000-version source the
// way single-person reads do: its history (attributes and raw rows, as a
// record page and corrections read it) and its latest version (attributes,
// as linking one pushed record and the exchange read it). Versions look
// like health cards: ten attributes, a raw row of eleven columns.
func BenchmarkReadOneRecord(b *testing.B) {
	const records = 100000
	for _, db := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(db.name, func(b *testing.B) {
			st := db.open(b)
			ctx := context.Background()
			if _, err := st.PutAgency(ctx, store.Agency{Code: "moh", Name: "Ministry of Health"}); err != nil {
				b.Fatal(err)
			}
			src, err := st.PutSource(ctx, store.SourceDef{Name: "cards", AgencyCode: "moh", Title: "Cards", Entity: "person", Definition: []byte(`{"name":"cards"}`)})
			if err != nil {
				b.Fatal(err)
			}
			run, err := st.BeginRun(ctx, src, "cards.csv", "full")
			if err != nil {
				b.Fatal(err)
			}
			at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
			var vs []store.Version
			for i := range records {
				id := fmt.Sprintf("DM%09d", i)
				vs = append(vs, store.Version{RecordID: id, Version: 1, Line: i + 2, ObservedAt: at, Hash: [16]byte{byte(i), byte(i >> 8), byte(i >> 16)},
					Attrs: []byte(fmt.Sprintf(`{"national_id":"83010740%04d","full_name":"Ахметова Мақпал Бекзатқызы %d","birth_date":"1983-01-07","sex":"F","address":"Абай облысы, Семей қ., Республика даңғылы, %d үй","phone":"8 (707) 511-86-82","clinic":"Городская поликлиника №9 г. Семей","attached_date":"2020-08-12","last_visit_date":"2023-07-09","card_status":"closed"}`, i%10000, i, i%300)),
					Raw:   []byte(fmt.Sprintf(`{"card_no":"%s","iin":"83010740%04d","fio":"Ахметова Мақпал Бекзатқызы %d","birth_date":"1983-01-07","gender":"жен","address":"Абай облысы, Семей қ., Республика даңғылы, %d үй","phone":"8 (707) 511-86-82","clinic":"Городская поликлиника №9 г. Семей","attached":"2020-08-12","last_visit":"2023-07-09","status":"закрыта"}`, id, i%10000, i, i%300))})
				if len(vs) == 2000 {
					if err := run.AddVersions(ctx, vs); err != nil {
						b.Fatal(err)
					}
					vs = vs[:0]
				}
			}
			if err := run.Commit(ctx, store.RunCounts{Rows: records, Stored: records, Live: records}); err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			b.Run("history", func(b *testing.B) {
				for b.Loop() {
					h, err := st.History(ctx, "cards", fmt.Sprintf("DM%09d", rng.IntN(records)))
					if err != nil || len(h) != 1 || len(h[0].Raw) < 100 {
						b.Fatalf("History: %d versions, %v", len(h), err)
					}
				}
			})
			b.Run("latest", func(b *testing.B) {
				for b.Loop() {
					ref := store.RecordRef{SourceID: src, RecordID: fmt.Sprintf("DM%09d", rng.IntN(records))}
					rs, err := st.LatestRecords(ctx, []store.RecordRef{ref})
					if err != nil || len(rs) != 1 || len(rs[0].Attrs) != 10 {
						b.Fatalf("LatestRecords: %d records, %v", len(rs), err)
					}
				}
			})
		})
	}
}
