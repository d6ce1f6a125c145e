package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

func TestPlainLines(t *testing.T) {
	var buf bytes.Buffer
	b := New(&buf, "ingest", 100)
	b.every = 0
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 25; j++ {
				b.Add(1)
			}
		}()
	}
	wg.Wait()
	b.Finish()
	b.Finish()
	out := buf.String()
	if strings.Contains(out, "\r") {
		t.Fatalf("non-terminal output has carriage returns: %q", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "ingest: 100/100 (100%)") || !strings.Contains(last, " in ") {
		t.Fatalf("last line = %q", last)
	}
	if strings.Count(out, " in ") != 1 {
		t.Fatalf("Finish drew twice: %q", out)
	}
}

func TestNilWriter(t *testing.T) {
	b := New(nil, "x", 1)
	b.Add(1)
	b.Finish()
	var nb *Bar
	nb.Add(1)
	nb.Finish()
}
