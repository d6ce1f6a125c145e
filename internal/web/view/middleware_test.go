package view

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPanicRecovery(t *testing.T) {
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })
	mux := http.NewServeMux()
	mux.HandleFunc("/boom", func(http.ResponseWriter, *http.Request) { panic("boom: secret detail") })
	mux.HandleFunc("/late", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("partial answer"))
		w.(http.Flusher).Flush()
		panic("late boom")
	})
	ts := httptest.NewServer(Chain(mux))
	defer ts.Close()

	res, err := http.Get(ts.URL + "/boom")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusInternalServerError || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("panic answered %d %s; want 500 problem+json", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if strings.Contains(string(body), "secret") {
		t.Errorf("problem leaks the panic value: %s", body)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("500 lacks the security headers")
	}
	if !strings.Contains(logs.String(), "boom: secret detail") || !strings.Contains(logs.String(), "goroutine") {
		t.Errorf("panic and stack not logged:\n%s", logs.String())
	}

	// After part of the answer is out, the only signal left is a cut connection.
	res, err = http.Get(ts.URL + "/late")
	if err == nil {
		_, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	if err == nil {
		t.Error("a panic after writing ended the answer cleanly; want it cut")
	}
}
