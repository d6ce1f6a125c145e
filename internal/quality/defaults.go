package quality

import (
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/source"
)

// Default thresholds of the built-in checks.
const (
	DefaultMaxAge    = 31 * 24 * time.Hour // freshness: a monthly extract may be a month old
	DefaultMaxChange = 0.5                 // volume: half as many rows, or half as many again
)

// Defaults derives checks from each source's contract, for when no
// quality.yaml is given:
//
//   - every source: freshness (31 days), volume (50%), schema, quarantine;
//   - missing for every required field and for national_id;
//   - allowed for fields with an allowed list, valid for every other field
//     whose type ingest validates (not string);
//   - unique for identifier fields (match: id);
//   - duplicates for person sources that hold one record per person: where
//     at least oneRecordShare of the people it names have a single record.
//     A source of monthly declarations or payments holds many records per
//     person by design, and several of them are no defect.
func Defaults(ds *golden.Dataset) *Config {
	return DefaultsWith(ds, oneRecordPerPerson)
}

// DefaultsWith derives the checks Defaults derives, with register saying
// which person sources hold one record per person instead of counting
// their records: a caller that keeps the counts (see OneRecordPerPerson)
// derives them without reading every record. ds needs its sources, not
// their records.
func DefaultsWith(ds *golden.Dataset, register func(*golden.Source) bool) *Config {
	cfg := &Config{All: []Check{
		{Kind: "freshness", MaxAge: DefaultMaxAge},
		{Kind: "volume", MaxChange: DefaultMaxChange},
		{Kind: "schema"},
		{Kind: "quarantine"},
	}}
	for _, s := range ds.Sources {
		sc := SourceChecks{Source: s.Name}
		add := func(c Check) {
			c.Name = c.defaultName()
			if !slices.ContainsFunc(sc.Checks, func(o Check) bool { return o.Name == c.Name }) {
				sc.Checks = append(sc.Checks, c)
			}
		}
		for _, f := range s.Def.Fields {
			if f.Required || f.Name == "national_id" {
				add(Check{Kind: "missing", Field: f.Name})
			}
		}
		for _, f := range s.Def.Fields {
			switch {
			case len(f.Allowed) > 0:
				add(Check{Kind: "allowed", Field: f.Name, Values: f.Allowed})
			case f.Type != source.TypeString && f.Type != "":
				add(Check{Kind: "valid", Field: f.Name})
			}
			if f.Match == source.MatchID {
				add(Check{Kind: "unique", Field: f.Name})
			}
		}
		if s.Entity == source.EntityPerson && register(s) {
			add(Check{Kind: "duplicates"})
		}
		cfg.Sources = append(cfg.Sources, sc)
	}
	for i := range cfg.All {
		cfg.All[i].Name = cfg.All[i].defaultName()
	}
	return cfg
}

// oneRecordShare is the share of a source's people with a single record
// above which the source is a register of one record per person.
const oneRecordShare = 0.8

// OneRecordPerPerson reports whether a source whose records name people
// entities, single of them with one record only, is a register of one
// record per person, for which Defaults derives a duplicates check.
func OneRecordPerPerson(people, single int) bool {
	return people > 0 && float64(single) >= oneRecordShare*float64(people)
}

// oneRecordPerPerson reports whether the source is such a register,
// counting its records.
func oneRecordPerPerson(s *golden.Source) bool {
	per := map[string]int{}
	for i := range s.Records {
		if e := s.Records[i].EntityID; e != "" {
			per[e]++
		}
	}
	single := 0
	for _, n := range per {
		if n == 1 {
			single++
		}
	}
	return OneRecordPerPerson(len(per), single)
}
