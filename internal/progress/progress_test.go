package progress

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
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

// TestLinePerStage: off a terminal, each stage, counted or not, draws a
// line when it starts and one when it ends, and nothing in between while
// it runs for less than the throttle.
func TestLinePerStage(t *testing.T) {
	var buf bytes.Buffer
	read := New(&buf, "read records", 10)
	read.Add(10)
	read.Finish()
	train := Stage(&buf, "train model")
	train.Finish()
	store := New(&buf, "store entities", 0)
	store.Add(3)
	store.Finish()
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	want := []string{
		"read records: 0/10 (0%)",
		"read records: 10/10 (100%) ",
		"train model...",
		"train model: done in ",
		"store entities: 0",
		"store entities: 3 ",
	}
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), buf.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("line %d = %q; want it to start %q", i+1, got[i], w)
		}
	}
	if strings.ContainsAny(buf.String(), "\r\033") {
		t.Errorf("non-terminal output has terminal controls: %q", buf.String())
	}
}

// TestSteps: each step's bar names its place in the run, and the run
// counts the units of every step.
func TestSteps(t *testing.T) {
	var buf bytes.Buffer
	s := NewSteps(&buf, "source", 2, 6)
	for _, name := range []string{"population", "health"} {
		b := s.NextBytes("ingest "+name, 3)
		if _, err := io.ReadAll(Reader(strings.NewReader("abc"), b)); err != nil {
			t.Fatal(err)
		}
		b.Finish()
	}
	out := buf.String()
	for _, want := range []string{"ingest population (source 1 of 2): 0 B/3 B (0%)\n", "ingest health (source 2 of 2): 3 B/3 B (100%) "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := s.done.Load(); n != 6 {
		t.Errorf("run counted %d bytes, want 6", n)
	}
	var none *Steps
	b := none.NextBytes("x", 1)
	b.Add(1)
	b.Finish()
	NewSteps(nil, "source", 1, 1).NextBytes("x", 1).Finish()
}

func TestEstimate(t *testing.T) {
	tests := []struct {
		done, total int64
		elapsed     time.Duration
		want        time.Duration
	}{
		{50, 100, 10 * time.Second, 10 * time.Second},
		{75, 100, 3 * time.Second, time.Second},
		{99, 100, 10 * time.Second, time.Second}, // never "about 0s"
		{1, 100, time.Second, -1},                // too early to tell
		{0, 100, 10 * time.Second, -1},
		{100, 100, 10 * time.Second, -1}, // done: what is left cannot be counted
		{5, 0, 10 * time.Second, -1},     // total unknown
	}
	for _, tt := range tests {
		if got := estimate(tt.done, tt.total, tt.elapsed); got != tt.want {
			t.Errorf("estimate(%d, %d, %s) = %s; want %s", tt.done, tt.total, tt.elapsed, got, tt.want)
		}
	}
}

// TestTerminalRedraws: on a terminal a stage that adds nothing is still
// redrawn, so it never looks hung, and stops at Finish.
func TestTerminalRedraws(t *testing.T) {
	var buf bytes.Buffer
	b := (&Bar{w: &buf, label: "store entities", stage: true}).begin(true, 5*time.Millisecond)
	time.Sleep(60 * time.Millisecond)
	b.Finish()
	out := buf.String()
	if n := strings.Count(out, "\r\033[K"); n < 4 {
		t.Errorf("%d draws in 60ms at a 5ms period:\n%q", n, out)
	}
	last := out[strings.LastIndex(out, "\r\033[K")+len("\r\033[K"):]
	if !strings.HasPrefix(last, "store entities: done in ") || !strings.HasSuffix(last, "\n") {
		t.Errorf("last draw = %q; want the final line", last)
	}
	after := buf.Len()
	time.Sleep(20 * time.Millisecond)
	if buf.Len() != after {
		t.Errorf("drawn after Finish: %q", buf.String()[after:])
	}
}
