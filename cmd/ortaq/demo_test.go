package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"demo", "--addr", addr}, args...), io.Discard) }()
	base = "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
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
			t.Fatal("demo did not start serving within 60s")
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

	base, stop := startDemo(t, args...)
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
	if err := stop(); err != nil {
		t.Fatalf("demo did not shut down cleanly: %v", err)
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
