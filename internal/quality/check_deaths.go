package quality

import (
	"fmt"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/source"
)

// death is when a person died and which record says so.
type death struct {
	date, source, record string
}

// deaths indexes who died, by IIN and by entity.
type deaths struct {
	byIIN    map[string]death
	byEntity map[string]death
}

// deaths returns the index, built once per Run: the death_date golden
// records carry, and the death events of event sources read as golden
// reads them (event "death", national_id, event_date), so that a person
// who died before appearing in any person source is known dead too. The
// dead are few; probing their small maps once per record is far faster
// than looking every record's entity up among all entities.
func (x *env) deaths() *deaths {
	return shared(x, "deaths", func() *deaths {
		d := &deaths{byIIN: map[string]death{}, byEntity: map[string]death{}}
		put := func(iin string, v death) {
			if old, ok := d.byIIN[iin]; !ok || v.date < old.date {
				d.byIIN[iin] = v
			}
		}
		for id, e := range x.ds.Entities {
			dd, ok := e.Value("death_date")
			if !ok || dd.Invalid != "" || !isoDate(dd.Value) {
				continue
			}
			v := death{dd.Value, dd.Source, dd.RecordID}
			d.byEntity[id] = v
			if iin, _ := e.Value("national_id"); e.Kind == source.EntityPerson && iin.Invalid == "" && iin.Value != "" {
				put(iin.Value, v)
			}
		}
		for _, s := range x.ds.Sources {
			if s.Entity != source.EntityEvent {
				continue
			}
			for i := range s.Records {
				r := &s.Records[i]
				iin, ok := value(r, "national_id")
				date, dok := value(r, "event_date")
				if r.Attrs.Get("event") != "death" || !ok || !dok || !isoDate(date) {
					continue
				}
				if _, known := d.byIIN[iin]; !known {
					d.byIIN[iin] = death{date, s.Name, r.RecordID}
				}
			}
		}
		return d
	})
}

// of returns the death of the person a record concerns: the one named by
// its person attribute (an IIN) when given, else its own entity.
func (d *deaths) of(r *golden.Record, person string) (death, bool) {
	if person != "" {
		iin, ok := value(r, person)
		if !ok {
			return death{}, false
		}
		v, ok := d.byIIN[iin]
		return v, ok
	}
	v, ok := d.byEntity[r.EntityID]
	return v, ok
}

// String names the date and the record that gives it.
func (d death) String() string {
	return fmt.Sprintf("%s (%s %s)", d.date, d.source, d.record)
}

// arg is the death as a message argument: its date and the record that
// gives it, with the source named in the reader's language.
func (d death) arg() string { return msgArg(msg("q.death", d.date, sourceArg(d.source), d.record)) }

// runDeadActive finds records still active for a person who died before
// the report's date: a patient card that is open, a benefit still paid.
// With after:, the record must also show activity after the death (a
// visit, a payment), which makes the finding near certain.
func runDeadActive(x *env, s *golden.Source, c *Check, res *Result) {
	key, state := "q.dead_active.in", sourceArg(s.Name)
	if len(c.Where) > 0 {
		key, state = "q.dead_active.reason", msgArg(whereMsg(c.Where, "q.where.still"))
	}
	dead := x.deaths()
	for r := range records(s, c) {
		res.count(s, r)
		d, ok := dead.of(r, c.Person)
		if !ok {
			continue
		}
		if d.date >= x.asOf {
			res.dueOn(s, r, x.dueAfter(d.date))
			continue
		}
		reason := msg(key, d.arg(), state)
		if c.After != "" {
			a, ok := value(r, c.After)
			if !ok || !isoDate(a) || a <= d.date {
				continue
			}
			reason = msg(key+".after", d.arg(), state, attrArg(c.After), a)
		}
		f := finding(r, d.date, reason)
		f.Related = []string{d.record}
		f.suggest(msg("q.dead_active.fix", d.date))
		res.Findings = append(res.Findings, f)
	}
}

func describeDeadActive(c *Check) Msg {
	key, args := "q.desc.dead_active", []any{}
	if len(c.Where) > 0 {
		key, args = key+".where", append(args, msgArg(whereMsg(c.Where, "q.where.is")))
	}
	if c.After != "" {
		key, args = key+".after", append(args, attrArg(c.After))
	}
	return msg(key, args...)
}

// whereMsg writes where conditions as a message, each condition through
// key ("card_status is active", "card_status is still active").
func whereMsg(where []Cond, key string) Msg {
	ms := make([]Msg, 0, len(where))
	for _, cond := range where {
		ms = append(ms, msg(key, attrArg(cond.Attr), valueArg(cond.Attr, cond.Values...)))
	}
	return msgList(ms)
}

// runDeadReference finds records naming, in an IIN attribute, a person
// who died before the report's date: the herd of a dead owner.
func runDeadReference(x *env, s *golden.Source, c *Check, res *Result) {
	dead := x.deaths()
	for r := range records(s, c) {
		iin, ok := value(r, c.Field)
		if !ok {
			continue
		}
		res.count(s, r)
		d, ok := dead.byIIN[iin]
		if !ok {
			continue
		}
		if d.date >= x.asOf {
			res.dueOn(s, r, x.dueAfter(d.date))
			continue
		}
		f := finding(r, iin, msg("q.dead_reference.reason", attrArg(c.Field), iin, d.arg()))
		f.Related = []string{d.record}
		f.suggest(msg("q.dead_reference.fix", d.date))
		res.Findings = append(res.Findings, f)
	}
}

// runAfterDeath finds dates or periods (YYYY-MM) that start after the
// person's death: income declared for a month after the one they died in.
// The month of death itself is legitimate.
func runAfterDeath(x *env, s *golden.Source, c *Check, res *Result) {
	dead := x.deaths()
	for r := range records(s, c) {
		v, ok := value(r, c.Field)
		if !ok {
			continue
		}
		start, ok := periodStart(v)
		if !ok {
			continue
		}
		res.count(s, r)
		d, ok := dead.of(r, c.Person)
		if !ok || start <= d.date {
			continue
		}
		f := finding(r, v, msg("q.after_death.reason", attrArg(c.Field), v, d.arg()))
		f.Related = []string{d.record}
		f.suggest(msg("q.after_death.fix"))
		res.Findings = append(res.Findings, f)
	}
}
