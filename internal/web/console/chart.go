package console

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// Charts are inline SVG drawn here, on the server: the pages run no script,
// print as they look, and a screen reader gets the numbers from the label.

// trend is a score history ready for the "trend" and "spark" templates:
// coordinates in the SVG's own units, labels in the reader's language.
type trend struct {
	W, H   int
	Line   string // the path through the points
	Area   string // the same path closed down to the bottom edge
	LastX  float64
	LastY  float64
	Grid   []gridLine
	First  string // the first run's date
	Last   string // the last run's date
	Points int
	// Label says in words what the chart shows, for screen readers and
	// the tooltip.
	Label string
}

// gridLine is a horizontal rule with its score.
type gridLine struct {
	Y     float64
	Label string
}

// Chart margins, in SVG units, leave room for the axis labels of the large
// chart; the sparkline uses the whole box.
const (
	chartLeft   = 34
	chartRight  = 8
	chartTop    = 8
	chartBottom = 20
)

// newTrend lays out history (oldest first) in a w×h box. With labels, it
// keeps margins for the score and date labels. dates maps quality run ids to
// when they ran.
func newTrend(l view.Locale, history []store.Score, dates map[int64]time.Time, w, h int, labels bool) trend {
	t := trend{W: w, H: h, Points: len(history)}
	if len(history) == 0 {
		return t
	}
	left, right, top, bottom := 2.0, 2.0, 2.0, 2.0
	if labels {
		left, right, top, bottom = chartLeft, chartRight, chartTop, chartBottom
	}
	lo, hi := scoreRange(history)
	x := func(i int) float64 {
		if len(history) == 1 {
			return float64(w) - right
		}
		return left + (float64(w)-left-right)*float64(i)/float64(len(history)-1)
	}
	y := func(v float64) float64 {
		return top + (float64(h)-top-bottom)*(hi-v)/(hi-lo)
	}
	var line strings.Builder
	for i, sc := range history {
		if i == 0 {
			line.WriteByte('M')
		} else {
			line.WriteByte('L')
		}
		line.WriteString(coord(x(i)) + "," + coord(y(sc.Score)))
	}
	if len(history) == 1 {
		// One run is a point; a short level stroke makes it visible.
		line.WriteString("L" + coord(x(0)-6) + "," + coord(y(history[0].Score)))
	}
	t.Line = line.String()
	t.Area = t.Line + "L" + coord(x(len(history)-1)) + "," + coord(float64(h)-bottom) +
		"L" + coord(x(0)) + "," + coord(float64(h)-bottom) + "Z"
	last := history[len(history)-1]
	t.LastX, t.LastY = x(len(history)-1), y(last.Score)
	if labels {
		for _, v := range []float64{lo, (lo + hi) / 2, hi} {
			t.Grid = append(t.Grid, gridLine{Y: y(v), Label: l.Dec(v, 0)})
		}
		t.First, t.Last = l.Date(dates[history[0].RunID]), l.Date(dates[last.RunID])
	}
	t.Label = l.F("chart.label", l.N(len(history)), l.Dec(history[0].Score, 1), l.Dec(last.Score, 1))
	return t
}

// scoreRange is the vertical extent of a chart: the scores with a little
// air, on round numbers, at least ten points tall and within 0..100, so
// that a change of half a point does not look like a collapse.
func scoreRange(history []store.Score) (lo, hi float64) {
	lo, hi = 100, 0
	for _, sc := range history {
		lo, hi = math.Min(lo, sc.Score), math.Max(hi, sc.Score)
	}
	lo = math.Max(0, math.Floor((lo-2)/5)*5)
	hi = math.Min(100, math.Ceil((hi+2)/5)*5)
	for hi-lo < 10 {
		if hi < 100 {
			hi = math.Min(100, hi+5)
		} else {
			lo -= 5
		}
	}
	return lo, hi
}

func coord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// bar is a horizontal share drawn as an SVG of width 100: Fill is the
// share in percent.
type bar struct {
	Fill  float64
	Class string // good, warn or bad: the colour
}

// passBar draws a check's pass rate: green from 99 %, amber from 90 %,
// red below.
func passBar(failed, total int) bar {
	if total <= 0 {
		return bar{Fill: 100, Class: "good"}
	}
	rate := 100 * (1 - math.Min(1, float64(failed)/float64(total)))
	b := bar{Fill: rate, Class: "bad"}
	switch {
	case rate >= 99:
		b.Class = "good"
	case rate >= 90:
		b.Class = "warn"
	}
	return b
}

// shareBar draws n as a share of max, in the neutral colour.
func shareBar(n, max int) bar {
	if max <= 0 {
		return bar{}
	}
	return bar{Fill: 100 * float64(n) / float64(max), Class: "share"}
}
