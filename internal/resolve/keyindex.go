package resolve

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/store"
)

// keyIndex finds the records that hold a blocking key: what an incremental
// resolve asks for every changed record, so it must answer in microseconds
// whatever the size of the store. It holds, for one entity kind, every
// stored record's keys as the last resolve run left them, about 40 bytes a
// record with three keys (37 measured for the synthetic nation's people):
//
//   - a table of records by ordinal: the source (2 bytes) and the record id
//     (its bytes and a 4-byte offset);
//   - a base, built in one go: the distinct key hashes sorted, and for each
//     the ordinals holding it (in no order), in one array (4 bytes an entry);
//   - what resolve runs changed since: a map from key to the ordinals added,
//     and a bit per ordinal that is no longer current. A changed record gets
//     a new ordinal with its new keys and its old ordinal is marked dead, so
//     that keys are never removed from the arrays; the base is rebuilt when
//     the changes grow to a share of it.
//
// Base ordinals are in record order (source id, then record id bytewise),
// so a record's ordinal is found by binary search; ordinals added since are
// found in a map.
type keyIndex struct {
	run int64 // the kind's resolve run the index is current with

	srcIDs []int64          // distinct source ids
	srcAt  map[int64]uint16 // source id -> index in srcIDs
	src    []uint16         // ordinal -> index in srcIDs
	idOff  []uint32         // ordinal -> start of its id in ids; one more than ordinals
	ids    []byte

	keys  []uint64 // base: sorted distinct keys
	start []uint32 // base: keys[k]'s ordinals are ords[start[k]:start[k+1]]
	ords  []uint32
	nBase int // ordinals below nBase are the base's, in record order

	added    map[store.RecordRef]uint32 // the current ordinal of a record added since the base
	delta    map[uint64][]uint32        // key -> ordinals added since the base holding it
	nDelta   int                        // entries in delta
	dead     []uint64                   // bit per ordinal: no longer current
	nDead    int
	maxDelta int // delta entries past which apply rebuilds the base; 0: never
}

// indexBuilder collects records and their keys for a new keyIndex.
type indexBuilder struct {
	ix     *keyIndex
	pairs  []keyOrd
	sorted bool // records came in record order
}

// keyOrd is one key of one ordinal.
type keyOrd struct {
	key uint64
	ord uint32
}

func newIndexBuilder() *indexBuilder {
	return &indexBuilder{ix: &keyIndex{srcAt: map[int64]uint16{}, idOff: []uint32{0}}, sorted: true}
}

// add appends a record and its keys.
func (b *indexBuilder) add(rk store.RecordKeys) error {
	ix := b.ix
	ord, err := ix.appendRecord(rk.Ref)
	if err != nil {
		return err
	}
	if ord > 0 && b.sorted && CompareRefs(ix.ref(ord-1), rk.Ref) >= 0 {
		b.sorted = false
	}
	for _, k := range rk.Keys {
		b.pairs = append(b.pairs, keyOrd{k, ord})
	}
	return nil
}

// build sorts what was added into the base and returns the index.
func (b *indexBuilder) build() *keyIndex {
	ix := b.ix
	if !b.sorted {
		ix.sortRecords(b.pairs)
	}
	sortPairs(b.pairs)
	ix.ords = make([]uint32, len(b.pairs))
	for i, p := range b.pairs {
		if i == 0 || p.key != b.pairs[i-1].key {
			ix.keys = append(ix.keys, p.key)
			ix.start = append(ix.start, uint32(i))
		}
		ix.ords[i] = p.ord
	}
	ix.start = append(ix.start, uint32(len(b.pairs)))
	ix.keys, ix.start = slices.Clip(ix.keys), slices.Clip(ix.start)
	ix.nBase = len(ix.src)
	ix.added = map[store.RecordRef]uint32{}
	ix.delta = map[uint64][]uint32{}
	ix.dead = make([]uint64, (len(ix.src)+63)/64)
	ix.maxDelta = max(1<<16, len(ix.ords)/8)
	b.pairs = nil
	return ix
}

// sortPairs sorts pairs by key, four times as fast as a comparison sort
// on millions: a least-significant-digit radix sort, 16 bits a pass, which
// needs as much memory again while it runs.
func sortPairs(pairs []keyOrd) {
	if len(pairs) < 1<<12 {
		slices.SortFunc(pairs, func(x, y keyOrd) int { return cmp.Compare(x.key, y.key) })
		return
	}
	var count [1 << 16]int
	src, dst := pairs, make([]keyOrd, len(pairs))
	for shift := 0; shift < 64; shift += 16 {
		clear(count[:])
		for _, p := range src {
			count[p.key>>shift&0xffff]++
		}
		sum := 0
		for i, c := range count {
			count[i], sum = sum, sum+c
		}
		for _, p := range src {
			d := p.key >> shift & 0xffff
			dst[count[d]] = p
			count[d]++
		}
		src, dst = dst, src
	}
	// Four passes: the sorted pairs are back in pairs.
}

// appendRecord gives ref the next ordinal.
func (ix *keyIndex) appendRecord(ref store.RecordRef) (uint32, error) {
	if len(ix.src) == 1<<32-1 {
		return 0, fmt.Errorf("key index: more than %d records", 1<<32-2)
	}
	if uint64(len(ix.ids))+uint64(len(ref.RecordID)) > 1<<32-1 {
		return 0, fmt.Errorf("key index: record ids over 4 GiB")
	}
	s, ok := ix.srcAt[ref.SourceID]
	if !ok {
		if len(ix.srcIDs) > 1<<16-1 {
			return 0, fmt.Errorf("key index: more than %d sources", 1<<16)
		}
		s = uint16(len(ix.srcIDs))
		ix.srcIDs = append(ix.srcIDs, ref.SourceID)
		ix.srcAt[ref.SourceID] = s
	}
	ix.src = append(ix.src, s)
	ix.ids = append(ix.ids, ref.RecordID...)
	ix.idOff = append(ix.idOff, uint32(len(ix.ids)))
	return uint32(len(ix.src) - 1), nil
}

// sortRecords renumbers the records in record order, and pairs with them.
func (ix *keyIndex) sortRecords(pairs []keyOrd) {
	n := len(ix.src)
	perm := make([]uint32, n)
	for i := range perm {
		perm[i] = uint32(i)
	}
	slices.SortFunc(perm, func(a, b uint32) int { return ix.compareOrds(a, b) })
	newOrd := make([]uint32, n)
	src := make([]uint16, n)
	idOff := make([]uint32, 1, n+1)
	ids := make([]byte, 0, len(ix.ids))
	for i, o := range perm {
		newOrd[o] = uint32(i)
		src[i] = ix.src[o]
		ids = append(ids, ix.ids[ix.idOff[o]:ix.idOff[o+1]]...)
		idOff = append(idOff, uint32(len(ids)))
	}
	ix.src, ix.idOff, ix.ids = src, idOff, ids
	for i := range pairs {
		pairs[i].ord = newOrd[pairs[i].ord]
	}
}

func (ix *keyIndex) id(o uint32) string { return string(ix.ids[ix.idOff[o]:ix.idOff[o+1]]) }

func (ix *keyIndex) ref(o uint32) store.RecordRef {
	return store.RecordRef{SourceID: ix.srcIDs[ix.src[o]], RecordID: ix.id(o)}
}

// compareOrds orders two ordinals' records without making strings.
func (ix *keyIndex) compareOrds(a, b uint32) int {
	return cmp.Or(cmp.Compare(ix.srcIDs[ix.src[a]], ix.srcIDs[ix.src[b]]),
		strings.Compare(ix.id(a), ix.id(b)))
}

func CompareRefs(a, b store.RecordRef) int {
	return cmp.Or(cmp.Compare(a.SourceID, b.SourceID), strings.Compare(a.RecordID, b.RecordID))
}

func (ix *keyIndex) isDead(o uint32) bool { return ix.dead[o/64]&(1<<(o%64)) != 0 }

// ordinal returns the current ordinal of ref.
func (ix *keyIndex) ordinal(ref store.RecordRef) (uint32, bool) {
	if o, ok := ix.added[ref]; ok {
		return o, true
	}
	lo, hi := 0, ix.nBase
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if CompareRefs(ix.ref(uint32(m)), ref) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < ix.nBase && ix.ref(uint32(lo)) == ref && !ix.isDead(uint32(lo)) {
		return uint32(lo), true
	}
	return 0, false
}

// lookup returns the current records holding any of keys, each once, in
// record order.
func (ix *keyIndex) lookup(keys []uint64) []store.RecordRef {
	var hits []uint32
	for _, k := range keys {
		if i, ok := slices.BinarySearch(ix.keys, k); ok {
			hits = append(hits, ix.ords[ix.start[i]:ix.start[i+1]]...)
		}
		hits = append(hits, ix.delta[k]...)
	}
	slices.Sort(hits)
	hits = slices.Compact(hits)
	out := make([]store.RecordRef, 0, len(hits))
	for _, o := range hits {
		if !ix.isDead(o) {
			out = append(out, ix.ref(o))
		}
	}
	slices.SortFunc(out, CompareRefs)
	return out
}

// kill marks ref's current ordinal, if any, as no longer current.
func (ix *keyIndex) kill(ref store.RecordRef) {
	o, ok := ix.ordinal(ref)
	if !ok {
		return
	}
	ix.dead[o/64] |= 1 << (o % 64)
	ix.nDead++
	delete(ix.added, ref)
}

// apply brings the index up to what one resolve run stored: the keys of
// gone records are dropped, those of keys replaced.
func (ix *keyIndex) apply(gone []store.RecordRef, keys []store.RecordKeys) error {
	for _, ref := range gone {
		ix.kill(ref)
	}
	for _, rk := range keys {
		ix.kill(rk.Ref)
		o, err := ix.appendRecord(rk.Ref)
		if err != nil {
			return err
		}
		if len(ix.dead) <= int(o/64) {
			ix.dead = append(ix.dead, 0)
		}
		ix.added[rk.Ref] = o
		for _, k := range rk.Keys {
			ix.delta[k] = append(ix.delta[k], o)
			ix.nDelta++
		}
	}
	if ix.maxDelta > 0 && ix.nDelta+ix.nDead > ix.maxDelta {
		ix.rebase()
	}
	return nil
}

// rebase rebuilds the base from the current records, dropping the dead
// ordinals and folding in the added ones.
func (ix *keyIndex) rebase() {
	keep := make([]uint32, 0, len(ix.src)-ix.nDead)
	for o := range uint32(len(ix.src)) {
		if !ix.isDead(o) {
			keep = append(keep, o)
		}
	}
	slices.SortFunc(keep, ix.compareOrds)
	b := newIndexBuilder()
	b.ix.srcIDs, b.ix.srcAt = ix.srcIDs, ix.srcAt
	newOrd := make([]uint32, len(ix.src))
	for i, o := range keep {
		newOrd[o] = uint32(i)
		b.ix.src = append(b.ix.src, ix.src[o])
		b.ix.ids = append(b.ix.ids, ix.ids[ix.idOff[o]:ix.idOff[o+1]]...)
		b.ix.idOff = append(b.ix.idOff, uint32(len(b.ix.ids)))
	}
	for k, key := range ix.keys {
		for _, o := range ix.ords[ix.start[k]:ix.start[k+1]] {
			if !ix.isDead(o) {
				b.pairs = append(b.pairs, keyOrd{key, newOrd[o]})
			}
		}
	}
	for key, os := range ix.delta {
		for _, o := range os {
			if !ix.isDead(o) {
				b.pairs = append(b.pairs, keyOrd{key, newOrd[o]})
			}
		}
	}
	run := ix.run
	*ix = *b.build()
	ix.run = run
}

// bytes is about the memory the index holds.
func (ix *keyIndex) bytes() int {
	n := 2*len(ix.src) + 4*len(ix.idOff) + len(ix.ids) + 8*len(ix.keys) + 4*len(ix.start) + 4*len(ix.ords) + 8*len(ix.dead)
	return n + ix.nDelta*4 + len(ix.delta)*48 + len(ix.added)*56
}

// records is how many current records the index holds.
func (ix *keyIndex) records() int { return len(ix.src) - ix.nDead }
