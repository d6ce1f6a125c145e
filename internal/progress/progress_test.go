package progress

import (
	"bytes"
	"io"
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
	if !strings.HasPrefix(last, "ingest: 100/100 (100%) ") || !strings.Contains(last, "/s in ") {
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

func TestBytes(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1536, "1.5 KiB"}, {38108285, "36.3 MiB"}, {5 << 30, "5.0 GiB"}}
	b := NewBytes(nil, "x", 0)
	for _, tt := range tests {
		if got := b.amount(tt.n); got != tt.want {
			t.Errorf("amount(%d) = %q; want %q", tt.n, got, tt.want)
		}
	}
	var buf bytes.Buffer
	b = NewBytes(&buf, "load", 2048)
	b.Add(1024)
	b.Finish()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "load: 1.0 KiB/2.0 KiB (50%) ") || !strings.HasSuffix(last, " in 0s") {
		t.Fatalf("bytes bar ends %q", last)
	}
}

// TestReaderFinishesAtTotal: a bar shared by two files ends its line at the
// end of the second, not of the first.
func TestReaderFinishesAtTotal(t *testing.T) {
	var buf bytes.Buffer
	b := NewBytes(&buf, "read", 6)
	for k, part := range []string{"abc", "def"} {
		if _, err := io.ReadAll(Reader(strings.NewReader(part), b)); err != nil {
			t.Fatal(err)
		}
		if finished := strings.Contains(buf.String(), " in "); finished != (k == 1) {
			t.Fatalf("after file %d: finished = %v, output %q", k+1, finished, buf.String())
		}
	}
}
