package household

import (
	"slices"
	"time"
)

// roles maps each member's tie to the head onto the benefit rules' roles:
// the head and the spouse are parents when the household has children
// (members the register calls children, or members born to a member by
// the civil registry), else others; the head's children are children; the
// head's parents and anyone else (a grandparent, an aunt) are others. A
// member the register gives no tie for is a child when the civil registry
// names a member as their mother or father, a parent when it names them
// as a member's mother or father, else other. A member the register calls
// a child whom the civil registry names as the parent of another member's
// birth is flagged: the register's tie is used.
func (b *builder) roles() {
	p := b.p
	member := func(id string) bool { _, ok := b.byEntity[id]; return ok }
	// civilTies: for each member, the birth events naming a member as
	// their parent (asChild) or naming them as a member's parent
	// (asParent).
	asChild, asParent := map[string][]ref{}, map[string][]ref{}
	for _, m := range p.Members {
		for _, ev := range b.ix.births[m.Entity] {
			for _, attr := range []string{"mother_iin", "father_iin"} {
				par := b.ix.ds.Person(ev.get(attr))
				if par == nil || !member(par.ID) || par.ID == m.Entity {
					continue
				}
				asChild[m.Entity] = append(asChild[m.Entity], ev)
				asParent[par.ID] = append(asParent[par.ID], ev)
			}
		}
	}
	hasChildren := false
	for _, m := range p.Members {
		if m.Tie.Value == "child" || (m.Tie.Value == "" && len(asChild[m.Entity]) > 0) {
			hasChildren = true
		}
	}
	for i := range p.Members {
		m := &p.Members[i]
		role, srcs := RoleOther, slices.Clone(m.Tie.Sources)
		switch m.Tie.Value {
		case "head", "spouse":
			if hasChildren {
				role = RoleParent
				srcs = append(srcs, sources(asParent[m.Entity])...)
			}
		case "child":
			role = RoleChild
			srcs = append(srcs, sources(asChild[m.Entity])...)
			if evs := asParent[m.Entity]; len(evs) > 0 {
				b.conflict(Conflict{Entity: m.Entity, Field: "role", Used: RoleChild,
					Rule: RuleRegisterTie,
					Values: []Alternative{{Value: RoleChild, Sources: m.Tie.Sources},
						{Value: RoleParent, Sources: sources(evs)}}})
			}
		case "parent":
		default:
			switch {
			case len(asChild[m.Entity]) > 0:
				role, srcs = RoleChild, sources(asChild[m.Entity])
			case len(asParent[m.Entity]) > 0:
				role, srcs = RoleParent, sources(asParent[m.Entity])
			}
		}
		m.Role = Fact[string]{Value: role, Sources: dedupe(srcs)}
	}
}

// dedupe drops repeated sources (one birth event names both parents).
func dedupe(ss []Source) []Source {
	out := ss[:0]
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// carer marks the mother named by the latest birth event of a member
// under one and a half on the date (RULES: birth date ≤ D < add_months(birth
// date, 18)), when she is a member. Everyone else is not the carer, on the
// same evidence; with no such birth, on the civil registry's silence.
func (b *builder) carer() {
	ix := b.ix
	var last ref
	var lastDay time.Time
	for _, m := range b.p.Members {
		bd := m.BirthDate.Value
		if bd.IsZero() || bd.After(ix.asOf) || !ix.asOf.Before(addMonths(bd, 18)) {
			continue
		}
		for _, ev := range ix.births[m.Entity] {
			d, _ := parseDate(ev.get("event_date"))
			if d.IsZero() {
				d = bd
			}
			if last.rec == nil || d.After(lastDay) || d.Equal(lastDay) && ev.rec.RecordID > last.rec.RecordID {
				last, lastDay = ev, d
			}
		}
	}
	evidence := []Source{ix.absent(SourceCivil)}
	carer := ""
	if last.rec != nil {
		evidence = []Source{last.source()}
		if mo := ix.ds.Person(last.get("mother_iin")); mo != nil {
			carer = mo.ID
		}
	}
	for i := range b.p.Members {
		m := &b.p.Members[i]
		m.Carer = Fact[bool]{Value: m.Entity == carer, Sources: evidence}
	}
}

// addMonths is the same day n months later, or the last day of that month
// when it is shorter (31 Aug + 18 months = 28 Feb).
func addMonths(d time.Time, n int) time.Time {
	y, m, dd := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(dd, last), 0, 0, 0, 0, time.UTC)
}
