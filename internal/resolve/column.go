package resolve

import (
	"hash/maphash"
	"strings"
)

// column holds one matching form of every form row (see Table),
// dictionary-encoded: a country has few distinct names, places and birth
// dates, and a person's records repeat theirs, so each row costs four bytes
// a feature and every distinct value is kept once. Two rows hold the same
// value exactly when they hold the same code.
type column struct {
	codes []uint32 // per form row; 0 is no value
	vals  []string // by code; vals[0] is ""
	index index    // code of each value, while values are added
}

// at is row r's value, "" when it has none.
func (c *column) at(r int) string {
	if k := c.codes[r]; k != 0 {
		return c.vals[k]
	}
	return ""
}

// code returns v's code, adding v to the dictionary when new. The value is
// copied on first sight, so that the column never keeps alive the row of
// the extract it was read from.
func (c *column) code(v string) uint32 {
	if v == "" {
		return 0
	}
	if len(c.vals) == 0 {
		c.vals = []string{""}
	}
	if c.index.slots == nil {
		c.index.rebuild(c.vals)
	}
	h := maphash.String(c.index.seed, v)
	s, k := c.index.find(c.vals, v, h)
	if k != 0 {
		return k
	}
	k = uint32(len(c.vals))
	c.vals = append(c.vals, strings.Clone(v))
	c.index.put(c.vals, s, h, k)
	return k
}

// seal drops the index that finds codes by value; code rebuilds it if a
// value is added after all.
func (c *column) seal() { c.index = index{} }

// index finds a dictionary's codes by value: open addressing over slots
// holding a code and the top half of its value's hash. A country's
// columns hold tens of millions of distinct values (ids, phones,
// addresses), and a Go map of them took five times this memory.
type index struct {
	seed  maphash.Seed
	slots []uint64 // hash<<32 | code; 0 is empty; a power of two long
	used  int
}

// find returns the slot of v (hash h) and its code, or the empty slot
// where it belongs and 0.
func (x *index) find(vals []string, v string, h uint64) (int, uint32) {
	mask := len(x.slots) - 1
	top := h >> 32
	for s := int(h) & mask; ; s = (s + 1) & mask {
		e := x.slots[s]
		if e == 0 {
			return s, 0
		}
		if e>>32 == top && vals[uint32(e)] == v {
			return s, uint32(e)
		}
	}
}

// put stores code k of hash h in the empty slot s, growing the slots
// when three quarters are used.
func (x *index) put(vals []string, s int, h uint64, k uint32) {
	x.slots[s] = h>>32<<32 | uint64(k)
	if x.used++; 4*x.used >= 3*len(x.slots) {
		x.rebuild(vals)
	}
}

// rebuild indexes every value of vals, with room to grow.
func (x *index) rebuild(vals []string) {
	if x.slots == nil {
		x.seed = maphash.MakeSeed()
	}
	n := 16
	for 3*n < 8*len(vals) {
		n *= 2
	}
	x.slots, x.used = make([]uint64, n), 0
	for k := 1; k < len(vals); k++ {
		h := maphash.String(x.seed, vals[k])
		s, _ := x.find(vals, vals[k], h)
		x.slots[s] = h>>32<<32 | uint64(k)
		x.used++
	}
}

// appendColumn appends every row of u, recoding its values.
func (c *column) appendColumn(u *column) {
	remap := make([]uint32, max(len(u.vals), 1))
	for k := 1; k < len(u.vals); k++ {
		remap[k] = c.code(u.vals[k])
	}
	for _, k := range u.codes {
		c.codes = append(c.codes, remap[k])
	}
}

// padTo appends rows without a value until the column has n.
func (c *column) padTo(n int) {
	for len(c.codes) < n {
		c.codes = append(c.codes, 0)
	}
}

// counts is how many of the records, given by their rows, hold each code
// (counts[0] those without a value).
func (c *column) counts(rows []uint32) []int32 {
	n := make([]int32, max(len(c.vals), 1))
	for _, r := range rows {
		n[c.codes[r]]++
	}
	return n
}
