// Package progress shows how far long work has gone: a redrawn bar on a
// terminal, plain lines (at most one every few seconds) when output is a file
// or a pipe, so CI logs stay readable.
//
// Long work is a sequence of stages (read, compare, store, …), each a Bar:
// a bar counts units towards a total when the work can count them, and a
// Stage only says that it runs and for how long when it cannot (one big
// statement, a model being trained). Every bar draws itself when it starts
// and when it finishes, so a log shows a line per stage; on a terminal it
// is redrawn at least once a second while it runs, so that no stretch of
// work looks hung. Steps groups the bars of a run of similar steps (the
// sources of one ingest) and shows each one's place in the run and the time
// left for all of it.
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

// tick is how often a bar on a terminal is redrawn when nothing was added:
// the elapsed time moves, so the person watching sees the work is alive.
const tick = time.Second

// Bar reports progress on one task. It is safe for concurrent use; Add is
// cheap enough for hot loops (an atomic add; drawing is throttled).
//
// A bar on a terminal redraws itself from a goroutine of its own until
// Finish: the caller MUST call Finish (defer it) on every path.
type Bar struct {
	w       io.Writer
	label   string
	total   int64
	tty     bool
	every   time.Duration
	start   time.Time
	bytes   bool   // count bytes: shown in KiB/MiB/GiB
	stage   bool   // no count: lines show the label and the time only
	steps   *Steps // the run this bar is a step of, or nil
	done    atomic.Int64
	mu      sync.Mutex
	drawn   time.Time
	stopped bool
	quit    chan struct{} // closed by Finish: stops the terminal's redraws
}

// New starts a bar on w for total units (0 when unknown) and draws it. A
// nil w discards.
func New(w io.Writer, label string, total int64) *Bar {
	return start(&Bar{w: w, label: label, total: total})
}

// NewBytes starts a bar that counts bytes, shown in binary units.
func NewBytes(w io.Writer, label string, total int64) *Bar {
	return start(&Bar{w: w, label: label, total: total, bytes: true})
}

// Stage starts a stage of work that cannot count its progress: its lines
// say that it runs and, at its end, how long it took.
func Stage(w io.Writer, label string) *Bar {
	return start(&Bar{w: w, label: label, stage: true})
}

func start(b *Bar) *Bar {
	f, ok := b.w.(*os.File)
	return b.begin(ok && term.IsTerminal(int(f.Fd())), tick)
}

// begin draws the bar's first state and, on a terminal, redraws it every
// period until Finish.
func (b *Bar) begin(tty bool, period time.Duration) *Bar {
	b.start, b.every = time.Now(), 3*time.Second
	if b.w == nil {
		return b
	}
	if tty {
		b.tty, b.every = true, 100*time.Millisecond
	}
	b.mu.Lock()
	b.draw(false)
	b.mu.Unlock()
	if b.tty {
		b.quit = make(chan struct{})
		go b.redraw(period)
	}
	return b
}

// redraw keeps a terminal's bar moving while nothing is added.
func (b *Bar) redraw(period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-b.quit:
			return
		case <-t.C:
			b.mu.Lock()
			if !b.stopped && time.Since(b.drawn) >= period/2 {
				b.draw(false)
			}
			b.mu.Unlock()
		}
	}
}

// Add records n more units done.
func (b *Bar) Add(n int64) {
	if b == nil || b.w == nil {
		return
	}
	b.done.Add(n)
	if b.steps != nil {
		b.steps.done.Add(n)
	}
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
	if b.quit != nil {
		close(b.quit)
	}
	b.draw(true)
}

func (b *Bar) draw(final bool) {
	b.drawn = time.Now()
	done := b.done.Load()
	elapsed := time.Since(b.start)
	var line string
	switch {
	case b.stage && final:
		line = fmt.Sprintf("%s: done in %s", b.label, elapsed.Round(time.Millisecond))
	case b.stage:
		line = b.label + "..."
		if elapsed >= time.Second {
			line += " " + elapsed.Round(time.Second).String()
		}
	case b.total > 0:
		frac := min(float64(done)/float64(b.total), 1)
		if b.tty {
			const width = 30
			fill := int(frac * width)
			line = fmt.Sprintf("%s [%s%s] %3.0f%% %s/%s", b.label,
				strings.Repeat("=", fill), strings.Repeat(" ", width-fill), frac*100, b.amount(done), b.amount(b.total))
		} else {
			line = fmt.Sprintf("%s: %s/%s (%.0f%%)", b.label, b.amount(done), b.amount(b.total), frac*100)
		}
	default:
		line = fmt.Sprintf("%s: %s", b.label, b.amount(done))
	}
	if !b.stage {
		// A rate over the first instants is noise (a buffer read in microseconds).
		if elapsed >= time.Second || final {
			line += " " + b.amount(int64(float64(done)/max(elapsed.Seconds(), 1e-3))) + "/s"
		}
		if final {
			line += fmt.Sprintf(" in %s", elapsed.Round(time.Millisecond))
		} else if left := b.left(done, elapsed); left != "" {
			line += ", " + left
		} else if elapsed >= time.Second {
			line += ", " + elapsed.Round(time.Second).String() + " so far"
		}
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

// left estimates the time left: of the whole run for a step of one, of the
// bar otherwise; "" while there is too little to go by.
func (b *Bar) left(done int64, elapsed time.Duration) string {
	if s := b.steps; s != nil {
		if est := estimate(s.done.Load(), s.total, time.Since(s.start)); est >= 0 {
			return "about " + est.String() + " left in all"
		}
		return ""
	}
	if est := estimate(done, b.total, elapsed); est >= 0 {
		return "about " + est.String() + " left"
	}
	return ""
}

// minEstimate is how long work runs before its rate is believed.
const minEstimate = 2 * time.Second

// estimate projects the time left from the rate so far, rounded to the
// second (at least one); -1 when it cannot tell: too early, or every unit
// is done and what remains (a commit) cannot be counted.
func estimate(done, total int64, elapsed time.Duration) time.Duration {
	if total <= 0 || done <= 0 || done >= total || elapsed < minEstimate {
		return -1
	}
	left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
	return max(left.Round(time.Second), time.Second)
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

// Steps is a run of steps of one kind (the sources of an ingest), each with
// a bar of its own that names its place in the run ("source 3 of 8") and
// estimates the time left for the whole run from the units of every step
// together. A nil *Steps, or one on a nil writer, draws nothing.
type Steps struct {
	w     io.Writer
	noun  string
	n     int
	i     int
	total int64
	start time.Time
	done  atomic.Int64
}

// NewSteps starts a run of n steps called noun that count total units in all.
func NewSteps(w io.Writer, noun string, n int, total int64) *Steps {
	return &Steps{w: w, noun: noun, n: n, total: total, start: time.Now()}
}

// NextBytes starts the bar of the next step, which counts total bytes. Steps
// come one after the other: the caller finishes a step's bar before it
// starts the next.
func (s *Steps) NextBytes(label string, total int64) *Bar {
	if s == nil || s.w == nil {
		return nil
	}
	s.i++
	return start(&Bar{w: s.w, label: fmt.Sprintf("%s (%s %d of %d)", label, s.noun, s.i, s.n), total: total,
		bytes: true, steps: s})
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
