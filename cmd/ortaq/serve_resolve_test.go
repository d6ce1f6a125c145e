package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/synth"
)

// TestServeResolvesStoredRecords: with --resolve-every the server links
// health cards stored after it started, each woken by its run's event long
// before the interval comes round. The second card is stored once the first
// is linked, so only a wake can link it.
func TestServeResolvesStoredRecords(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Options{People: 200, Seed: 3, Out: dir}); err != nil {
		t.Fatal(err)
	}
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "o.db")
	st, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ids, err := ingest.Register(ctx, st, c)
	if err != nil {
		t.Fatal(err)
	}
	cards := c.Source("health_cards")
	raw, err := os.ReadFile(cards.File)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	header, held := lines[0], lines[len(lines)-2:]
	for _, src := range c.Sources {
		body, err := os.ReadFile(src.File)
		if err != nil {
			t.Fatal(err)
		}
		if src.Name == cards.Name {
			body = []byte(strings.Join(lines[:len(lines)-len(held)], "\n") + "\n")
		}
		if _, err := ingest.Extract(ctx, st, src, ids[src.Name], strings.NewReader(string(body)), src.File, source.ModeDelta); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
		t.Fatal(err)
	}

	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- run(sctx, []string{"serve", "--db", db, "--addr", freeAddr(t), "--resolve-every", "1h"}, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	for _, card := range held {
		if _, err := ingest.Extract(ctx, st, cards, ids[cards.Name], strings.NewReader(header+"\n"+card+"\n"), cards.File, source.ModeDelta); err != nil {
			t.Fatal(err)
		}
		ref := store.RecordRef{SourceID: ids[cards.Name], RecordID: strings.Split(card, ",")[0]}
		deadline := time.Now().Add(60 * time.Second)
		for {
			m, err := st.Membership(ctx, []store.RecordRef{ref})
			if err != nil {
				t.Fatal(err)
			}
			if m[ref] != "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server did not link card %s within 60s", ref.RecordID)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
