// Command exchangeload drives ortaq's exchange over real HTTPS with a client
// certificate (or an API key over plain HTTP) and prints what it measured:
// answered queries per second and latency percentiles, by HTTP status.
//
//	go run ./bench/exchangeload -url https://localhost:8443 -ca ca.crt -cert c.crt -key c.key \
//	    -client moh/health-cards -service person-basic -purpose medical-care -basis HC-art-60 \
//	    -keys iins.txt -c 64 -d 20s
//
// or, against a server started with "ortaq serve --tls-ca DIR" on a store
// with the demo registry, let it set itself up from the store: it picks a
// right to query with, issues and registers a client certificate for it
// from the CA in DIR, and samples the keys:
//
//	go run ./bench/exchangeload -url https://localhost:8443 -db sqlite:ortaq.db -ca-dir DIR
//
// Every query names a key in turn. The table goes to stdout; a
// line per second of progress goes to stderr.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/store"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "exchangeload:", err)
		os.Exit(1)
	}
}

type config struct {
	url, caFile, certFile, keyFile, token     string
	client, service, purpose, basis, keysFile string
	db, caDir                                 string
	liftLimit                                 bool
	concurrency                               int
	duration, warmup                          time.Duration
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	var c config
	fs := flag.NewFlagSet("exchangeload", flag.ContinueOnError)
	fs.StringVar(&c.url, "url", "https://localhost:8443", "server base URL")
	fs.StringVar(&c.caFile, "ca", "", "PEM file of the CA that signed the server certificate")
	fs.StringVar(&c.certFile, "cert", "", "client certificate (PEM)")
	fs.StringVar(&c.keyFile, "key", "", "client certificate's private key (PEM)")
	fs.StringVar(&c.token, "token", "", "API key to send instead of a client certificate")
	fs.StringVar(&c.client, "client", "", "Ortaq-Client header: MEMBER/SUBSYSTEM")
	fs.StringVar(&c.service, "service", "person-basic", "service code")
	fs.StringVar(&c.purpose, "purpose", "", "Ortaq-Purpose header")
	fs.StringVar(&c.basis, "basis", "", "Ortaq-Legal-Basis header")
	fs.StringVar(&c.keysFile, "keys", "", "file with one key (IIN) per line")
	fs.StringVar(&c.db, "db", "", "set up from this store: sample up to 100,000 IINs of living people, and with -ca-dir pick a right and issue a client certificate for it")
	fs.StringVar(&c.caDir, "ca-dir", "", "the platform CA's directory (ortaq ca init), for -db")
	fs.BoolVar(&c.liftLimit, "lift-rate-limit", false, "with -db, remove the querying member's rate limit first (the server rereads the registry within seconds)")
	fs.IntVar(&c.concurrency, "c", 64, "concurrent clients, each with its own keep-alive connection")
	fs.DurationVar(&c.duration, "d", 20*time.Second, "how long to measure")
	fs.DurationVar(&c.warmup, "warmup", 3*time.Second, "how long to run before measuring")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var keys []string
	var err error
	if c.db != "" {
		keys, err = setup(ctx, &c)
	} else {
		keys, err = readKeys(c.keysFile)
	}
	if err != nil {
		return err
	}
	hc, err := httpClient(c)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	res, err := load(ctx, c, hc, keys)
	if err != nil {
		return err
	}
	res.print(stdout, c)
	return nil
}

// setup reads keys, and with a CA the query's client, service, purpose
// and basis and a client certificate, from the store at c.db.
func setup(ctx context.Context, c *config) ([]string, error) {
	st, err := store.Open(ctx, c.db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	keys, err := st.SampleNationalIDs(ctx, 100000)
	if err != nil {
		return nil, err
	}
	keys = slices.DeleteFunc(keys, func(k string) bool { return !kz.ValidIIN(k) })
	if c.caDir == "" {
		return keys, nil
	}
	x, err := exchange.New(ctx, st, exchange.Options{})
	if err != nil {
		return nil, err
	}
	defer x.Close()
	right, basis, ok := x.ExampleRight()
	if !ok {
		return nil, errors.New("the store's registry has no right to query with; run 'ortaq exchange seed'")
	}
	if c.liftLimit {
		if err := liftRateLimit(ctx, x, right.Member); err != nil {
			return nil, err
		}
	}
	ca, err := exchange.LoadCA(c.caDir)
	if err != nil {
		return nil, err
	}
	certPEM, keyPEM, cert, err := ca.IssueClient(right.Member, right.Subsystem, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	if err := x.RegisterCert(ctx, cert); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "exchangeload-")
	if err != nil {
		return nil, err
	}
	c.certFile, c.keyFile, c.caFile = filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key"), filepath.Join(c.caDir, "ca.crt")
	if err := errors.Join(os.WriteFile(c.certFile, certPEM, 0o600), os.WriteFile(c.keyFile, keyPEM, 0o600)); err != nil {
		return nil, err
	}
	c.client, c.service, c.purpose, c.basis = right.Member+"/"+right.Subsystem, right.Service, right.Purpose, basis.Code
	slog.Info("set up", "client", c.client, "service", c.service, "purpose", c.purpose, "basis", c.basis, "keys", len(keys))
	return keys, nil
}

// liftRateLimit sets member's rate limit to none, so that the load
// measures the exchange rather than the limiter.
func liftRateLimit(ctx context.Context, x *exchange.Exchange, member string) error {
	for _, m := range x.Members() {
		if m.Code == member && m.RateLimit != 0 {
			m.RateLimit, m.Subsystems = 0, nil
			return x.PutMember(ctx, m)
		}
	}
	return nil
}

func readKeys(path string) ([]string, error) {
	if path == "" {
		return nil, errors.New("-keys or -db is required")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var keys []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k := strings.TrimSpace(sc.Text()); k != "" {
			keys = append(keys, k)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s: no keys", path)
	}
	return keys, nil
}

// httpClient keeps one connection per concurrent client, so that the
// measurement is of queries over established TLS sessions, as an agency's
// system would hold them, not of handshakes.
func httpClient(c config) (*http.Client, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.caFile != "" {
		pem, err := os.ReadFile(c.caFile)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no certificates", c.caFile)
		}
	}
	if c.certFile != "" {
		cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
		if err != nil {
			return nil, err
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	tr := &http.Transport{TLSClientConfig: tc, MaxIdleConns: c.concurrency, MaxIdleConnsPerHost: c.concurrency,
		MaxConnsPerHost: c.concurrency, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, nil
}

// results are what the measured window saw.
type results struct {
	elapsed   time.Duration
	latencies []time.Duration
	byStatus  map[int]int
	errors    map[string]int
}

func load(ctx context.Context, c config, hc *http.Client, keys []string) (*results, error) {
	var (
		measuring atomic.Bool
		next      atomic.Uint64
		done      atomic.Uint64
		mu        sync.Mutex
		res       = &results{byStatus: map[int]int{}, errors: map[string]int{}}
		wg        sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range c.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			status := map[int]int{}
			errs := map[string]int{}
			for ctx.Err() == nil {
				key := keys[next.Add(1)%uint64(len(keys))]
				start := time.Now()
				code, err := query(ctx, c, hc, key)
				d := time.Since(start)
				if !measuring.Load() || ctx.Err() != nil {
					continue
				}
				done.Add(1)
				if err != nil {
					errs[err.Error()]++
					continue
				}
				status[code]++
				lat = append(lat, d)
			}
			mu.Lock()
			defer mu.Unlock()
			res.latencies = append(res.latencies, lat...)
			for k, v := range status {
				res.byStatus[k] += v
			}
			for k, v := range errs {
				res.errors[k] += v
			}
		}()
	}
	select {
	case <-time.After(c.warmup):
	case <-ctx.Done():
	}
	measuring.Store(true)
	start := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	end := time.After(c.duration)
	for loop := true; loop; {
		select {
		case <-tick.C:
			n := done.Load()
			slog.Info("load", "elapsed", time.Since(start).Round(time.Second), "queries", n,
				"qps", int(float64(n)/time.Since(start).Seconds()))
		case <-end:
			loop = false
		case <-ctx.Done():
			loop = false
		}
	}
	res.elapsed = time.Since(start)
	cancel()
	wg.Wait()
	if len(res.latencies) == 0 {
		return nil, fmt.Errorf("no query answered; errors: %v", res.errors)
	}
	return res, nil
}

// query sends one exchange query and reads the whole answer.
func query(ctx context.Context, c config, hc *http.Client, key string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url+"/api/v1/exchange/"+c.service+"/"+key, nil)
	if err != nil {
		return 0, err
	}
	h := req.Header
	h.Set("Ortaq-Client", c.client)
	h.Set("Ortaq-Purpose", c.purpose)
	h.Set("Ortaq-Legal-Basis", c.basis)
	h.Set("Ortaq-User", "load-officer")
	h.Set("Ortaq-Request-Id", "load-"+key)
	if c.token != "" {
		h.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func (r *results) print(w io.Writer, c config) {
	slices.Sort(r.latencies)
	pct := func(p float64) string {
		i := int(p * float64(len(r.latencies)-1))
		return strconv.FormatFloat(float64(r.latencies[i].Microseconds())/1000, 'f', 2, 64)
	}
	n := len(r.latencies)
	fmt.Fprintf(w, "%-14s %6s %9s %9s %8s %8s %8s %8s %8s\n", "service", "conc", "queries", "qps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "errors")
	errs := 0
	for _, v := range r.errors {
		errs += v
	}
	fmt.Fprintf(w, "%-14s %6d %9d %9.0f %8s %8s %8s %8s %8d\n", c.service, c.concurrency, n,
		float64(n)/r.elapsed.Seconds(), pct(.5), pct(.9), pct(.99), pct(1), errs)
	codes := make([]int, 0, len(r.byStatus))
	for code := range r.byStatus {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		fmt.Fprintf(w, "  status %d: %d\n", code, r.byStatus[code])
	}
	for e, v := range r.errors {
		fmt.Fprintf(w, "  error %q: %d\n", e, v)
	}
}
