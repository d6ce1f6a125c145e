package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// BenchmarkTransfers applies batches of transfers through
// CreateLedgerTransfers: "payouts" from one budget line to distinct
// citizens, "purchases" from those citizens to 20 grocers; from one client
// with batches of 1,000 and 8,000, and from 64 concurrent clients with
// batches of 100 and 1,000. It reports transfers/s. Each case's name says
// clients×batch.
func BenchmarkTransfers(b *testing.B) {
	const citizens, grocers = 50000, 20
	for _, db := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(db.name, func(b *testing.B) {
			st := db.open(b)
			ctx := context.Background()
			cit := make([]ledger.ID, citizens)
			as := []ledger.Account{{ID: acFund, Ledger: ledger.Food, Flags: ledger.DebitsMayExceedCredits}}
			for i := range cit {
				cit[i] = ledger.NewID()
				as = append(as, ledger.Account{ID: cit[i], Ledger: ledger.Food, Code: 3})
			}
			gro := make([]ledger.ID, grocers)
			for i := range gro {
				gro[i] = ledger.NewID()
				as = append(as, ledger.Account{ID: gro[i], Ledger: ledger.Food, Code: 4})
			}
			for lo := 0; lo < len(as); lo += 5000 {
				if _, err := st.CreateLedgerAccounts(ctx, as[lo:min(len(as), lo+5000)]); err != nil {
					b.Fatal(err)
				}
			}
			var next atomic.Int64 // spreads the clients over the citizens
			for _, kind := range []string{"payouts", "purchases"} {
				for _, c := range []struct{ clients, batch int }{{1, 1000}, {1, 8000}, {64, 100}, {64, 1000}} {
					b.Run(fmt.Sprintf("%s/%dx%d", kind, c.clients, c.batch), func(b *testing.B) {
						var n atomic.Int64
						start := time.Now()
						b.SetParallelism((c.clients + 1) / 2) // of 2 cores
						if c.clients == 1 {
							b.SetParallelism(1)
						}
						run := func(ts []ledger.Transfer) {
							lo := int(next.Add(int64(len(ts))))
							for i := range ts {
								ci := cit[(lo+i)%citizens]
								ts[i] = ledger.Transfer{ID: ledger.NewID(), DebitAccount: acFund, CreditAccount: ci, Amount: 1000,
									Ledger: ledger.Food, Code: 1, UserData: "decision:1"}
								if kind == "purchases" {
									ts[i].DebitAccount, ts[i].CreditAccount, ts[i].Amount = ci, gro[i%grocers], 1
								}
							}
							rs, err := st.CreateLedgerTransfers(ctx, ts)
							if err != nil {
								b.Error(err)
								return
							}
							for i, r := range rs {
								if r != ledger.ResultOK {
									b.Errorf("transfer %d: %v", i, r)
									return
								}
							}
							n.Add(int64(len(ts)))
						}
						if c.clients == 1 {
							ts := make([]ledger.Transfer, c.batch)
							for b.Loop() {
								run(ts)
							}
						} else {
							b.RunParallel(func(pb *testing.PB) {
								ts := make([]ledger.Transfer, c.batch)
								for pb.Next() {
									run(ts)
								}
							})
						}
						b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "transfers/s")
					})
				}
			}
		})
	}
}
