package golden

import (
	"encoding/binary"
	"fmt"
	"iter"
	"strings"
	"time"
	"unsafe"

	"github.com/ortaq/ortaq/internal/store"
)

// Record is one live record held compactly: a national store holds tens of
// millions, and a full quality run holds every one. Its attributes are
// values aligned to its source's attribute names rather than a map of its
// own, and its numbers take the width they need.
type Record struct {
	RecordID string
	EntityID string // "" when not resolved
	RunID    int64
	observed int64 // Unix microseconds, the store's precision
	Version  int32
	Line     int32
	Invalid  map[string]string // attribute -> why ingest flagged it; nil when all are valid
	Attrs    Attrs
}

// ObservedAt returns when the record's data was observed (UTC).
func (r *Record) ObservedAt() time.Time { return time.UnixMicro(r.observed).UTC() }

// Attrs are a record's canonical attributes in one string: how many
// positions it has and the length of all values together, the length of
// the value at each position (uvarints, a byte each for values shorter
// than 128 bytes), then the values one after another, so that they start
// that length before the string's end. A nation's records hold a dozen
// short values each; a string apiece, or a slice of ends, would cost a
// header and an allocation each, about as much again as the values
// themselves.
type Attrs struct {
	names  *[]string // the source's attribute names; the value at i belongs to (*names)[i]
	packed string
}

// uvarint decodes the uvarint at s[i:] and returns it and where it ends.
func uvarint(s string, i int) (v, next int) {
	var shift uint
	for ; i < len(s); i++ {
		b := s[i]
		v |= int(b&0x7f) << shift
		if b < 0x80 {
			return v, i + 1
		}
		shift += 7
	}
	return 0, len(s)
}

// values yields the position and value of every position, empty or not.
func (a Attrs) values() iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		n, p := uvarint(a.packed, 0)
		total, p := uvarint(a.packed, p)
		start := len(a.packed) - total
		for i := range n {
			var l int
			l, p = uvarint(a.packed, p)
			if !yield(i, a.packed[start:start+l]) {
				return
			}
			start += l
		}
	}
}

// Get returns the value of attribute name, "" when the record has none.
func (a Attrs) Get(name string) string {
	for i, v := range a.values() {
		if (*a.names)[i] == name {
			return v
		}
	}
	return ""
}

// positions yields the position and value of every non-empty attribute.
func (a Attrs) positions() iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for i, v := range a.values() {
			if v != "" && !yield(i, v) {
				return
			}
		}
	}
}

// All yields every non-empty attribute and its value.
func (a Attrs) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for i, v := range a.positions() {
			if !yield((*a.names)[i], v) {
				return
			}
		}
	}
}

// Add appends a record read from the store to the source, copying what it
// keeps: r.Attrs may be reused by the caller.
func (s *Source) Add(r store.LiveRecord) {
	rec := Record{RecordID: r.RecordID, EntityID: r.EntityID, Version: int32(r.Version), RunID: r.RunID,
		Line: int32(r.Line), observed: r.ObservedAt.UnixMicro(), Invalid: r.Invalid, Attrs: Attrs{names: &s.attrNames}}
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
	if n > 0 {
		var (
			b   strings.Builder
			num [binary.MaxVarintLen64]byte
		)
		// Exactly: the string keeps the builder's whole capacity.
		head := len(binary.AppendUvarint(num[:0], uint64(n))) + len(binary.AppendUvarint(num[:0], uint64(size)))
		for _, v := range vals {
			head += len(binary.AppendUvarint(num[:0], uint64(len(v))))
		}
		b.Grow(head + size)
		b.Write(binary.AppendUvarint(num[:0], uint64(n)))
		b.Write(binary.AppendUvarint(num[:0], uint64(size)))
		for _, v := range vals {
			b.Write(binary.AppendUvarint(num[:0], uint64(len(v))))
		}
		for _, v := range vals {
			b.WriteString(v)
		}
		rec.Attrs.packed = b.String()
	}
	s.Records = append(s.Records, rec)
}

// Position returns the index in s.Records of r, which MUST point into
// s.Records: what a whole nation's per-record results are kept by, four
// bytes or a bit instead of a pointer. It is address arithmetic, so that
// a record need not carry its own index.
func (s *Source) Position(r *Record) int {
	base := unsafe.SliceData(s.Records)
	i := int((uintptr(unsafe.Pointer(r)) - uintptr(unsafe.Pointer(base))) / unsafe.Sizeof(Record{}))
	if i < 0 || i >= len(s.Records) || &s.Records[i] != r {
		// A caller's mistake, never the data's: counting a record of
		// another source would miscount every score after it.
		panic(fmt.Sprintf("golden: record %s is not one of source %s's records", r.RecordID, s.Name))
	}
	return i
}
