package resolve

import (
	"hash/maphash"
	"slices"
)

// identical groups the records whose matching forms are all the same:
// every feature, the national id's validity and every extra attribute.
// Such records compare the same with every other record, so linking
// compares one of them, the group's representative, and counts its pairs
// as many times as the groups it joins hold records.
//
// Agencies' registers repeat a person row after row (a month's income
// declaration each, a visit each), so a country's records are many times
// its people: the tax register alone gave seven rows a person, and
// comparing them all grew with the square of those rows.
type identical struct {
	rep  []int32  // per record, the representative of its group (itself if none)
	mult []uint32 // per record, its group's size when it represents it, else 0
	reps int      // the number of groups
}

// identicalRecords finds the groups of t. Records of one source that
// are identical share a form row already; rows of different sources with
// the same codes are found by hashing them.
func identicalRecords(t *Table) *identical {
	n := t.Len()
	id := &identical{rep: make([]int32, n), mult: make([]uint32, n)}
	seed := maphash.MakeSeed()
	canon := make([]int32, t.rows()) // per row, the first row with its codes
	byHash := make(map[uint64]int32, t.rows())
	var f form
	for r := range canon {
		t.formOf(r, &f)
		h := formHash(seed, f.codes[:], f.extras, f.nidValid)
		c, ok := byHash[h]
		// A hash shared by rows that differ leaves the later one a
		// group of its own.
		if !ok || !t.rowIs(int(c), &f) {
			if !ok {
				byHash[h] = int32(r)
			}
			c = int32(r)
		}
		canon[r] = c
	}
	first := make([]int32, t.rows())
	for r := range first {
		first[r] = -1
	}
	for i := range n {
		c := canon[t.row[i]]
		if first[c] < 0 {
			first[c] = int32(i)
			id.reps++
		}
		id.rep[i] = first[c]
		id.mult[first[c]]++
	}
	return id
}

// everyRecord makes every record a group of its own.
func everyRecord(t *Table) *identical {
	id := &identical{rep: make([]int32, t.Len()), mult: make([]uint32, t.Len()), reps: t.Len()}
	for i := range id.rep {
		id.rep[i], id.mult[i] = int32(i), 1
	}
	return id
}

// represents says record i is compared for its group.
func (id *identical) represents(i int) bool { return id.rep[i] == int32(i) }

// weight is how many record pairs the pair of representatives i and j
// stands for.
func (id *identical) weight(i, j int) float64 { return float64(id.mult[i]) * float64(id.mult[j]) }

// pairCounts counts the patterns of the compared pairs as the record
// pairs they stand for, as the model's training wants them: a pair of
// representatives for every pair of their groups' records, and in each
// group that blocking would have compared (it has a key), its records'
// pairs with each other; then extra, each once.
func (id *identical) pairCounts(t *Table, cs []comparison, b *blocking, extra []candidate) []patternCount {
	counts := countSet(b.cands, id.weight)
	for i, m := range id.mult {
		if m < 2 || !id.blocked(b, i) {
			continue
		}
		counts[compare(t, cs, b, i, i)] += float64(m) * float64(m-1) / 2
	}
	for p, n := range countSet(chunked(extra), nil) {
		counts[p] += n
	}
	return sortedCounts(counts)
}

// blocked says representative i has a blocking key, outside the blocks
// too large to compare: its group's records would have been compared.
func (id *identical) blocked(b *blocking, i int) bool {
	return slices.ContainsFunc(b.keys, func(keys []uint64) bool { return keys[b.row[i]] != 0 })
}

// clustered returns, per record, how many records it stands for when
// clustered: its group's size where the group's records link to each
// other (blocking would have compared them and they weigh at least
// minWeight), else one.
func (id *identical) clustered(s *scorer, b *blocking, minWeight float64) []uint32 {
	records := make([]uint32, len(id.rep))
	for i, m := range id.mult {
		switch {
		case m == 0:
		case m > 1 && id.blocked(b, i) && s.weight(i, i, compare(s.t, s.cs, b, i, i)) >= minWeight:
			records[i] = m
		default:
			records[i] = 1
		}
	}
	return records
}

// join gives every record its representative's entity where its group's
// records link (records, from clustered), or where the representative
// joined other records, each of which the record would have linked to as
// well. It returns how many records it joined.
func (id *identical) join(entity []int32, records []uint32) int {
	size := map[int32]int{}
	for i, e := range entity {
		if id.represents(i) {
			size[e]++
		}
	}
	joined := 0
	for i, r := range id.rep {
		if int(r) != i && (records[r] > 1 || size[entity[r]] > 1) {
			entity[i] = entity[r]
			joined++
		}
	}
	return joined
}
