package quality

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ortaq/ortaq/internal/yamlerr"
)

// Error is one mistake in a quality.yaml, or in its fit to the data (an
// unknown source or attribute). Parse, LoadFile and Run report every
// mistake found at once, joined with errors.Join; errors.As finds the first.
type Error = yamlerr.Error

// LoadFile reads and parses the checks at path.
func LoadFile(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load quality checks: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads checks from r; path names the file in errors. Either every
// check is well formed and the config is returned, or the error lists every
// problem with its line. Whether the sources and attributes exist is
// checked later, against the data (Validate).
func Parse(r io.Reader, path string) (*Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read quality checks %s: %w", path, err)
	}
	p := &parser{errs: yamlerr.List{File: cmp.Or(path, "quality.yaml")}}
	c := p.document(data)
	if err := p.errs.Err(); err != nil {
		return nil, err
	}
	c.Path = path
	return c, nil
}

type parser struct {
	errs yamlerr.List
}

func (p *parser) errorf(n *yaml.Node, ctx, format string, args ...any) {
	p.errs.At(n, ctx, format, args...)
}

func (p *parser) errorAt(line int, ctx, format string, args ...any) {
	p.errs.AtLine(line, ctx, format, args...)
}

func (p *parser) yamlError(err error) { p.errs.YAML(err) }

func (p *parser) document(data []byte) *Config {
	c := &Config{}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if err == io.EOF {
			p.errorf(nil, "", "empty file: expected a mapping with sources:")
		} else {
			p.yamlError(err)
		}
		return c
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	root = yamlerr.Deref(root)
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "", "expected a mapping with sources:")
		return c
	}
	found := false
	p.mapping(root, "", []string{"as_of", "all_sources", "sources"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "as_of":
			if s, ok := p.str(v, "", key); ok && s != "" {
				t, err := time.Parse(time.DateOnly, s)
				if err != nil {
					p.errorf(v, "", "as_of %q: expected a date YYYY-MM-DD", s)
				}
				c.AsOf = t
			}
		case "all_sources":
			found = true
			c.All = p.checks(v, "all_sources")
		case "sources":
			found = true
			c.Sources = p.sources(v)
		}
	})
	if !found {
		p.errorf(root, "", "missing sources: (a mapping of source name to its list of checks)")
	}
	for _, sc := range c.Sources {
		for _, ch := range sc.Checks {
			for _, a := range c.All {
				if a.Name == ch.Name {
					p.errorAt(ch.Line, fmt.Sprintf("source %q", sc.Source),
						"check %q is also in all_sources (line %d); give one a name:", ch.Name, a.Line)
				}
			}
		}
	}
	return c
}

func (p *parser) sources(n *yaml.Node) []SourceChecks {
	if yamlerr.IsNull(n) {
		return nil
	}
	var out []SourceChecks
	p.mapping(n, "sources", nil, func(name string, k, v *yaml.Node) {
		out = append(out, SourceChecks{Source: name, Line: k.Line, Checks: p.checks(v, fmt.Sprintf("source %q", name))})
	})
	return out
}

// checks reads a list of checks whose names must be unique.
func (p *parser) checks(n *yaml.Node, ctx string) []Check {
	n = yamlerr.Deref(n)
	switch {
	case yamlerr.IsNull(n):
		return nil
	case n.Kind != yaml.SequenceNode:
		p.errorf(n, ctx, "expected a list of checks")
		return nil
	}
	var out []Check
	seen := map[string]int{}
	for i, e := range n.Content {
		c, ok := p.check(yamlerr.Deref(e), fmt.Sprintf("%s: check #%d", ctx, i+1))
		if !ok {
			continue
		}
		if first, dup := seen[c.Name]; dup {
			p.errorf(e, ctx, "two checks named %q (first at line %d); give one a name:", c.Name, first)
			continue
		}
		seen[c.Name] = c.Line
		out = append(out, c)
	}
	return out
}

// check reads one check: its kind first, because the kind decides which
// other keys are allowed.
func (p *parser) check(n *yaml.Node, ctx string) (Check, bool) {
	c := Check{Line: n.Line}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, ctx, "expected a mapping such as {kind: missing, field: national_id}")
		return c, false
	}
	kn := lookupNode(n, "kind")
	if kn == nil {
		p.errorf(n, ctx, "missing kind (one of %s)", strings.Join(kindNames(), ", "))
		return c, false
	}
	name, ok := p.str(kn, ctx, "kind")
	if !ok {
		return c, false
	}
	k := kinds[name]
	if k == nil {
		msg := fmt.Sprintf("unknown kind %q", name)
		if s := yamlerr.Suggest(name, kindNames()); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else {
			msg += " (want one of " + strings.Join(kindNames(), ", ") + ")"
		}
		p.errorf(kn, ctx, "%s", msg)
		return c, false
	}
	c.Kind = name
	ctx = fmt.Sprintf("%s (%s)", ctx, name)
	known := append(slices.Clone(commonKeys), k.params...)
	if k.records {
		known = append(known, "where")
	}
	before := len(p.errs.Errs)
	p.mapping(n, ctx, known, func(key string, kn, v *yaml.Node) {
		p.param(&c, key, v, ctx)
	})
	for _, req := range k.required {
		if !slices.ContainsFunc(req, func(key string) bool { return lookupNode(n, key) != nil }) {
			p.errorf(n, ctx, "missing %s", strings.Join(req, " or "))
		}
	}
	if c.Field != "" && len(c.Fields) > 0 {
		p.errorf(n, ctx, "give field or fields, not both")
	}
	if c.Match != nil && c.NotMatch != nil {
		p.errorf(n, ctx, "give match or not_match, not both")
	}
	if lo, ok := parseBound(c.Min); ok && c.Max != "" {
		if hi, ok := parseBound(c.Max); ok && lo.isDate != hi.isDate {
			p.errorf(n, ctx, "min and max must both be numbers or both dates")
		}
	}
	if c.Name == "" {
		c.Name = c.defaultName()
	}
	return c, len(p.errs.Errs) == before
}
