package wellbeing

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"io"
	"math/big"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/ortaq/ortaq/internal/yamlerr"
)

//go:embed default.yaml
var defaultYAML []byte

// Error is one mistake in a well-being configuration, as "file:line: key
// path: problem". Parse and LoadFile report every mistake at once, joined
// with errors.Join; errors.As finds the first.
type Error = yamlerr.Error

// DefaultYAML returns the embedded default configuration, the starting
// point for a published replacement.
func DefaultYAML() []byte { return slices.Clone(defaultYAML) }

var defaultModel = sync.OnceValues(func() (*Model, error) { return Parse(defaultYAML, "default.yaml") })

// Default returns the model of the embedded default.yaml. Its tests keep
// it valid, so a failure here is a build defect and panics.
func Default() *Model {
	m, err := defaultModel()
	if err != nil {
		panic("wellbeing: embedded default.yaml: " + err.Error())
	}
	return m
}

// LoadFile reads and parses the configuration at path.
func LoadFile(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load well-being config: %w", err)
	}
	return Parse(data, path)
}

// Parse reads a configuration; name is the file name errors show. Either
// the whole configuration is valid and a Model is returned, or the error
// lists every mistake with its line and key path.
func Parse(data []byte, name string) (*Model, error) {
	p := &parser{errs: yamlerr.List{File: cmp.Or(name, "wellbeing.yaml")}}
	m := p.document(data)
	if err := p.errs.Err(); err != nil {
		return nil, err
	}
	return m, nil
}

type parser struct {
	errs yamlerr.List
}

func (p *parser) errorf(n *yaml.Node, ctx, format string, args ...any) {
	p.errs.At(n, ctx, format, args...)
}

var topKeys = []string{"version", "poverty_cutoff", "ages", "dimensions", "indicators", "levels"}

func (p *parser) document(data []byte) *Model {
	m := &Model{}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if err == io.EOF {
			p.errorf(nil, "", "empty file: expected a mapping with %s", strings.Join(topKeys, ", "))
		} else {
			p.errs.YAML(err)
		}
		return m
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	root = yamlerr.Deref(root)
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "", "expected a mapping with %s", strings.Join(topKeys, ", "))
		return m
	}
	var dims, inds, levels *yaml.Node
	seen := map[string]bool{}
	p.errs.Mapping(root, "", topKeys, func(key string, k, v *yaml.Node) {
		seen[key] = true
		switch key {
		case "version":
			if n, ok := p.int(v, "version"); ok && n != 1 {
				p.errorf(v, "version", "%d: this build reads version 1", n)
			}
			m.Version = 1
		case "poverty_cutoff":
			m.Cutoff = p.rat(v, "poverty_cutoff", 1)
			if m.Cutoff != nil && m.Cutoff.Sign() == 0 {
				p.errorf(v, "poverty_cutoff", "0 would count every household as poor; want 0 < k ≤ 1")
			}
		case "ages":
			m.Ages = p.ages(v)
		case "dimensions":
			dims = v
		case "indicators":
			inds = v
		case "levels":
			levels = v
		}
	})
	for _, k := range topKeys {
		if !seen[k] {
			p.errorf(root, "", "missing %s", k)
		}
	}
	if dims != nil {
		m.Dimensions = p.dimensions(dims)
	}
	if inds != nil {
		m.Indicators = p.indicators(inds, m.Dimensions)
	}
	if levels != nil {
		m.Levels = p.levels(levels)
	}
	if len(p.errs.Errs) == 0 {
		p.compile(m, inds)
	}
	return m
}

func (p *parser) str(n *yaml.Node, ctx string) (string, bool) {
	n = yamlerr.Deref(n)
	if n.Kind != yaml.ScalarNode || yamlerr.IsNull(n) {
		p.errorf(n, ctx, "expected a value")
		return "", false
	}
	return n.Value, true
}

func (p *parser) int(n *yaml.Node, ctx string) (int, bool) {
	s, ok := p.str(n, ctx)
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		p.errorf(n, ctx, "%q: expected a whole number", s)
		return 0, false
	}
	return v, true
}

func (p *parser) bool(n *yaml.Node, ctx string) bool {
	s, ok := p.str(n, ctx)
	switch {
	case !ok:
	case s == "true":
		return true
	case s != "false":
		p.errorf(n, ctx, "%q: expected true or false", s)
	}
	return false
}

// rat reads a rational in [0, max]; nil after an error.
func (p *parser) rat(n *yaml.Node, ctx string, max int64) *big.Rat {
	s, ok := p.str(n, ctx)
	if !ok {
		return nil
	}
	r, err := parseRat(s, max)
	if err != nil {
		p.errorf(n, ctx, "%v", err)
		return nil
	}
	return r
}

var langs = []string{"kk", "ru", "en"}

// text reads {kk, ru, en}; all three are required, because every reader
// must see the same model in their language.
func (p *parser) text(n *yaml.Node, ctx string) Text {
	var t Text
	got := map[string]bool{}
	p.errs.Mapping(n, ctx, langs, func(key string, k, v *yaml.Node) {
		s, ok := p.str(v, ctx+"."+key)
		if !ok {
			return
		}
		if strings.TrimSpace(s) == "" {
			p.errorf(v, ctx+"."+key, "empty text")
			return
		}
		got[key] = true
		switch key {
		case "kk":
			t.KK = s
		case "ru":
			t.RU = s
		case "en":
			t.EN = s
		}
	})
	if yamlerr.Deref(n).Kind == yaml.MappingNode {
		for _, l := range langs {
			if !got[l] && lookup(n, l) == nil {
				p.errorf(n, ctx, "missing %s (texts are in kk, ru and en)", l)
			}
		}
	}
	return t
}

func lookup(n *yaml.Node, key string) *yaml.Node {
	n = yamlerr.Deref(n)
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// require reports each missing key of mapping n.
func (p *parser) require(n *yaml.Node, ctx string, keys ...string) {
	if yamlerr.Deref(n).Kind != yaml.MappingNode {
		return
	}
	for _, k := range keys {
		if lookup(n, k) == nil {
			p.errorf(n, ctx, "missing %s", k)
		}
	}
}

func (p *parser) ages(n *yaml.Node) Ages {
	var a Ages
	bands := []string{"working", "school", "youth"}
	p.errs.Mapping(n, "ages", bands, func(key string, k, v *yaml.Node) {
		ctx := "ages." + key
		var r AgeRange
		p.errs.Mapping(v, ctx, []string{"min", "max"}, func(mk string, _, mv *yaml.Node) {
			x, ok := p.int(mv, ctx+"."+mk)
			if ok && (x < 0 || x > MaxAge) {
				p.errorf(mv, ctx+"."+mk, "%d: must be 0..%d", x, MaxAge)
			}
			if mk == "min" {
				r.Min = x
			} else {
				r.Max = x
			}
		})
		p.require(v, ctx, "min", "max")
		if r.Min > r.Max {
			p.errorf(v, ctx, "min %d is above max %d", r.Min, r.Max)
		}
		switch key {
		case "working":
			a.Working = r
		case "school":
			a.School = r
		case "youth":
			a.Youth = r
		}
	})
	p.require(n, "ages", bands...)
	return a
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// list calls fn for each item of sequence n.
func (p *parser) list(n *yaml.Node, ctx string, fn func(i int, item *yaml.Node)) {
	n = yamlerr.Deref(n)
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, ctx, "expected a list")
		return
	}
	for i, e := range n.Content {
		fn(i, yamlerr.Deref(e))
	}
}

// id reads an item's id and checks it is well formed and unique.
func (p *parser) id(item *yaml.Node, ctx string, seen map[string]int) string {
	n := lookup(item, "id")
	if n == nil {
		return ""
	}
	s, ok := p.str(n, ctx+": id")
	if !ok {
		return ""
	}
	if !idPattern.MatchString(s) {
		p.errorf(n, ctx+": id", "%q: expected lower-case letters, digits and _ (such as income_poverty)", s)
	}
	if first, dup := seen[s]; dup {
		p.errorf(n, ctx+": id", "%q appears twice (first at line %d)", s, first)
	}
	seen[s] = n.Line
	return s
}

func itemCtx(list string, i int, id string) string {
	if id == "" {
		return fmt.Sprintf("%s[%d]", list, i)
	}
	return fmt.Sprintf("%s[%d] %q", list, i, id)
}

func (p *parser) dimensions(n *yaml.Node) []Dimension {
	var out []Dimension
	seen := map[string]int{}
	p.list(n, "dimensions", func(i int, item *yaml.Node) {
		d := Dimension{Enabled: true, Weight: new(big.Rat)}
		d.ID = p.id(item, itemCtx("dimensions", i, ""), seen)
		ctx := itemCtx("dimensions", i, d.ID)
		p.errs.Mapping(item, ctx, []string{"id", "enabled", "title", "note"}, func(key string, k, v *yaml.Node) {
			switch key {
			case "enabled":
				d.Enabled = p.bool(v, ctx+": enabled")
			case "title":
				d.Title = p.text(v, ctx+": title")
			case "note":
				d.Note = p.text(v, ctx+": note")
			}
		})
		p.require(item, ctx, "id", "title")
		if !d.Enabled && lookup(item, "note") == nil {
			p.errorf(item, ctx, "a disabled dimension needs a note saying why")
		}
		out = append(out, d)
	})
	return out
}

var indicatorKeys = []string{"id", "dimension", "rule", "weight", "title", "cutoff", "params"}

func (p *parser) indicators(n *yaml.Node, dims []Dimension) []Indicator {
	var out []Indicator
	seen := map[string]int{}
	sum := new(big.Rat)
	dimIDs := make([]string, len(dims))
	for i, d := range dims {
		dimIDs[i] = d.ID
	}
	p.list(n, "indicators", func(i int, item *yaml.Node) {
		ind := Indicator{}
		ind.ID = p.id(item, itemCtx("indicators", i, ""), seen)
		ctx := itemCtx("indicators", i, ind.ID)
		var params *yaml.Node
		p.errs.Mapping(item, ctx, indicatorKeys, func(key string, k, v *yaml.Node) {
			switch key {
			case "dimension":
				s, ok := p.str(v, ctx+": dimension")
				if !ok {
					return
				}
				ind.Dimension = s
				j := slices.Index(dimIDs, s)
				switch {
				case j < 0:
					p.unknown(v, ctx+": dimension", "dimension", s, dimIDs)
				case !dims[j].Enabled:
					p.errorf(v, ctx+": dimension", "%q is disabled; enable it or remove the indicator", s)
				}
			case "rule":
				s, ok := p.str(v, ctx+": rule")
				if !ok {
					return
				}
				ind.Rule = s
				if _, known := ruleSpecs[s]; !known {
					p.unknown(v, ctx+": rule", "rule", s, ruleNames())
				}
			case "weight":
				ind.Weight = p.rat(v, ctx+": weight", 1)
				if ind.Weight != nil {
					sum.Add(sum, ind.Weight)
				}
			case "title":
				ind.Title = p.text(v, ctx+": title")
			case "cutoff":
				ind.Cutoff = p.text(v, ctx+": cutoff")
			case "params":
				params = v
			}
		})
		p.require(item, ctx, "id", "dimension", "rule", "weight", "title", "cutoff")
		if spec, ok := ruleSpecs[ind.Rule]; ok {
			ind.Params = p.params(params, ctx+": params", spec.params)
		}
		if j := slices.Index(dimIDs, ind.Dimension); j >= 0 && ind.Weight != nil {
			dims[j].Weight.Add(dims[j].Weight, ind.Weight)
		}
		out = append(out, ind)
	})
	if len(out) > 64 {
		p.errorf(n, "indicators", "%d indicators: at most 64", len(out))
	}
	if len(p.errs.Errs) == 0 && sum.Cmp(big.NewRat(1, 1)) != 0 {
		p.errorf(n, "indicators", "weights sum to %s, want exactly 1 (off by %s)",
			ratString(sum), ratString(new(big.Rat).Sub(sum, big.NewRat(1, 1))))
	}
	return out
}

func (p *parser) unknown(n *yaml.Node, ctx, what, s string, known []string) {
	if hint := yamlerr.Suggest(s, known); hint != "" {
		p.errorf(n, ctx, "unknown %s %q (did you mean %q?)", what, s, hint)
	} else {
		p.errorf(n, ctx, "unknown %s %q (known: %s)", what, s, strings.Join(known, ", "))
	}
}

// params reads a rule's parameters, filling the defaults for those not
// given.
func (p *parser) params(n *yaml.Node, ctx string, known []string) Params {
	pr := Params{
		Multiple: big.NewRat(1, 1),
		MaxRatio: big.NewRat(3, 1),
		Groups:   []Disability{DisabilityGroup1, DisabilityGroup2, DisabilityChild},
		Scope:    "any",
		MinHeads: 1,
	}
	if n == nil || yamlerr.IsNull(yamlerr.Deref(n)) {
		return pr
	}
	if len(known) == 0 {
		if d := yamlerr.Deref(n); d.Kind != yaml.MappingNode || len(d.Content) > 0 {
			p.errorf(n, ctx, "this rule takes no params")
		}
		return pr
	}
	p.errs.Mapping(n, ctx, known, func(key string, k, v *yaml.Node) {
		c := ctx + "." + key
		switch key {
		case "multiple":
			if r := p.rat(v, c, 1000); r != nil {
				if r.Sign() == 0 {
					p.errorf(v, c, "0 would deprive no one; want a positive multiple")
				}
				pr.Multiple = r
			}
		case "max_ratio":
			if r := p.rat(v, c, 1000); r != nil {
				pr.MaxRatio = r
			}
		case "groups":
			pr.Groups = nil
			p.list(v, c, func(i int, g *yaml.Node) {
				s, ok := p.str(g, fmt.Sprintf("%s[%d]", c, i))
				if !ok {
					return
				}
				d := map[string]Disability{"1": DisabilityGroup1, "2": DisabilityGroup2, "3": DisabilityGroup3, "child": DisabilityChild}
				if x, ok := d[s]; ok {
					pr.Groups = append(pr.Groups, x)
				} else {
					p.errorf(g, fmt.Sprintf("%s[%d]", c, i), "%q: want 1, 2, 3 or child", s)
				}
			})
			if len(pr.Groups) == 0 && yamlerr.Deref(v).Kind == yaml.SequenceNode {
				p.errorf(v, c, "empty: name at least one group")
			}
		case "scope":
			if s, ok := p.str(v, c); ok {
				if s != "any" && s != "all" {
					p.errorf(v, c, "%q: want any or all", s)
				}
				pr.Scope = s
			}
		case "min_heads":
			if x, ok := p.int(v, c); ok {
				if x < 1 || x > maxLivestock {
					p.errorf(v, c, "%d: must be 1..%d", x, maxLivestock)
				}
				pr.MinHeads = x
			}
		}
	})
	return pr
}

var levelIDs = []string{"A", "B", "C", "D", "E"}

// levels reads the five levels; their thresholds must start at 0 and rise
// strictly, so every score has exactly one level.
func (p *parser) levels(n *yaml.Node) []Level {
	var out []Level
	p.list(n, "levels", func(i int, item *yaml.Node) {
		l := Level{}
		ctx := fmt.Sprintf("levels[%d]", i)
		if idn := lookup(item, "id"); idn != nil {
			if s, ok := p.str(idn, ctx+": id"); ok {
				l.ID = s
				if i < len(levelIDs) && s != levelIDs[i] {
					p.errorf(idn, ctx+": id", "%q: levels are A, B, C, D, E in this order; want %q here", s, levelIDs[i])
				}
				ctx = fmt.Sprintf("levels[%d] %q", i, s)
			}
		}
		p.errs.Mapping(item, ctx, []string{"id", "from", "title", "description"}, func(key string, k, v *yaml.Node) {
			switch key {
			case "from":
				l.From = p.rat(v, ctx+": from", 1)
			case "title":
				l.Title = p.text(v, ctx+": title")
			case "description":
				l.Description = p.text(v, ctx+": description")
			}
		})
		p.require(item, ctx, "id", "from", "title", "description")
		if l.From != nil {
			switch {
			case i == 0 && l.From.Sign() != 0:
				p.errorf(lookup(item, "from"), ctx+": from", "%s: the first level starts at 0, so every score has a level", ratString(l.From))
			case i > 0 && len(out) == i && out[i-1].From != nil && l.From.Cmp(out[i-1].From) <= 0:
				p.errorf(lookup(item, "from"), ctx+": from", "%s: must be above the previous level's %s", ratString(l.From), ratString(out[i-1].From))
			}
		}
		out = append(out, l)
	})
	if yamlerr.Deref(n).Kind == yaml.SequenceNode && len(out) != len(levelIDs) {
		p.errorf(n, "levels", "%d levels: want exactly 5, A to E", len(out))
	}
	return out
}

// compile scales the weights and thresholds to integer units over the
// least common denominator of the weights, and builds the rules.
func (p *parser) compile(m *Model, inds *yaml.Node) {
	den := big.NewInt(1)
	for _, ind := range m.Indicators {
		d := ind.Weight.Denom()
		g := new(big.Int).GCD(nil, nil, den, d)
		den.Mul(den, new(big.Int).Quo(d, g))
		if den.Cmp(big.NewInt(maxDen)) > 0 {
			p.errorf(inds, "indicators", "weights need a common denominator over %d; use simpler fractions", maxDen)
			return
		}
	}
	m.den = den.Int64()
	for _, ind := range m.Indicators {
		m.units = append(m.units, ceilUnits(ind.Weight, m.den)) // exact: den is a multiple of the weight's
		m.rules = append(m.rules, compileRule(ind.Rule, &ind.Params))
	}
	m.poorUnits = ceilUnits(m.Cutoff, m.den)
	for _, l := range m.Levels {
		m.levelMin = append(m.levelMin, ceilUnits(l.From, m.den))
	}
}
