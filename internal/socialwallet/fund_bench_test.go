package socialwallet_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/socialwallet/wallettest"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// BenchmarkFund funds two months of a country's confirmed offers:
// ORTAQ_BENCH_HOUSEHOLDS households (default 20,000; the target is
// 6,300,000 in two minutes), three in ten on АСП (a cash payout and a food
// voucher for four members), the rest on the large-family benefit (a cash
// payout). "first" opens every household's cash account; "next" is a
// month like any after it. Run with -benchtime 1x: each sub-benchmark
// funds its month once.
func BenchmarkFund(b *testing.B) {
	n := 20000
	if v := os.Getenv("ORTAQ_BENCH_HOUSEHOLDS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("ORTAQ_BENCH_HOUSEHOLDS=%q: want a positive number", v)
		}
	}
	dbs := []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}}
	for _, db := range dbs {
		b.Run(db.name, func(b *testing.B) {
			st := db.open(b)
			wallettest.SeedFundable(b, st, n)
			now := time.Date(2026, 11, 2, 9, 0, 0, 0, almaty)
			w := socialwallet.New(st, socialwallet.Options{Now: func() time.Time { return now }})
			for _, p := range []struct {
				p string
				l ledger.Ledger
			}{{"asp", ledger.Cash}, {"asp", ledger.Food}, {"large_family", ledger.Cash}} {
				if err := w.Appropriate(context.Background(), p.p, p.l, 1<<60, "bench"); err != nil {
					b.Fatal(err)
				}
			}
			for _, month := range []struct{ name, month string }{{"first", "2026-11"}, {"next", "2026-12"}} {
				b.Run(month.name, func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						start := time.Now()
						rep, err := w.Fund(context.Background(), month.month, nil)
						if err != nil {
							b.Fatal(err)
						}
						if i > 0 {
							continue // later iterations find everything funded
						}
						if rep.Households != n || len(rep.Refused) != 0 {
							b.Fatalf("funded %d of %d households, refused %v", rep.Households, n, rep.Refused)
						}
						sec := time.Since(start).Seconds()
						b.ReportMetric(float64(n)/sec, "households/s")
						b.ReportMetric(float64(rep.Payouts+rep.Vouchers)/sec, "transfers/s")
						b.ReportMetric(sec, "s/month")
					}
				})
			}
		})
	}
}
