package resolve

import (
	"fmt"
	"io"
)

// WriteExplanation prints an explanation as a waterfall table: each
// comparison's level, the values compared, its weight in bits and the
// running total, then the final probability.
func WriteExplanation(w io.Writer, e Explanation) {
	fmt.Fprintf(w, "%s  ~  %s\n\n", e.Left, e.Right)
	fmt.Fprintf(w, "%-16s %-24s %-28s %-28s %8s %8s %9s\n", "comparison", "level", "left", "right", "bits", "tf", "total")
	fmt.Fprintf(w, "%-16s %-24s %-28s %-28s %8.2f %8s %9.2f\n", "prior", "", "", "", e.Prior, "", e.Prior)
	for _, t := range e.Terms {
		tf := ""
		if t.TF != 0 {
			tf = fmt.Sprintf("%+.2f", t.TF)
		}
		fmt.Fprintf(w, "%-16s %-24s %-28s %-28s %8.2f %8s %9.2f\n", t.Comparison, t.Level, clip(t.Left, 28), clip(t.Right, 28), t.Weight, tf, t.Cumulative)
		if t.Note != "" {
			fmt.Fprintf(w, "%-16s   (%s)\n", "", t.Note)
		}
	}
	fmt.Fprintf(w, "\nmatch weight %.2f bits, probability %.6f\n", e.Weight, e.Probability)
	if e.Conflict {
		fmt.Fprintln(w, "the records carry two different valid national ids: they are merged only on overwhelming evidence")
	}
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
