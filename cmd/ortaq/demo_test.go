package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
)

// freeAddr finds a loopback port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startDemo runs "ortaq demo" until the returned stop function is called,
// which cancels it (as Ctrl-C does) and returns run's error.
func startDemo(t *testing.T, args ...string) (base string, stop func() error) {
	t.Helper()
	return startDemoTo(t, io.Discard, args...)
}

// startDemoTo is startDemo printing the demo's output to out.
func startDemoTo(t *testing.T, out io.Writer, args ...string) (base string, stop func() error) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"demo", "--addr", addr}, args...), out) }()
	base = "http://" + addr
	deadline := time.Now().Add(120 * time.Second)
	for {
		resp, err := http.Get(base + "/api/v1/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("demo exited before serving: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("demo did not start serving within 120s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return base, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("demo did not shut down within 10s of cancellation")
			return nil
		}
	}
}

type apiSource struct {
	Name string `json:"name"`
	Live int    `json:"live"`
	Runs int    `json:"runs"`
}

// getSources lists the sources with the demo's API key, which the demo
// keeps in its data directory.
func getSources(t *testing.T, base, dir string) []apiSource {
	t.Helper()
	token, err := os.ReadFile(filepath.Join(dir, demoKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/sources", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Sources []apiSource `json:"sources"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("GET /api/v1/sources: %v", err)
	}
	return body.Sources
}

func TestDemoFirstAndSecondStart(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesises and ingests a small nation")
	}
	dir := t.TempDir()
	args := []string{"--db", "sqlite:" + filepath.Join(dir, "ortaq.db"), "--data", dir, "--people", "600"}

	var out syncBuffer
	base, stop := startDemoTo(t, &out, args...)
	first := getSources(t, base, dir)
	if len(first) < 8 {
		t.Fatalf("demo loaded %d sources; want the 8 agency extracts", len(first))
	}
	for _, s := range first {
		if s.Runs != 1 || s.Live == 0 {
			t.Errorf("source %s: %d runs, %d live records; want 1 run with data", s.Name, s.Runs, s.Live)
		}
	}
	resp, err := http.Get(base + "/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %v, %v", resp, err)
	}
	resp.Body.Close()
	merchantPays(t, base, dir, out.String())
	if err := stop(); err != nil {
		t.Fatalf("demo did not shut down cleanly: %v", err)
	}
	var verified strings.Builder
	if err := run(context.Background(), []string{"ledger", "verify", "--db", args[1]}, &verified); err != nil {
		t.Fatalf("ledger verify after the demo: %v\n%s", err, verified.String())
	}

	started := time.Now()
	base, stop = startDemo(t, args...)
	t.Logf("second start served after %v", time.Since(started))
	second := getSources(t, base, dir)
	for _, s := range second {
		if s.Runs != 1 {
			t.Errorf("second start ingested %s again (%d runs); want the data reused", s.Name, s.Runs)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a bytes.Buffer the demo writes to while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// merchantPays does what the demo tells an integrator to: the walk-through
// family makes a food code, and the grocery's till, with the merchant key
// the demo saved and the client it printed, takes part of its voucher.
func merchantPays(t *testing.T, base, dir, out string) {
	t.Helper()
	family := regexp.MustCompile(`social wallet: IIN (\d{12})`).FindStringSubmatch(out)
	client := regexp.MustCompile(`merchant: .*\n.*-H 'Ortaq-Client: ([^']+)'`).FindStringSubmatch(out)
	if family == nil || client == nil {
		t.Fatalf("the demo names no family or no merchant client:\n%s", out)
	}
	token, err := os.ReadFile(filepath.Join(dir, demoMerchantKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	st, err := openStore(context.Background(), "sqlite:"+filepath.Join(dir, "ortaq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	code, err := socialwallet.New(st, socialwallet.Options{}).NewPaymentCode(context.Background(), family[1], ledger.Food, 0)
	if err != nil {
		t.Fatal(err)
	}
	body := `{"id":"till-1","iin":"` + family[1] + `","code":"` + code.Code + `","amount":"100.00"}`
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/wallet/purchases", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	req.Header.Set("Ortaq-Client", client[1])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct{ Status, Amount string }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK ||
		got.Status != "approved" || got.Amount != "100.00" {
		t.Fatalf("the till's purchase: %d %+v %v", resp.StatusCode, got, err)
	}
}
