package resolve

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ortaq/ortaq/internal/source"
)

// rule is a blocking rule: records with the same non-zero key are compared.
// Rules are joined: a pair is a candidate when any rule puts both records
// in one block, and it is compared once, by the first such rule.
type rule struct {
	name  string
	reads uint64 // features the key is made of, as for comparisons
	key   func(t *Table, i int) string
	// order, when set, orders a large block's records for comparing
	// neighbours (see generate). Its first feature, the lead, is one the
	// key leaves free: a person's records sit together by it, and a
	// neighbour whose lead is outright different is someone else.
	order []feature
	// windowDivisor, when set, makes the rule compare neighbours by order
	// instead of every pair from blocks of more than window/windowDivisor
	// records. It is set for rules whose lead, when outright different,
	// means another person even in a small block: then a block that grows
	// with the country costs each record the namesakes it could be, not
	// every record of the block.
	windowDivisor int
}

// pairwiseUpTo is the largest block rule r compares pair by pair.
func (r rule) pairwiseUpTo(window int) int {
	if r.windowDivisor > 0 {
		return window / r.windowDivisor
	}
	return window
}

// maxRules is how many rules a pattern's top byte can flag.
const maxRules = 8

// rulesFor lists the blocking rules that the table's features allow. They
// are chosen to be selective (a typical block holds a handful of records)
// yet complementary: an identifier, the birth date with an initial, and
// the names alone each catch the pairs whose other attributes carry typos.
func rulesFor(t *Table) []rule {
	rs := allRules(t, func(f feature) bool { return t.present[f] })
	if len(rs) > maxRules {
		rs = rs[:maxRules]
	}
	return rs
}

// rulesNamed rebuilds a stored model's blocking rules over t.
func rulesNamed(t *Table, m *Model) ([]rule, error) {
	all := allRules(t, func(feature) bool { return true })
	rs := make([]rule, len(m.Rules))
	for k, name := range m.Rules {
		i := slices.IndexFunc(all, func(r rule) bool { return r.name == name })
		if i < 0 {
			return nil, fmt.Errorf("stored %s model: blocking rule %q does not match this version of ortaq; resolve again with --retrain", m.Kind, name)
		}
		rs[k] = all[i]
	}
	return rs, nil
}

// allRules lists the blocking rules whose features has accepts.
func allRules(t *Table, has func(feature) bool) []rule {
	var rs []rule
	col := func(f feature) func(*Table, int) string {
		return func(t *Table, i int) string { return t.val(f, i) }
	}
	if has(fNID) {
		rs = append(rs, rule{name: "national_id", reads: bit(fNID), key: col(fNID)})
	}
	for e, x := range t.extras {
		if x.mode == source.MatchID {
			rs = append(rs, rule{name: x.name, reads: 1 << uint(extraBit+e), key: func(t *Table, i int) string { return t.extraVal(e, i) }})
		}
	}
	if has(fBirth) && has(fLast) {
		rs = append(rs, rule{name: "birth_date+last_initial", reads: bit(fBirth) | bit(fLast), key: func(t *Table, i int) string {
			return join(t.val(fBirth, i), initial(t.val(fLast, i)))
		}, order: []feature{fLastBase, fFirst, fMiddleBase, fNID}, windowDivisor: 2})
	}
	// A name and the month of birth catch a typo in the day together with
	// one in the other name.
	if has(fBirth) && has(fFirst) {
		rs = append(rs, rule{name: "first_name+birth_month", reads: bit(fBirth) | bit(fFirst), key: func(t *Table, i int) string {
			return join(month(t.val(fBirth, i)), t.val(fFirst, i))
		}, order: []feature{fLastBase, fBirth, fMiddleBase, fNID}})
	}
	if has(fBirth) && has(fLast) {
		rs = append(rs, rule{name: "last_name+birth_month", reads: bit(fBirth) | bit(fLast) | bit(fLastBase), key: func(t *Table, i int) string {
			return join(month(t.val(fBirth, i)), t.val(fLastBase, i))
		}, order: []feature{fFirst, fBirth, fMiddleBase, fNID}})
	}
	if has(fLast) && has(fFirst) {
		// In either order, so that a first and last name written the other
		// way round still meet; with the decade of birth, because a common
		// name alone (Ахметов Ерлан) makes blocks of thousands in a
		// country, while a mistyped year mostly stays in its decade.
		// Records without a birth date meet on the names alone.
		rs = append(rs, rule{name: "names+birth_decade", reads: bit(fLast) | bit(fLastBase) | bit(fFirst) | bit(fBirth), key: func(t *Table, i int) string {
			a, b := t.val(fLastBase, i), t.val(fFirst, i)
			if a > b {
				a, b = b, a
			}
			decade := "-"
			if d := t.val(fBirth, i); d != "" {
				decade = d[:3]
			}
			return join(join(a, b), decade)
		}, order: []feature{fBirth, fMiddleBase, fNID}, windowDivisor: 3})
	}
	if has(fPhone) {
		rs = append(rs, rule{name: "phone", reads: bit(fPhone), key: col(fPhone)})
	}
	if has(fEmail) {
		rs = append(rs, rule{name: "email", reads: bit(fEmail), key: col(fEmail)})
	}
	if has(fPostcode) && has(fLast) && has(fFirst) {
		rs = append(rs, rule{name: "postcode+initials", reads: bit(fPostcode) | bit(fLast) | bit(fFirst), key: func(t *Table, i int) string {
			return join(t.val(fPostcode, i), initial(t.val(fLast, i))+initial(t.val(fFirst, i)))
		}, order: []feature{fLastBase, fFirst, fBirth, fMiddleBase}, windowDivisor: 3})
	}
	// The birth date alone is the last resort of kinds with nothing else
	// to block on. People have better keys: a date's block grows with the
	// population (a hundred people per day of birth in a country), and
	// every record would be compared with all of them, in batch and each
	// time one record is linked into the store.
	if has(fBirth) && len(rs) == 0 {
		rs = append(rs, rule{name: "birth_date", reads: bit(fBirth), key: col(fBirth)})
	}
	return rs
}

// join makes a key of several parts, empty when any part is missing.
func join(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	return a + "\x00" + b
}

// month is the year and month of a YYYYMMDD date.
func month(d string) string {
	if len(d) < 6 {
		return ""
	}
	return d[:6]
}

func initial(s string) string {
	if s == "" {
		return ""
	}
	return s[:1]
}

// candidate is a compared pair: the records and their comparison pattern.
type candidate struct {
	i, j uint32
	pat  pattern
}

// pattern packs a pair's comparison levels (4 bits each, level+1, 0 for
// null) and, in the top byte, the blocking rules whose keys the pair
// shares.
type pattern uint64

func (p pattern) level(c int) int { return int(p>>(4*uint(c))&0xf) - 1 }

// blocking is the outcome of candidate generation.
type blocking struct {
	// cands are the compared pairs in chunks of at most candChunk, so
	// that tens of millions of them never sit in two copies while a
	// slice grows.
	cands [][]candidate
	// keys holds per rule and form row (see Table) the hashed key, 0 when
	// absent or in a giant block; row is the table's.
	keys [][]uint64
	row  []uint32
	// windowed holds, per rule, the keys of the blocks whose records were
	// compared only with their neighbours (see generate).
	windowed []map[uint64]bool
	// Per rule: blocks skipped as giant and the records in them.
	skippedBlocks, skippedRecords []int
}

// candChunk is how many candidates a chunk holds.
const candChunk = 1 << 16

// candidates counts the compared pairs.
func (b *blocking) candidates() int {
	n := 0
	for _, c := range b.cands {
		n += len(c)
	}
	return n
}

// chunked cuts cands into chunks of at most candChunk.
func chunked(cands []candidate) [][]candidate {
	var out [][]candidate
	for lo := 0; lo < len(cands); lo += candChunk {
		out = append(out, cands[lo:min(lo+candChunk, len(cands))])
	}
	return out
}

// comparedBefore reports that an earlier rule than r already compared
// records i and j: they share its key, in a block compared pair by pair.
func (b *blocking) comparedBefore(r, i, j int) bool {
	ri, rj := b.row[i], b.row[j]
	for s := range r {
		if k := b.keys[s][ri]; k != 0 && k == b.keys[s][rj] && !b.windowed[s][k] {
			return true
		}
	}
	return false
}

// key is record i's hashed key of rule r.
func (b *blocking) key(r, i int) uint64 { return b.keys[r][b.row[i]] }

// keyHashes computes every form row's key for every rule, hashed to 64
// bits (0 meaning no key). A hash collision only adds a candidate pair,
// which the comparison then judges.
func keyHashes(t *Table, rs []rule) [][]uint64 {
	keys := make([][]uint64, len(rs))
	for r := range rs {
		keys[r] = make([]uint64, t.rows())
	}
	// A record of each row: the keys are the row's.
	rec := make([]int32, t.rows())
	for i, r := range t.row {
		rec[r] = int32(i)
	}
	parallel(len(rec), func(lo, hi int) {
		for r, ru := range rs {
			for x := lo; x < hi; x++ {
				if k := ru.key(t, int(rec[x])); k != "" {
					keys[r][x] = keyHash(ru.name, k)
				}
			}
		}
	})
	return keys
}

// generate proposes and compares candidate pairs. Blocks with more than
// maxBlock records are skipped (and logged): comparing them would cost
// quadratic time for keys too common to mean anything, such as a birth date
// shared by a whole register's default value.
//
// Only the representatives of identical records (id) are blocked.
//
// A block of more than window records (fewer for some rules: see
// rule.windowDivisor) is compared as a sorted neighbourhood: its records in the
// rule's order (names and birth date), each with those of the window−1
// after it whose lead is not distant (see leadComparison). Blocks of
// common names grow with the country, and comparing them pair by pair grew
// with its square; a fixed window still made each record's comparisons
// grow with the country until every block filled it, and so did comparing
// each record with the next whatever its lead.
func generate(ctx context.Context, t *Table, id *identical, rs []rule, cs []comparison, maxBlock, window int, bar interface{ Add(int64) }) (*blocking, error) {
	b := &blocking{keys: keyHashes(t, rs), row: t.row, skippedBlocks: make([]int, len(rs)), skippedRecords: make([]int, len(rs))}
	for range rs {
		b.windowed = append(b.windowed, map[uint64]bool{})
	}
	type slot struct {
		key uint64
		rec uint32
	}
	for r := range rs {
		slots := make([]slot, 0, id.reps)
		for i, row := range t.row {
			if k := b.keys[r][row]; k != 0 && id.represents(i) {
				slots = append(slots, slot{k, uint32(i)})
			}
		}
		slices.SortFunc(slots, func(x, y slot) int {
			switch {
			case x.key < y.key:
				return -1
			case x.key > y.key:
				return 1
			}
			return int(x.rec) - int(y.rec)
		})
		var blocks [][2]int
		for lo := 0; lo < len(slots); {
			hi := lo + 1
			for hi < len(slots) && slots[hi].key == slots[lo].key {
				hi++
			}
			switch {
			case hi-lo > maxBlock:
				b.skippedBlocks[r]++
				b.skippedRecords[r] += hi - lo
				// Later rules must not assume these pairs were compared.
				for _, s := range slots[lo:hi] {
					b.keys[r][t.row[s.rec]] = 0
				}
			case hi-lo > rs[r].pairwiseUpTo(window):
				b.windowed[r][slots[lo].key] = true
				order := rs[r].order
				if order == nil {
					order = defaultOrder[:]
				}
				slices.SortFunc(slots[lo:hi], func(x, y slot) int { return neighbourOrder(t, order, int(x.rec), int(y.rec)) })
				blocks = append(blocks, [2]int{lo, hi})
			case hi-lo > 1:
				blocks = append(blocks, [2]int{lo, hi})
			}
			lo = hi
		}
		if b.skippedBlocks[r] > 0 {
			slog.Warn("blocks too large to compare were skipped", "kind", t.Kind, "rule", rs[r].name,
				"blocks", b.skippedBlocks[r], "records", b.skippedRecords[r], "max_block", maxBlock)
		}

		var (
			next   atomic.Int64
			mu     sync.Mutex
			before = b.candidates()
			lead   = leadComparison(rs[r], cs)
			upTo   = rs[r].pairwiseUpTo(window)
		)
		workers := runtime.GOMAXPROCS(0)
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				local := make([]candidate, 0, candChunk)
				for ctx.Err() == nil {
					k := int(next.Add(64)) - 64
					if k >= len(blocks) {
						break
					}
					var n int64
					for _, bl := range blocks[k:min(k+64, len(blocks))] {
						for x := bl[0]; x < bl[1]; x++ {
							for y := x + 1; y < min(bl[1], x+window); y++ {
								i, j := int(slots[x].rec), int(slots[y].rec)
								if bl[1]-bl[0] > upTo && lead >= 0 && distant(t, rs[r].order[0], cs[lead], i, j) {
									continue
								}
								if b.comparedBefore(r, i, j) {
									continue
								}
								local = append(local, candidate{uint32(i), uint32(j), compare(t, cs, b, i, j)})
								n++
								if len(local) == candChunk {
									mu.Lock()
									b.cands = append(b.cands, local)
									mu.Unlock()
									local = make([]candidate, 0, candChunk)
								}
							}
						}
					}
					bar.Add(n)
				}
				if len(local) > 0 {
					mu.Lock()
					b.cands = append(b.cands, slices.Clone(local))
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		slog.Debug("blocking rule compared", "kind", t.Kind, "rule", rs[r].name, "blocks", len(blocks), "pairs", b.candidates()-before)
	}
	return b, nil
}

// keyHash is FNV-1a over the rule's name and the key, never 0. It is
// stable across processes, because the store keeps keys for incremental
// linking.
func keyHash(rule, k string) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for i := 0; i < len(rule); i++ {
		h ^= uint64(rule[i])
		h *= prime
	}
	h *= prime // the zero byte between rule and key
	for i := 0; i < len(k); i++ {
		h ^= uint64(k[i])
		h *= prime
	}
	if h == 0 {
		h = 1
	}
	return h
}

// compare computes the pattern of records i and j; b, when not nil,
// gives the blocking rules whose keys they share.
func compare(t *Table, cs []comparison, b *blocking, i, j int) pattern {
	var p pattern
	for c := range cs {
		p |= pattern(cs[c].level(t, i, j)+1) << (4 * uint(c))
	}
	if b == nil {
		return p
	}
	for r := range b.keys {
		if k := b.key(r, i); k != 0 && k == b.key(r, j) {
			p |= 1 << (56 + uint(r))
		}
	}
	return p
}

// parallel runs fn over [0,n) in contiguous chunks on every core.
func parallel(n int, fn func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(lo, min(lo+chunk, n))
	}
	wg.Wait()
}

// eachWorker runs work on every core; each call takes chunks from next
// until it reports none are left.
func eachWorker(chunks [][]candidate, work func(next func() ([]candidate, bool))) {
	var (
		taken atomic.Int64
		wg    sync.WaitGroup
	)
	next := func() ([]candidate, bool) {
		k := int(taken.Add(1)) - 1
		if k >= len(chunks) {
			return nil, false
		}
		return chunks[k], true
	}
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(next)
		}()
	}
	wg.Wait()
}

// eachChunk calls fn on every chunk, on every core.
func eachChunk(chunks [][]candidate, fn func([]candidate)) {
	eachWorker(chunks, func(next func() ([]candidate, bool)) {
		for c, ok := next(); ok; c, ok = next() {
			fn(c)
		}
	})
}

// leadComparison is the index in cs of the comparison that grades rule
// r's lead, -1 when r has no order or no comparison reads its lead (a
// stored model's): then a large block's neighbours are all compared.
func leadComparison(r rule, cs []comparison) int {
	if len(r.order) == 0 {
		return -1
	}
	return slices.IndexFunc(cs, func(c comparison) bool { return c.reads&bit(r.order[0]) != 0 })
}

// distant says records i and j differ in feature lead so much that its
// comparison c grades them at its last level ("different"). A missing
// value is not distant.
func distant(t *Table, lead feature, c comparison, i, j int) bool {
	return t.code(lead, i) != t.code(lead, j) && c.level(t, i, j) == len(c.levels)-1
}

// defaultOrder is the neighbour order of rules without one of their own.
var defaultOrder = [...]feature{fLastBase, fFirst, fBirth, fMiddleBase, fNID}

// neighbourOrder orders the records of a large block for comparing
// neighbours by the features of order, so that a person's records, and
// the namesakes born closest, sit together.
func neighbourOrder(t *Table, order []feature, i, j int) int {
	for _, f := range order {
		if c := strings.Compare(t.val(f, i), t.val(f, j)); c != 0 {
			return c
		}
	}
	return i - j
}
