package benefits

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Calculate reads situations from r (one JSON object, or NDJSON) and
// calls emit with one Result per situation, in input order. A situation
// that cannot be read gives a Result whose Err names its id (or line)
// and field, and the batch goes on. failed counts the situations that
// could not be read or had a programme that could not be decided.
func (e *Engine) Calculate(r io.Reader, emit func(Result) error) (failed int, err error) {
	err = ReadSituations(r, func(s Situation, perr error) error {
		var res Result
		if perr != nil {
			res = Result{ID: s.ID, Err: perr.Error(), Programmes: []Decision{}}
		} else {
			res = e.Decide(&s)
		}
		if res.Failed() {
			failed++
		}
		return emit(res)
	})
	return failed, err
}

// Failed reports whether the situation or one of its programmes could
// not be decided.
func (r Result) Failed() bool {
	if r.Err != "" {
		return true
	}
	for _, d := range r.Programmes {
		if d.Err != "" {
			return true
		}
	}
	return false
}

// WriteTable writes results as a plain English table for people at a
// terminal: one line per programme.
func WriteTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SITUATION\tDATE\tPROGRAMME\tELIGIBLE\tAMOUNT\tPERIOD\tNOTE")
	for _, r := range results {
		if r.Err != "" {
			fmt.Fprintf(tw, "%s\t\t\t\t\t\terror: %s\n", orDash(r.ID), oneLine(r.Err))
			continue
		}
		for _, d := range r.Programmes {
			el, note := "no", ""
			if d.Eligible {
				el = "yes"
			}
			if d.Err != "" {
				el, note = "-", "error: "+oneLine(d.Err)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", orDash(r.ID), r.Date, d.Programme, el, formatMoney(d.Amount, "en"), d.Period, note)
		}
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", "; ") }
