package golden

import (
	"iter"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// Record is one live record held compactly: a national store holds tens of
// millions, so its attributes are a slice of values aligned to its source's
// attribute names rather than a map of its own.
type Record struct {
	RecordID   string
	EntityID   string // "" when not resolved
	Version    int
	RunID      int64
	Line       int
	ObservedAt time.Time
	Invalid    map[string]string // attribute -> why ingest flagged it; nil when all are valid
	Attrs      Attrs
}

// Attrs are a record's canonical attributes: its values one after another
// in one string, and where each ends. A nation's records hold a dozen
// short values each; a string apiece would cost a header and an allocation
// per value, about as much again as the values themselves.
type Attrs struct {
	names *[]string // the source's attribute names; the value at i belongs to (*names)[i]
	vals  string
	ends  []uint32 // ends[i] is where the value at i ends in vals
}

// at returns the value at position i.
func (a Attrs) at(i int) string {
	var start uint32
	if i > 0 {
		start = a.ends[i-1]
	}
	return a.vals[start:a.ends[i]]
}

// Get returns the value of attribute name, "" when the record has none.
func (a Attrs) Get(name string) string {
	for i := range a.ends {
		if (*a.names)[i] == name {
			return a.at(i)
		}
	}
	return ""
}

// All yields every non-empty attribute and its value.
func (a Attrs) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for i := range a.ends {
			if v := a.at(i); v != "" && !yield((*a.names)[i], v) {
				return
			}
		}
	}
}

// Add appends a record read from the store to the source, copying what it
// keeps: r.Attrs may be reused by the caller.
func (s *Source) Add(r store.LiveRecord) {
	rec := Record{RecordID: r.RecordID, EntityID: r.EntityID, Version: r.Version, RunID: r.RunID, Line: r.Line,
		ObservedAt: r.ObservedAt, Invalid: r.Invalid, Attrs: Attrs{names: &s.attrNames}}
	if s.attrIndex == nil {
		s.attrIndex = map[string]int{}
	}
	n, size := 0, 0
	for k, v := range r.Attrs {
		if v == "" {
			continue
		}
		i, ok := s.attrIndex[k]
		if !ok {
			i = len(s.attrNames)
			s.attrIndex[k] = i
			s.attrNames = append(s.attrNames, k)
		}
		n = max(n, i+1)
		size += len(v)
	}
	if cap(s.scratch) < n {
		s.scratch = make([]string, n)
	}
	vals := s.scratch[:n]
	clear(vals)
	for k, v := range r.Attrs {
		if v != "" {
			vals[s.attrIndex[k]] = v
		}
	}
	var b strings.Builder
	b.Grow(size)
	rec.Attrs.ends = make([]uint32, n)
	for i, v := range vals {
		b.WriteString(v)
		rec.Attrs.ends[i] = uint32(b.Len())
	}
	rec.Attrs.vals = b.String()
	s.Records = append(s.Records, rec)
}
