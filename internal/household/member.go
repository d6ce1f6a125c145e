package household

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
)

// builder builds one profile.
type builder struct {
	ix       *index
	p        *Profile
	byEntity map[string]int // member entity id -> index in p.Members
}

// member adds e with every fact read from its own records.
func (b *builder) member(e *golden.Entity) {
	ix := b.ix
	pop, _ := latest(e, SourcePopulation)
	m := Member{Entity: e.ID, IIN: e.Get("national_id")}
	if v := pop.get("national_id"); v != "" {
		m.IIN = v
	}
	m.Tie = Fact[string]{Value: pop.get("household_role"), Sources: []Source{pop.source()}}
	b.birthDate(e, pop, &m)
	b.disability(e, &m)
	b.incomes(e, &m)
	b.education(e, &m)
	m.HealthCard = Fact[bool]{Sources: []Source{ix.absent(SourceHealth)}}
	if cards := records(e, SourceHealth); len(cards) > 0 {
		m.HealthCard.Sources = nil
		for _, c := range cards {
			if c.get("card_status") == "active" {
				m.HealthCard.Value = true
				m.HealthCard.Sources = append(m.HealthCard.Sources, c.source())
			}
		}
		if !m.HealthCard.Value { // only closed cards: they are the evidence
			for _, c := range cards {
				m.HealthCard.Sources = append(m.HealthCard.Sources, c.source())
			}
		}
	}
	m.Livestock = Fact[int]{Sources: []Source{ix.absent(SourceLivestock)}}
	if herd := ix.herds[e.ID]; len(herd) > 0 {
		m.Livestock = Fact[int]{Value: len(herd), Sources: sources(herd)}
	}
	b.p.Members = append(b.p.Members, m)
}

func sources(rs []ref) []Source {
	out := make([]Source, len(rs))
	for i, r := range rs {
		out[i] = r.source()
	}
	return out
}

// birthDate takes the population register's birth date (the reference
// register of identity) and flags every other value a record of the
// person or their birth event gives.
func (b *builder) birthDate(e *golden.Entity, pop ref, m *Member) {
	var alts []Alternative
	add := func(v string, s Source) {
		d, ok := parseDate(v)
		if ok {
			v = d.Format(time.DateOnly)
		}
		for i := range alts {
			if alts[i].Value == v {
				alts[i].Sources = append(alts[i].Sources, s)
				return
			}
		}
		alts = append(alts, Alternative{Value: v, Sources: []Source{s}})
	}
	for _, mb := range e.Members {
		if v := mb.Record.Attrs.Get("birth_date"); v != "" {
			add(v, ref{mb.Source, mb.Record}.source())
		}
	}
	for _, ev := range b.ix.births[e.ID] {
		if v := ev.get("birth_date"); v != "" {
			add(v, ev.source())
		}
	}
	used, rule := pop.get("birth_date"), RuleReference
	var src []Source
	if pop.rec != nil && used != "" {
		src = []Source{pop.source()}
	} else if v, ok := e.Value("birth_date"); ok { // no register record: the golden record's survivor
		used, rule = v.Value, RuleSurvivor
		src = []Source{valueSource(v)}
	}
	d, _ := parseDate(used)
	m.BirthDate = Fact[time.Time]{Value: d, Sources: src}
	if len(alts) > 1 {
		b.conflict(Conflict{Entity: e.ID, Field: "birth_date", Values: alts, Used: d.Format(time.DateOnly), Rule: rule})
	}
}

func valueSource(v golden.Value) Source {
	return Source{Agency: v.Agency, Source: v.Source, RecordID: v.RecordID, Version: v.Version, Date: v.Observed}
}

// disability reads the disability register: a record counts when it was
// established on or before the date and its term (СРОК) has not ended
// before it; of several in force, the latest established wins, and a
// disagreement between them is flagged.
func (b *builder) disability(e *golden.Entity, m *Member) {
	recs := records(e, SourceDisability)
	m.Disability = Fact[*Disability]{Sources: []Source{b.ix.absent(SourceDisability)}}
	if len(recs) == 0 {
		return
	}
	type rec struct {
		r           ref
		d           Disability
		established time.Time
	}
	var live []rec
	for _, r := range recs {
		d, ok := disabilityOf(r.get("disability_group"), r.get("disability_cause"))
		if !ok {
			continue
		}
		est, _ := parseDate(r.get("disability_date"))
		if est.After(b.ix.asOf) {
			continue
		}
		if term := strings.TrimSpace(r.get("disability_term")); term != "" && !isPermanent(term) {
			if end, ok := parseDate(term); ok && end.Before(b.ix.asOf) {
				continue
			}
		}
		live = append(live, rec{r, d, est})
	}
	if len(live) == 0 { // every record has ended: they are the evidence
		m.Disability.Sources = sources(recs)
		return
	}
	slices.SortFunc(live, func(x, y rec) int {
		return cmp.Or(y.established.Compare(x.established), cmp.Compare(y.r.rec.RecordID, x.r.rec.RecordID))
	})
	d := live[0].d
	m.Disability = Fact[*Disability]{Value: &d, Sources: []Source{live[0].r.source()}}
	var alts []Alternative
	for _, l := range live {
		v := l.d.String()
		if i := slices.IndexFunc(alts, func(a Alternative) bool { return a.Value == v }); i >= 0 {
			alts[i].Sources = append(alts[i].Sources, l.r.source())
		} else {
			alts = append(alts, Alternative{Value: v, Sources: []Source{l.r.source()}})
		}
	}
	if len(alts) > 1 {
		b.conflict(Conflict{Entity: e.ID, Field: "disability", Values: alts, Used: d.String(),
			Rule: RuleLatestDisability})
	}
}

// String is the disability as conflicts show it: "group 2, general".
func (d Disability) String() string {
	g := "no group"
	if d.Group > 0 {
		g = "group " + string(rune('0'+d.Group))
	}
	return g + ", " + d.Cause
}

// disabilityOf reads the register's group and cause: "1 группа" … "3
// группа", "ребенок-инвалид" (no group); "инвалидность с детства" is a
// disability since childhood, every other cause general.
func disabilityOf(group, cause string) (Disability, bool) {
	var d Disability
	g := strings.ToLower(strings.TrimSpace(group))
	switch {
	case strings.HasPrefix(g, "1"):
		d.Group = 1
	case strings.HasPrefix(g, "2"):
		d.Group = 2
	case strings.HasPrefix(g, "3"):
		d.Group = 3
	case strings.Contains(g, "ребен") || strings.Contains(g, "ребён") || strings.Contains(g, "бала"):
	default:
		return d, false
	}
	d.Cause = CauseGeneral
	if c := strings.ToLower(cause); strings.Contains(c, "детства") || strings.Contains(c, "бала кез") || c == CauseChildhood {
		d.Cause = CauseChildhood
	}
	return d, true
}

func isPermanent(term string) bool {
	t := strings.ToLower(term)
	return strings.Contains(t, "бессроч") || strings.Contains(t, "мерзімсіз") || t == "permanent"
}

// education reads the education database: a student is enrolled at a
// university full-time, a pupil at a school, on the date.
func (b *builder) education(e *golden.Entity, m *Member) {
	none := []Source{b.ix.absent(SourceEducation)}
	m.Student, m.Pupil = Fact[bool]{Sources: none}, Fact[bool]{Sources: none}
	recs := records(e, SourceEducation)
	if len(recs) == 0 {
		return
	}
	m.Student.Sources, m.Pupil.Sources = nil, nil
	for _, r := range recs {
		if d, ok := parseDate(r.get("enrolled_date")); ok && d.After(b.ix.asOf) {
			continue
		}
		switch r.get("institution_type") {
		case "university":
			if r.get("study_form") == "full_time" {
				m.Student.Value = true
				m.Student.Sources = append(m.Student.Sources, r.source())
			}
		case "school":
			m.Pupil.Value = true
			m.Pupil.Sources = append(m.Pupil.Sources, r.source())
		}
	}
	if !m.Student.Value {
		m.Student.Sources = sources(recs)
	}
	if !m.Pupil.Value {
		m.Pupil.Sources = sources(recs)
	}
}

// conflict flags one disagreement.
func (b *builder) conflict(c Conflict) { b.p.Conflicts = append(b.p.Conflicts, c) }
