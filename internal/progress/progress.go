// Package progress shows how far long work has gone: a redrawn bar on a
// terminal, plain lines (at most one every few seconds) when output is a file
// or a pipe, so CI logs stay readable.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"
)

// Bar reports progress on one task. It is safe for concurrent use; Add is
// cheap enough for hot loops (an atomic add; drawing is throttled).
type Bar struct {
	w       io.Writer
	label   string
	total   int64
	tty     bool
	every   time.Duration
	start   time.Time
	bytes   bool // count bytes: shown in KiB/MiB/GiB
	done    atomic.Int64
	mu      sync.Mutex
	drawn   time.Time
	stopped bool
}

// New starts a bar on w for total units (0 when unknown). A nil w discards.
func New(w io.Writer, label string, total int64) *Bar {
	b := &Bar{w: w, label: label, total: total, start: time.Now(), every: 3 * time.Second}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b.tty, b.every = true, 100*time.Millisecond
	}
	return b
}

// NewBytes starts a bar that counts bytes, shown in binary units.
func NewBytes(w io.Writer, label string, total int64) *Bar {
	b := New(w, label, total)
	b.bytes = true
	return b
}

// Add records n more units done.
func (b *Bar) Add(n int64) {
	if b == nil || b.w == nil {
		return
	}
	b.done.Add(n)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped || time.Since(b.drawn) < b.every {
		return
	}
	b.draw(false)
}

// Finish draws the final state and ends the line.
func (b *Bar) Finish() {
	if b == nil || b.w == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped {
		return
	}
	b.stopped = true
	b.draw(true)
}

func (b *Bar) draw(final bool) {
	b.drawn = time.Now()
	done := b.done.Load()
	elapsed := time.Since(b.start)
	var line string
	if b.total > 0 {
		frac := min(float64(done)/float64(b.total), 1)
		if b.tty {
			const width = 30
			fill := int(frac * width)
			line = fmt.Sprintf("%s [%s%s] %3.0f%% %s/%s", b.label,
				strings.Repeat("=", fill), strings.Repeat(" ", width-fill), frac*100, b.amount(done), b.amount(b.total))
		} else {
			line = fmt.Sprintf("%s: %s/%s (%.0f%%)", b.label, b.amount(done), b.amount(b.total), frac*100)
		}
	} else {
		line = fmt.Sprintf("%s: %s", b.label, b.amount(done))
	}
	// A rate over the first instants is noise (a buffer read in microseconds).
	if elapsed >= time.Second || final {
		line += " " + b.amount(int64(float64(done)/max(elapsed.Seconds(), 1e-3))) + "/s"
	}
	if final {
		line += fmt.Sprintf(" in %s", elapsed.Round(time.Millisecond))
	}
	switch {
	case b.tty && final:
		fmt.Fprintf(b.w, "\r\033[K%s\n", line)
	case b.tty:
		fmt.Fprintf(b.w, "\r\033[K%s", line)
	default:
		fmt.Fprintln(b.w, line)
	}
}

// amount formats a count, or a size when the bar counts bytes.
func (b *Bar) amount(n int64) string {
	if !b.bytes {
		return fmt.Sprint(n)
	}
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB", "TiB"} {
		if v < unit {
			break
		}
		v, suffix = v/unit, s
	}
	return fmt.Sprintf("%.1f %s", v, suffix)
}

// Reader returns r counting every byte read on bar, for a bar over the
// bytes of one or several files. At the end of r, a bar whose total is
// reached ends its line at once, so that what the caller logs next starts
// on a line of its own; a bar shared by several files waits for the last.
func Reader(r io.Reader, bar *Bar) io.Reader { return &reader{r, bar} }

type reader struct {
	r   io.Reader
	bar *Bar
}

func (c *reader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.bar.Add(int64(n))
	if err == io.EOF && c.bar != nil && c.bar.total > 0 && c.bar.done.Load() >= c.bar.total {
		c.bar.Finish()
	}
	return n, err
}
