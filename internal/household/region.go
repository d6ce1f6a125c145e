package household

import (
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/names"
)

// regionCodes finds a region's code by any of its names, folded: "г.
// Алматы", "Алматы" and "Almaty" are the city ("almaty"), whose АСП
// figures the benefit rules give; "Алматинская область" is the region
// around it ("almaty_region"), a region of its own.
var regionCodes = func() map[string]string {
	m := map[string]string{}
	for _, r := range kz.Regions() {
		for _, n := range []string{r.KK, r.RU, r.EN, r.Code} {
			m[foldRegion(n)] = r.Code
		}
	}
	return m
}()

// foldRegion folds a region's name, without a leading "г."/"город"/"city
// of" that some registers write before a city of republican significance.
func foldRegion(s string) string {
	f := strings.Fields(names.FoldText(s))
	for len(f) > 1 && slices.Contains([]string{"g", "gorod", "city", "of", "kalasy", "k"}, f[0]) {
		f = f[1:]
	}
	return strings.Join(f, " ")
}

// RegionCode returns the code of the region named name, or, when no
// region has that name, a stable slug "unknown:<folded name>" so that a
// rule can say which region it has no figures for. "" stays "".
func RegionCode(name string) string {
	f := foldRegion(name)
	if f == "" {
		return ""
	}
	if c, ok := regionCodes[f]; ok {
		return c
	}
	return "unknown:" + strings.ReplaceAll(f, " ", "_")
}

// region is the household's region: the population register's region of
// its head (of the first member when the register names no head). Every
// other region a member's record gives (the education database, benefit
// registers) that is another region is flagged; the register's is used.
func (b *builder) region() {
	p := b.p
	if len(p.Members) == 0 {
		return
	}
	var alts []Alternative
	add := func(code string, s Source) {
		if i := slices.IndexFunc(alts, func(a Alternative) bool { return a.Value == code }); i >= 0 {
			alts[i].Sources = append(alts[i].Sources, s)
			return
		}
		alts = append(alts, Alternative{Value: code, Sources: []Source{s}})
	}
	for i, m := range p.Members {
		e := b.ix.ds.Entities[m.Entity]
		if e == nil {
			continue
		}
		if i == 0 {
			if pop, ok := latest(e, SourcePopulation); ok {
				p.Region = Fact[string]{Value: RegionCode(pop.get("region")), Sources: []Source{pop.source()}}
			}
		}
		for _, mb := range e.Members {
			if v := mb.Record.Attrs.Get("region"); v != "" {
				add(RegionCode(v), ref{mb.Source, mb.Record}.source())
			}
		}
	}
	if len(alts) > 1 {
		b.conflict(Conflict{Field: "region", Values: alts, Used: p.Region.Value,
			Rule: RuleHeadRegion})
	}
}
