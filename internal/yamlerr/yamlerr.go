// Package yamlerr collects the mistakes found in a YAML configuration file
// (sources.yaml, quality.yaml) so that a reader sees all of them at once, in
// file order, each as "file:line: problem", the form editors and CI logs
// link to.
package yamlerr

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ortaq/ortaq/internal/textsim"
)

// Error is one mistake in a file.
type Error struct {
	File string
	Line int    // 1-based; 0 when the mistake concerns the whole file
	Msg  string // key path and problem, e.g. `source "x": field "y": unknown type "dat"`
}

// Error formats the mistake as "file:line: key path: problem".
func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// List gathers the mistakes of one file.
type List struct {
	File string
	Errs []*Error
}

// At records a mistake at node n (its line; 0 when n is nil), after the key
// path ctx when ctx is not "".
func (l *List) At(n *yaml.Node, ctx, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	l.AtLine(line, ctx, format, args...)
}

// AtLine records a mistake at a line.
func (l *List) AtLine(line int, ctx, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if ctx != "" {
		msg = ctx + ": " + msg
	}
	l.Errs = append(l.Errs, &Error{File: l.File, Line: line, Msg: msg})
}

var (
	yamlLineError     = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlParserProblem = regexp.MustCompile(`^did not find expected (key|node content|'-' indicator|',' or|<document start>)`)
)

// YAML records an error of yaml.v3, turning its "yaml: line N: msg" into
// the file:line form. For parser (not scanner) errors yaml.v3 prints the
// 0-based line of the construct being parsed, one less than the line an
// editor shows; those are the messages about a missing key, node, indicator
// or closing bracket.
func (l *List) YAML(err error) {
	msg := err.Error()
	if m := yamlLineError.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if yamlParserProblem.MatchString(m[2]) {
			line++
		}
		l.Errs = append(l.Errs, &Error{File: l.File, Line: line, Msg: m[2]})
		return
	}
	l.Errs = append(l.Errs, &Error{File: l.File, Msg: strings.TrimPrefix(msg, "yaml: ")})
}

// Err joins the mistakes in file order (checks run key by key, some after
// the walk), or returns nil when there are none.
func (l *List) Err() error {
	if len(l.Errs) == 0 {
		return nil
	}
	slices.SortStableFunc(l.Errs, func(a, b *Error) int { return a.Line - b.Line })
	errs := make([]error, len(l.Errs))
	for i, e := range l.Errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// Suggest returns the known word within two edits of w, if any, for "did
// you mean" hints.
func Suggest(w string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := textsim.OSA(w, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// Deref follows an alias (*name) to the node it names.
func Deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// IsNull reports whether n is an explicit null ("key:" with nothing after).
func IsNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// Mapping calls fn for each key of mapping n in order, aliases followed.
// Keys must be unique scalars; with known not nil, any other key is a
// mistake reported with the nearest known key, or the list of them, because
// a misspelt key would silently disable what it was meant to say.
func (l *List) Mapping(n *yaml.Node, ctx string, known []string, fn func(key string, k, v *yaml.Node)) {
	n = Deref(n)
	if n.Kind != yaml.MappingNode {
		l.At(n, ctx, "expected a mapping")
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := Deref(n.Content[i]), Deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			l.At(k, ctx, "keys must be plain strings")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			l.At(k, ctx, "key %q appears twice (first at line %d)", k.Value, first)
			continue
		}
		seen[k.Value] = k.Line
		if known != nil && !slices.Contains(known, k.Value) {
			if s := Suggest(k.Value, known); s != "" {
				l.At(k, ctx, "unknown key %q (did you mean %q?)", k.Value, s)
			} else {
				l.At(k, ctx, "unknown key %q (known keys: %s)", k.Value, strings.Join(known, ", "))
			}
			continue
		}
		fn(k.Value, k, v)
	}
}
