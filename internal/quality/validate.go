package quality

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/yamlerr"
)

// Validate checks that every source, register and attribute the checks
// name exists in ds (attributes as the sources contract maps them). It
// reports every mistake with its line, suggesting the nearest name: a
// check on a misspelt attribute would otherwise find nothing and pass.
// Checks in All are validated against every source.
func (c *Config) Validate(ds *golden.Dataset) error {
	v := validator{ds: ds, errs: yamlerr.List{File: cmp.Or(c.Path, "quality checks")}}
	for _, s := range ds.Sources {
		v.sources = append(v.sources, s.Name)
	}
	for _, src := range ds.Sources {
		for i := range c.All {
			v.check(src, &c.All[i], fmt.Sprintf("all_sources: check %q on %q", c.All[i].Name, src.Name))
		}
	}
	for _, sc := range c.Sources {
		src := ds.Source(sc.Source)
		if src == nil {
			v.report(sc.Line, "unknown source %q%s", sc.Source, hint(sc.Source, v.sources, "sources"))
			continue
		}
		for i := range sc.Checks {
			v.check(src, &sc.Checks[i], fmt.Sprintf("source %q: check %q", sc.Source, sc.Checks[i].Name))
		}
	}
	return v.errs.Err()
}

type validator struct {
	ds      *golden.Dataset
	sources []string
	errs    yamlerr.List
}

func (v *validator) report(line int, format string, args ...any) {
	v.errs.AtLine(line, "", format, args...)
}

// check validates the names one check uses in source src.
func (v *validator) check(src *golden.Source, ch *Check, ctx string) {
	attrs := attributes(src)
	need := func(what, attr string, in *golden.Source, known []string) {
		if attr != "" && !slices.Contains(known, attr) {
			v.report(ch.Line, "%s: %s: %s has no attribute %q%s", ctx, what, in.Name, attr, hint(attr, known, "attributes"))
		}
	}
	for _, f := range ch.fields() {
		need("field", f, src, attrs)
	}
	for _, w := range ch.Where {
		need("where", w.Attr, src, attrs)
	}
	need("after", ch.After, src, attrs)
	need("person", ch.Person, src, attrs)
	need("by", ch.By, src, attrs)
	if ch.MaxYears != nil {
		need("max_years: by", ch.MaxYears.By, src, attrs)
	}
	for _, name := range ch.Register {
		reg := v.ds.Source(name)
		if reg == nil {
			v.report(ch.Line, "%s: unknown register %q%s", ctx, name, hint(name, v.sources, "sources"))
			continue
		}
		rattrs := attributes(reg)
		if ch.Kind == "reference" {
			need("attribute", ch.attribute(), reg, rattrs)
			continue
		}
		for _, f := range nameFields(reg, ch.RegisterFields) {
			need("register_fields", f, reg, rattrs)
		}
		if ch.Key != "" {
			need("key", ch.Key, reg, rattrs)
		} else {
			need("key (default)", "national_id", reg, rattrs)
		}
	}
}

// attributes lists the attributes a source's contract maps.
func attributes(s *golden.Source) []string {
	out := make([]string, 0, len(s.Def.Fields))
	for _, f := range s.Def.Fields {
		out = append(out, f.Name)
	}
	return out
}

// hint suggests the nearest of known, or lists them when few.
func hint(w string, known []string, what string) string {
	if s := yamlerr.Suggest(w, known); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	if len(known) <= 16 {
		return fmt.Sprintf(" (%s: %s)", what, strings.Join(known, ", "))
	}
	return ""
}
