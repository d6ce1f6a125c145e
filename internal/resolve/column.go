package resolve

import "strings"

// column holds one matching form of every form row (see Table),
// dictionary-encoded: a country has few distinct names, places and birth
// dates, and a person's records repeat theirs, so each row costs four bytes
// a feature and every distinct value is kept once. Two rows hold the same
// value exactly when they hold the same code.
type column struct {
	codes []uint32          // per form row; 0 is no value
	vals  []string          // by code; vals[0] is ""
	index map[string]uint32 // code of each value
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
	if k, ok := c.index[v]; ok {
		return k
	}
	if c.index == nil {
		if len(c.vals) == 0 {
			c.vals = []string{""}
		}
		c.index = make(map[string]uint32, len(c.vals))
		for k, v := range c.vals[1:] {
			c.index[v] = uint32(k + 1)
		}
		if k, ok := c.index[v]; ok {
			return k
		}
	}
	k := uint32(len(c.vals))
	v = strings.Clone(v)
	c.vals = append(c.vals, v)
	c.index[v] = k
	return k
}

// seal drops the index that finds codes by value; code rebuilds it if a
// value is added after all.
func (c *column) seal() { c.index = nil }

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
