package scorecard

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/store"
)

// A unit is what an incremental run redoes whole: an entity with all its
// records, or a record not resolved into an entity. Every finding and every
// count of a check over records belongs to the unit of its record.

// looseUnit is the unit of a record not resolved into an entity.
func looseUnit(ref store.RecordRef) string {
	return "r:" + strconv.FormatInt(ref.SourceID, 10) + ":" + ref.RecordID
}

// parseLoose returns the record a loose unit names.
func parseLoose(unit string) (store.RecordRef, bool) {
	rest, ok := strings.CutPrefix(unit, "r:")
	if !ok {
		return store.RecordRef{}, false
	}
	src, id, ok := strings.Cut(rest, ":")
	n, err := strconv.ParseInt(src, 10, 64)
	if !ok || err != nil {
		return store.RecordRef{}, false
	}
	return store.RecordRef{SourceID: n, RecordID: id}, true
}

// unitOf returns the unit of a record of source src.
func unitOf(src int64, recordID, entityID string) string {
	if entityID != "" {
		return entityID
	}
	return looseUnit(store.RecordRef{SourceID: src, RecordID: recordID})
}

// unitTally is what one unit adds to a run's totals, kept small (a
// nation has millions of units): per check over records, by its index in
// the report, the records counted and failed; per source, the live records
// by observation time; and the first later as-of date at which its
// results may differ.
type unitTally struct {
	checks   [][3]int32 // check index, counted, failed; by check index
	observed [][3]int64 // source id, observation time (Unix microseconds), records
	due      string     // YYYY-MM-DD, "" for never
	// people is set in the totals' form only: per source, the entities
	// its records name and those of them with one record (source id,
	// entities, single), from which the default checks are derived.
	people [][3]int64
}

// dueOn makes the unit due on day at the latest.
func (u *unitTally) dueOn(day string) {
	if u.due == "" || day < u.due {
		u.due = day
	}
}

// observe counts one live record of source src observed at micros.
func (u *unitTally) observe(src, micros int64) {
	for i := range u.observed {
		if u.observed[i][0] == src && u.observed[i][1] == micros {
			u.observed[i][2]++
			return
		}
	}
	u.observed = append(u.observed, [3]int64{src, micros, 1})
}

// bump adds to the counts of check j; checks come in increasing j.
func (u *unitTally) bump(j, counted, failed int) {
	if n := len(u.checks); n > 0 && int(u.checks[n-1][0]) == j {
		u.checks[n-1][1] += int32(counted)
		u.checks[n-1][2] += int32(failed)
		return
	}
	u.checks = append(u.checks, [3]int32{int32(j), int32(counted), int32(failed)})
}

// storedTally is a tally as the store keeps it: compact, sorted.
type storedTally struct {
	Checks   [][3]int32 `json:"c,omitempty"` // check index, counted, failed
	Observed [][3]int64 `json:"o,omitempty"` // source id, Unix microseconds, records
	Due      string     `json:"d,omitempty"` // YYYY-MM-DD
	People   [][3]int64 `json:"p,omitempty"` // source id, entities, single
}

func (u *unitTally) encode() ([]byte, error) {
	slices.SortFunc(u.observed, func(a, b [3]int64) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	return json.Marshal(storedTally{Checks: u.checks, Observed: u.observed, Due: u.due, People: u.people})
}

func decodeUnitTally(b []byte) (*unitTally, error) {
	var s storedTally
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("unit tally: %w", err)
	}
	return &unitTally{checks: s.Checks, observed: s.Observed, due: s.Due, people: s.People}, nil
}

// tally is the sum of units' tallies: a run's totals.
type tally struct {
	checks   map[int][2]int
	observed map[observedKey]int
	people   map[int64][2]int // by source id: entities its records name, those with one record
}

type observedKey struct {
	source int64
	micros int64 // observation time, Unix microseconds
}

func newTally() *tally {
	return &tally{checks: map[int][2]int{}, observed: map[observedKey]int{}, people: map[int64][2]int{}}
}

// addUnit adds (sign 1) or takes away (sign -1) the tally of unit: with
// its counts, for an entity, what it adds to each source's people.
func (t *tally) addUnit(unit string, u *unitTally, sign int) {
	t.add(u, sign)
	if _, loose := parseLoose(unit); loose {
		return
	}
	records := map[int64]int64{}
	for _, o := range u.observed {
		records[o[0]] += o[2]
	}
	for src, n := range records {
		p := t.people[src]
		p[0] += sign
		if n == 1 {
			p[1] += sign
		}
		t.setPeople(src, p)
	}
}

func (t *tally) setPeople(src int64, p [2]int) {
	if p == [2]int{} {
		delete(t.people, src)
	} else {
		t.people[src] = p
	}
}

// registers reports, from the totals' people, which person sources hold
// one record per person (quality.OneRecordPerPerson).
func (t *tally) registers() func(*golden.Source) bool {
	return func(s *golden.Source) bool {
		p := t.people[s.ID]
		return quality.OneRecordPerPerson(p[0], p[1])
	}
}

// add adds (sign 1) or takes away (sign -1) a unit's tally.
func (t *tally) add(u *unitTally, sign int) {
	for _, c := range u.checks {
		j := int(c[0])
		v := t.checks[j]
		v[0] += sign * int(c[1])
		v[1] += sign * int(c[2])
		if v == [2]int{} {
			delete(t.checks, j)
		} else {
			t.checks[j] = v
		}
	}
	for _, o := range u.observed {
		k := observedKey{o[0], o[1]}
		if n := t.observed[k] + sign*int(o[2]); n == 0 {
			delete(t.observed, k)
		} else {
			t.observed[k] = n
		}
	}
	for _, p := range u.people {
		v := t.people[p[0]]
		v[0] += sign * int(p[1])
		v[1] += sign * int(p[2])
		t.setPeople(p[0], v)
	}
}

// unit returns the totals in a unit's form, to store them.
func (t *tally) unit() *unitTally {
	u := &unitTally{}
	for j, v := range t.checks {
		u.checks = append(u.checks, [3]int32{int32(j), int32(v[0]), int32(v[1])})
	}
	slices.SortFunc(u.checks, func(a, b [3]int32) int { return cmp.Compare(a[0], b[0]) })
	for k, n := range t.observed {
		u.observed = append(u.observed, [3]int64{k.source, k.micros, int64(n)})
	}
	for src, p := range t.people {
		u.people = append(u.people, [3]int64{src, int64(p[0]), int64(p[1])})
	}
	slices.SortFunc(u.people, func(a, b [3]int64) int { return cmp.Compare(a[0], b[0]) })
	return u
}

func (t *tally) encode() ([]byte, error) { return t.unit().encode() }

func decodeTally(b []byte) (*tally, error) {
	u, err := decodeUnitTally(b)
	if err != nil {
		return nil, err
	}
	t := newTally()
	t.add(u, 1)
	return t, nil
}

// live returns each source's live records and the newest observation.
func (t *tally) live() map[int64]liveCount {
	out := map[int64]liveCount{}
	for k, n := range t.observed {
		l := out[k.source]
		l.records += n
		if at := time.UnixMicro(k.micros).UTC(); n > 0 && at.After(l.newest) {
			l.newest = at
		}
		out[k.source] = l
	}
	return out
}

type liveCount struct {
	records int
	newest  time.Time
}

// observe returns the tally of every unit the dataset holds records of
// that keep(unit) accepts, with its live records counted.
func observe(ds *golden.Dataset, keep func(unit string) bool) map[string]*unitTally {
	out := map[string]*unitTally{}
	for _, s := range ds.Sources {
		for i := range s.Records {
			r := &s.Records[i]
			u := unitOf(s.ID, r.RecordID, r.EntityID)
			if !keep(u) {
				continue
			}
			t := out[u]
			if t == nil {
				t = &unitTally{}
				out[u] = t
			}
			t.observe(s.ID, r.ObservedAt().UnixMicro())
		}
	}
	return out
}

// count adds to the tallies of units (from observe, over the same
// dataset and units) the records each check over records counted and
// failed in rep, a run over ds with per-record counts, and when their
// results may next differ.
func count(units map[string]*unitTally, ds *golden.Dataset, rep *quality.Report, keep func(unit string) bool) {
	// Each record's tally, by position, for the source whose results come
	// next (a report holds each source's together): one map lookup a
	// record instead of one a record and check.
	var (
		of   []*unitTally
		last *golden.Source
	)
	for j, res := range rep.Results {
		if !quality.OverRecords(res.Kind) {
			continue
		}
		src := ds.Source(res.Source)
		if src != last {
			last, of = src, slices.Grow(of[:0], len(src.Records))[:len(src.Records)]
			for i := range src.Records {
				r := &src.Records[i]
				if u := unitOf(src.ID, r.RecordID, r.EntityID); keep(u) {
					of[i] = units[u]
				} else {
					of[i] = nil
				}
			}
		}
		for i := range res.Counted.All() {
			if t := of[i]; t != nil {
				t.bump(j, 1, 0)
			}
		}
		for _, f := range res.Findings {
			// A finding about a record with no live version has no unit
			// here: there is none.
			if u := unitOf(src.ID, f.RecordID, f.EntityID); keep(u) && units[u] != nil {
				units[u].bump(j, 0, max(1, f.Records))
			}
		}
		for i, day := range res.Due.All() {
			if t := of[i]; t != nil {
				t.dueOn(day)
			}
		}
	}
}

// keyer computes the keys of records: the hashed values of the fields
// through which results and golden records depend on other units' records
// (quality.Config.KeyFields, golden.KeyAttrs).
type keyer struct {
	fields    map[int64][][]string // by source id
	overrides map[store.RecordRef][]store.Override
}

func newKeyer(ds *golden.Dataset, cfg *quality.Config, overrides []store.Override) *keyer {
	k := &keyer{fields: map[int64][][]string{}, overrides: map[store.RecordRef][]store.Override{}}
	byCheck := cfg.KeyFields(ds)
	for _, s := range ds.Sources {
		sets := byCheck[s.Name]
		for _, a := range golden.KeyAttrs(s.Entity) {
			if !slices.ContainsFunc(sets, func(set []string) bool { return slices.Equal(set, []string{a}) }) {
				sets = append(sets, []string{a})
			}
		}
		// Records that share the values of several fields share the
		// value of each: when one of them is a key by itself, it finds
		// them all, and a key per record for the combination (one per
		// monthly declaration) would only fill the table.
		single := map[string]bool{}
		for _, set := range sets {
			if len(set) == 1 {
				single[set[0]] = true
			}
		}
		k.fields[s.ID] = slices.DeleteFunc(sets, func(set []string) bool {
			return len(set) > 1 && slices.ContainsFunc(set, func(f string) bool { return single[f] })
		})
	}
	for _, o := range overrides {
		ref := store.RecordRef{SourceID: o.SourceID, RecordID: o.RecordID}
		k.overrides[ref] = append(k.overrides[ref], o)
	}
	return k
}

// keys calls add with every key of record r of source src: its values of
// each set of key fields, and the values accepted corrections give them
// (which a golden record may take instead).
func (k *keyer) keys(src int64, r *golden.Record, add func(int64)) {
	for _, set := range k.fields[src] {
		if v, ok := quality.KeyValue(r, set); ok {
			add(hashKey(v))
		}
		if len(set) != 1 {
			continue
		}
		for _, o := range k.overrides[store.RecordRef{SourceID: src, RecordID: r.RecordID}] {
			if o.Attr == set[0] && o.Value != "" {
				add(hashKey(o.Value))
			}
		}
	}
}

// hashKey is a key's value hashed: two units that share a value share the
// hash; a collision only makes a run redo more.
func hashKey(v string) int64 {
	// FNV-1a, 64 bits (hash/fnv's, without its allocation per value).
	h := uint64(14695981039346656037)
	for i := 0; i < len(v); i++ {
		h ^= uint64(v[i])
		h *= 1099511628211
	}
	return int64(h)
}

// unitKeys returns the keys of every unit the dataset holds records of
// that keep accepts, each (unit, key) once, by unit.
func (k *keyer) unitKeys(ds *golden.Dataset, keep func(unit string) bool) []store.UnitKey {
	var out []store.UnitKey
	for _, s := range ds.Sources {
		for i := range s.Records {
			r := &s.Records[i]
			u := unitOf(s.ID, r.RecordID, r.EntityID)
			if keep(u) {
				k.keys(s.ID, r, func(key int64) { out = append(out, store.UnitKey{Unit: u, Key: key}) })
			}
		}
	}
	slices.SortFunc(out, func(a, b store.UnitKey) int { return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Key, b.Key)) })
	return slices.Compact(out)
}
