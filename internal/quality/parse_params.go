package quality

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ortaq/ortaq/internal/yamlerr"
)

// param reads one key of a check into c.
func (p *parser) param(c *Check, key string, v *yaml.Node, ctx string) {
	switch key {
	case "kind":
	case "name":
		c.Name = p.code(v, ctx, key)
	case "description":
		c.Description, _ = p.str(v, ctx, key)
	case "severity":
		c.Severity = p.option(v, ctx, key, []string{SeverityError, SeverityWarning, SeverityInfo})
	case "dimension":
		c.Dimension = p.option(v, ctx, key, []string{Completeness, Validity, Uniqueness, Consistency, Timeliness, Integrity})
	case "field":
		c.Field = p.code(v, ctx, key)
	case "fields":
		c.Fields = p.codes(v, ctx, key)
	case "register_fields":
		c.RegisterFields = p.codes(v, ctx, key)
	case "register":
		c.Register = p.codes(v, ctx, key)
	case "attribute":
		c.Attribute = p.code(v, ctx, key)
	case "key":
		c.Key = p.code(v, ctx, key)
	case "after":
		c.After = p.code(v, ctx, key)
	case "person":
		c.Person = p.code(v, ctx, key)
	case "by":
		c.By = p.code(v, ctx, key)
	case "values":
		if v.Kind != yaml.SequenceNode {
			p.errorf(v, ctx, "values: expected a list")
			return
		}
		c.Values, _ = p.strList(v, ctx, key)
		if len(c.Values) == 0 {
			p.errorf(v, ctx, "values: an empty list would reject every value")
		}
	case "min", "max":
		if c.Kind == "group_size" {
			c.MaxCount = p.count(v, ctx, key)
			return
		}
		s, _ := p.str(v, ctx, key)
		if _, ok := parseBound(s); !ok {
			p.errorf(v, ctx, "%s %q: expected a number, a date YYYY-MM-DD or today", key, s)
		}
		if key == "min" {
			c.Min = s
		} else {
			c.Max = s
		}
	case "match", "not_match":
		s, ok := p.str(v, ctx, key)
		if !ok {
			return
		}
		re, err := regexp.Compile(s)
		if err != nil {
			p.errorf(v, ctx, "%s: %v", key, err)
			return
		}
		if key == "match" {
			c.Match = re
		} else {
			c.NotMatch = re
		}
	case "want":
		opts := []string{"title", "upper", "lower"}
		if c.Kind == "script" {
			opts = []string{"cyrillic", "latin"}
		}
		c.Want = p.option(v, ctx, key, opts)
	case "max_years":
		c.MaxYears = p.limit(v, ctx, key)
	case "max_age":
		s, _ := p.str(v, ctx, key)
		d, err := parseAge(s)
		if err != nil {
			p.errorf(v, ctx, "max_age %q: %v", s, err)
		}
		c.MaxAge = d
	case "since":
		c.Since = p.option(v, ctx, key, []string{"observed", "run"})
	case "max_change":
		var f float64
		if v.Kind != yaml.ScalarNode || v.Decode(&f) != nil || f <= 0 {
			p.errorf(v, ctx, "max_change: expected a positive fraction such as 0.5 (50%%)")
		}
		c.MaxChange = f
	case "where":
		c.Where = p.where(v, ctx)
	}
}

// parseAge reads a duration in days (30d), weeks (2w) or Go's units (36h).
func parseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if d, err := strconv.Atoi(n); err == nil && d > 0 {
			return time.Duration(d) * 24 * time.Hour, nil
		}
	}
	if n, ok := strings.CutSuffix(s, "w"); ok {
		if d, err := strconv.Atoi(n); err == nil && d > 0 {
			return time.Duration(d) * 7 * 24 * time.Hour, nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("expected a positive duration such as 30d, 2w or 36h")
}

// limit reads a number, or {by: attr, values: {value: number}, default: number}.
func (p *parser) limit(n *yaml.Node, ctx, key string) *Limit {
	l := &Limit{}
	if n.Kind == yaml.ScalarNode {
		l.Default, l.HasDefault = p.number(n, ctx, key), true
		return l
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, ctx, "%s: expected a number or {by: attribute, values: {value: number}}", key)
		return l
	}
	kctx := ctx + ": " + key
	p.mapping(n, kctx, []string{"by", "values", "default"}, func(k string, kn, v *yaml.Node) {
		switch k {
		case "by":
			l.By = p.code(v, kctx, k)
		case "default":
			l.Default, l.HasDefault = p.number(v, kctx, k), true
		case "values":
			l.Values = map[string]float64{}
			p.mapping(v, kctx+": values", nil, func(val string, kn, v *yaml.Node) {
				l.Values[val] = p.number(v, kctx+": values", val)
			})
		}
	})
	if l.Values != nil && l.By == "" {
		p.errorf(n, kctx, "values: needs by: (the attribute whose value selects the limit)")
	}
	if l.By != "" && l.Values == nil {
		p.errorf(n, kctx, "by: needs values:")
	}
	return l
}

// where reads {attribute: value} or {attribute: [values]}.
func (p *parser) where(n *yaml.Node, ctx string) []Cond {
	var out []Cond
	p.mapping(n, ctx+": where", nil, func(attr string, k, v *yaml.Node) {
		vals, ok := p.strList(v, ctx+": where", attr)
		if ok && len(vals) == 0 {
			vals = []string{""} // attr: null or ~ means "is empty"
		}
		out = append(out, Cond{Attr: attr, Values: vals})
	})
	return out
}

func (p *parser) number(n *yaml.Node, ctx, key string) float64 {
	var f float64
	if n.Kind != yaml.ScalarNode || n.Decode(&f) != nil || f < 0 {
		p.errorf(n, ctx, "%s: expected a number", key)
	}
	return f
}

func (p *parser) count(n *yaml.Node, ctx, key string) int {
	var i int
	if n.Kind != yaml.ScalarNode || n.Decode(&i) != nil || i < 1 {
		p.errorf(n, ctx, "%s: expected a whole number from 1", key)
	}
	return i
}

// option reads a string that must be one of opts.
func (p *parser) option(n *yaml.Node, ctx, key string, opts []string) string {
	s, ok := p.str(n, ctx, key)
	if !ok {
		return ""
	}
	if !slices.Contains(opts, s) {
		msg := fmt.Sprintf("%s: unknown value %q (want %s)", key, s, strings.Join(opts, ", "))
		if m := yamlerr.Suggest(s, opts); m != "" {
			msg += fmt.Sprintf("; did you mean %q?", m)
		}
		p.errorf(n, ctx, "%s", msg)
		return ""
	}
	return s
}

var codePattern = regexp.MustCompile(`^[a-z0-9_]+$`)

// code reads a source or attribute name, which sources.yaml restricts to
// [a-z0-9_]+.
func (p *parser) code(n *yaml.Node, ctx, key string) string {
	s, ok := p.str(n, ctx, key)
	if ok && !codePattern.MatchString(s) {
		p.errorf(n, ctx, "%s %q: expected a name of the form [a-z0-9_]+", key, s)
	}
	return s
}

func (p *parser) codes(n *yaml.Node, ctx, key string) []string {
	list, _ := p.strList(n, ctx, key)
	for _, s := range list {
		if !codePattern.MatchString(s) {
			p.errorf(n, ctx, "%s %q: expected names of the form [a-z0-9_]+", key, s)
		}
	}
	if len(list) == 0 {
		p.errorf(n, ctx, "%s: expected a name or a list of names", key)
	}
	return list
}

// str reads a scalar.
func (p *parser) str(n *yaml.Node, ctx, key string) (string, bool) {
	if n.Kind != yaml.ScalarNode || yamlerr.IsNull(n) {
		p.errorf(n, ctx, "%s: expected a string", key)
		return "", false
	}
	return n.Value, true
}

// strList reads a string or a list of strings; null reads as no strings.
func (p *parser) strList(n *yaml.Node, ctx, key string) ([]string, bool) {
	switch {
	case yamlerr.IsNull(n):
		return nil, true
	case n.Kind == yaml.ScalarNode:
		return []string{n.Value}, true
	case n.Kind == yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, e := range n.Content {
			e = yamlerr.Deref(e)
			if e.Kind != yaml.ScalarNode || yamlerr.IsNull(e) {
				p.errorf(e, ctx, "%s: expected a string or a list of strings", key)
				return out, false
			}
			out = append(out, e.Value)
		}
		return out, true
	}
	p.errorf(n, ctx, "%s: expected a string or a list of strings", key)
	return nil, false
}

func (p *parser) mapping(n *yaml.Node, ctx string, known []string, fn func(key string, k, v *yaml.Node)) {
	p.errs.Mapping(n, ctx, known, fn)
}

// lookupNode returns the value of key in mapping n, or nil.
func lookupNode(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := yamlerr.Deref(n.Content[i]); k.Kind == yaml.ScalarNode && k.Value == key {
			return yamlerr.Deref(n.Content[i+1])
		}
	}
	return nil
}
