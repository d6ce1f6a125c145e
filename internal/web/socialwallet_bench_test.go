package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/socialwallet/wallettest"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// BenchmarkPurchaseAPI authorises purchases end to end over HTTP: a
// grocery's system posts a code and an amount to /api/v1/wallet/purchases
// with its API key; the server authenticates it, finds its merchant, claims
// the code, plans the voucher chain, commits it to the ledger on a SQLite
// file and answers. 1,000 АСП families of a 10,000-household country hold
// this month's food vouchers; every purchase has its own code, sent with
// the family's IIN. A family has one live code per ledger, so the first
// 1,000 codes are made before the clock starts and each later one by its
// client just before its request, outside the latency measured. Reports
// the answers' p50 and p99 for 1, 16 and 256 concurrent clients, each on
// its own keep-alive connection, and the share the admission control shed
// (503 with Retry-After: its queue holds 192 requests for at most 50 ms),
// whose latencies are not counted; the health route with the same clients
// is the baseline.
func BenchmarkPurchaseAPI(b *testing.B) {
	ctx := context.Background()
	st := storetest.SQLite(b)
	wallettest.SeedFundable(b, st, 10000)
	// The АСП recipients (every offer i with i % 10 < 3) get valid IINs.
	var families []string
	for i := 1; len(families) < 1000; i++ {
		if i%10 >= 3 {
			continue
		}
		iin, _, err := kz.MakeIIN(time.Date(1980+i%20, 1+time.Month(i%12), 1+i%28, 0, 0, 0, 0, time.UTC), kz.Female, i%9000)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := storetest.Exec(b, st, `UPDATE benefit_offers SET recipient_iin = ? WHERE id = ?`, iin, i); err != nil {
			b.Fatal(err)
		}
		families = append(families, iin)
	}
	sw := socialwallet.New(st, socialwallet.Options{})
	for _, p := range []string{"asp", "large_family"} {
		for _, l := range []ledger.Ledger{ledger.Cash, ledger.Food} {
			if err := sw.Appropriate(ctx, p, l, 1<<50, "bench"); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := sw.Fund(ctx, time.Now().Format("2006-01"), nil); err != nil {
		b.Fatal(err)
	}
	if _, err := sw.RegisterMerchant(ctx, socialwallet.Merchant{BIN: "100140000001", Name: "Magnum", Region: "10",
		Category: ledger.Food, Member: "grocery", Subsystem: "pos"}); err != nil {
		b.Fatal(err)
	}
	srv, ts := mustServe(b, st, Options{SocialWallet: sw})
	key := append(srv.key(b, "grocery", "merchant"), "Ortaq-Client", "grocery/pos")
	for _, clients := range []int{1, 16, 256} {
		// The baseline: the health route (a schema check, no writes), the
		// same clients, just before.
		b.Run(fmt.Sprintf("health/clients=%d", clients), func(b *testing.B) {
			latencies(b, clients, func(int) (*http.Request, error) {
				return http.NewRequest(http.MethodGet, ts.URL+"/api/v1/health", nil)
			})
		})
		b.Run(fmt.Sprintf("purchase/clients=%d", clients), func(b *testing.B) {
			code := func(i int) (string, error) {
				c, err := sw.NewPaymentCode(ctx, families[i%len(families)], ledger.Food, 0)
				return c.Code, err
			}
			codes := make([]string, min(b.N, len(families)))
			for i := range codes {
				c, err := code(i)
				if err != nil {
					b.Fatal(err)
				}
				codes[i] = c
			}
			latencies(b, clients, func(i int) (*http.Request, error) {
				c, err := "", error(nil)
				if i < len(codes) {
					c = codes[i]
				} else if c, err = code(i); err != nil {
					return nil, err
				}
				body := fmt.Sprintf(`{"id":"b%d-%d-%d","iin":"%s","code":"%s","amount":"1.00"}`, clients, b.N, i,
					families[i%len(families)], c)
				req, err := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/wallet/purchases", strings.NewReader(body))
				if err != nil {
					return nil, err
				}
				for h := 0; h < len(key); h += 2 {
					req.Header.Set(key[h], key[h+1])
				}
				req.Header.Set("Content-Type", "application/json")
				return req, nil
			})
		})
	}
}

// latencies sends b.N requests from clients goroutines, each on its own
// keep-alive connection, and reports the answers' p50 and p99 and the
// share shed with 503 (not counted in the latencies). Any other status
// than 200 fails the benchmark.
func latencies(b *testing.B, clients int, request func(i int) (*http.Request, error)) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	took := make([]time.Duration, b.N)
	var next, shed atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	b.ResetTimer()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= b.N {
					return
				}
				req, err := request(i)
				if err != nil {
					failed.Store(err)
					return
				}
				start := time.Now()
				resp, err := client.Do(req)
				took[i] = time.Since(start)
				if err == nil {
					resp.Body.Close()
					switch resp.StatusCode {
					case http.StatusOK:
					case http.StatusServiceUnavailable:
						shed.Add(1)
						took[i] = -1
					default:
						err = fmt.Errorf("request %d: status %d", i, resp.StatusCode)
					}
				}
				if err != nil {
					failed.Store(err)
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	slices.Sort(took)
	took = took[shed.Load():]
	b.ReportMetric(float64(shed.Load())*100/float64(b.N), "%shed")
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}
