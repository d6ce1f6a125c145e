package golden

import (
	"iter"
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

// Attrs are a record's canonical attributes.
type Attrs struct {
	names *[]string // the source's attribute names; values[i] belongs to (*names)[i]
	vals  []string
}

// Get returns the value of attribute name, "" when the record has none.
func (a Attrs) Get(name string) string {
	if a.names == nil {
		return ""
	}
	for i, v := range a.vals {
		if (*a.names)[i] == name {
			return v
		}
	}
	return ""
}

// All yields every non-empty attribute and its value.
func (a Attrs) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for i, v := range a.vals {
			if v != "" && !yield((*a.names)[i], v) {
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
	n := 0
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
	}
	rec.Attrs.vals = make([]string, n)
	for k, v := range r.Attrs {
		if v != "" {
			rec.Attrs.vals[s.attrIndex[k]] = v
		}
	}
	s.Records = append(s.Records, rec)
}
