package quality

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/yamlerr"
)

// runValid finds records with a value ingest flagged invalid: a failing
// IIN or BIN check digit, an impossible date, a value of the wrong type or
// outside the allowed list. Ingest keeps such values (a record with a
// mistyped IIN is still a record to link); this check lists them.
func runValid(x *env, s *golden.Source, c *Check, res *Result) {
	for r := range records(s, c) {
		res.count(s, r)
		if c.Field != "" {
			why := r.Invalid[c.Field]
			if why == "" {
				continue
			}
			v := r.Attrs.Get(c.Field)
			f := finding(r, v, msg("q.valid.reason", attrArg(c.Field), v, issueArg(why)))
			if g := x.entityValue(r, c.Field); g != "" && g != v {
				f.suggest(msg("q.valid.fix.entity", r.EntityID, attrArg(c.Field), g))
			} else {
				f.suggest(msg("q.valid.fix", attrArg(c.Field)))
			}
			res.Findings = append(res.Findings, f)
			continue
		}
		if len(r.Invalid) == 0 {
			continue
		}
		attrs := make([]string, 0, len(r.Invalid))
		for a := range r.Invalid {
			attrs = append(attrs, a)
		}
		slices.Sort(attrs)
		var why []Msg
		for _, a := range attrs {
			why = append(why, msg("q.valid.reason", attrArg(a), r.Attrs.Get(a), issueArg(r.Invalid[a])))
		}
		f := finding(r, strings.Join(attrs, ", "), msgList(why))
		f.suggest(msg("q.valid.fix.any"))
		res.Findings = append(res.Findings, f)
	}
}

// runAllowed finds values outside the list.
func runAllowed(x *env, s *golden.Source, c *Check, res *Result) {
	for r := range records(s, c) {
		v := r.Attrs.Get(c.Field)
		if v == "" {
			continue
		}
		res.count(s, r)
		if slices.Contains(c.Values, v) {
			continue
		}
		f := finding(r, v, msg("q.allowed.reason", attrArg(c.Field), v, valueArg(c.Field, c.Values...)))
		if m := yamlerr.Suggest(v, c.Values); m != "" {
			f.suggest(msg("q.allowed.fix", valueArg(c.Field, m)))
		}
		res.Findings = append(res.Findings, f)
	}
}

// runRange finds numbers or dates outside [min, max]; values that are not
// numbers (or dates) are the valid check's business and are skipped.
func runRange(x *env, s *golden.Source, c *Check, res *Result) {
	lo, hasLo := parseBound(c.Min) // "" does not parse: no bound
	hi, hasHi := parseBound(c.Max)
	loToday, hiToday := hasLo && lo.isDate && lo.date == "", hasHi && hi.isDate && hi.date == ""
	for _, b := range []*bound{&lo, &hi} {
		if b.isDate && b.date == "" {
			b.date = x.asOf
		}
	}
	dates := (hasLo && lo.isDate) || (hasHi && hi.isDate)
	for r := range records(s, c) {
		v, ok := value(r, c.Field)
		if !ok {
			continue
		}
		var below, above bool
		if dates {
			if !isoDate(v) {
				continue
			}
			below, above = hasLo && v < lo.date, hasHi && v > hi.date
			// Against today, a date after it is below (min) or above
			// (max) no longer once today reaches it.
			switch {
			case hiToday && v > x.asOf:
				res.dueOn(s, r, v)
			case loToday && v >= x.asOf:
				res.dueOn(s, r, x.dueAfter(v))
			}
		} else {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			below, above = hasLo && n < lo.num, hasHi && n > hi.num
		}
		res.count(s, r)
		switch {
		case below:
			res.Findings = append(res.Findings, finding(r, v, msg("q.range.below", attrArg(c.Field), v, c.Min)))
		case above:
			res.Findings = append(res.Findings, finding(r, v, msg("q.range.above", attrArg(c.Field), v, c.Max)))
		}
	}
}

func describeRange(c *Check) Msg {
	switch {
	case c.Min != "" && c.Max != "":
		return msg("q.desc.range", attrArg(c.Field), c.Min, c.Max)
	case c.Min != "":
		return msg("q.desc.range.min", attrArg(c.Field), c.Min)
	}
	return msg("q.desc.range.max", attrArg(c.Field), c.Max)
}

// runPattern finds non-empty values that do not match (or do match) a
// regular expression.
func runPattern(x *env, s *golden.Source, c *Check, res *Result) {
	for r := range records(s, c) {
		v := r.Attrs.Get(c.Field)
		if v == "" {
			continue
		}
		res.count(s, r)
		switch {
		case c.Match != nil && !c.Match.MatchString(v):
			res.Findings = append(res.Findings, finding(r, v, msg("q.pattern.nomatch", attrArg(c.Field), v, c.Match)))
		case c.NotMatch != nil && c.NotMatch.MatchString(v):
			res.Findings = append(res.Findings, finding(r, v, msg("q.pattern.match", attrArg(c.Field), v, c.NotMatch)))
		}
	}
}

func describePattern(c *Check) Msg {
	if c.Match != nil {
		return msg("q.desc.pattern", attrArg(c.Field), c.Match)
	}
	return msg("q.desc.pattern.not", attrArg(c.Field), c.NotMatch)
}
