package resolve

import (
	"cmp"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Training constants.
const (
	// uSamples random pairs estimate u: enough for any level that is not
	// itself a near-certain sign of a match (those get a floor of half a
	// pair, as if seen once in a million).
	uSamples = 500_000
	// emIterations bounds each expectation-maximisation session; sessions
	// usually converge (max change of m below emTolerance) in 10 to 30.
	emIterations = 100
	emTolerance  = 1e-6
	// minSessionPairs: a blocking rule with fewer candidate pairs is too
	// small to train on.
	minSessionPairs = 30
)

// patternCount is how many candidate pairs share one pattern.
type patternCount struct {
	p pattern
	n float64
}

// countPatterns aggregates the patterns of one or more sets of compared
// pairs, sorted, so that EM (which sums over them) gives the same result
// on every run.
func countPatterns(sets ...[]candidate) []patternCount {
	merged := map[pattern]float64{}
	for _, cands := range sets {
		for p, n := range countSet(chunked(cands), nil) {
			merged[p] += n
		}
	}
	return sortedCounts(merged)
}

// sortedCounts lists counts by pattern.
func sortedCounts(counts map[pattern]float64) []patternCount {
	out := make([]patternCount, 0, len(counts))
	for p, n := range counts {
		out = append(out, patternCount{p, n})
	}
	slices.SortFunc(out, func(a, b patternCount) int { return cmp.Compare(a.p, b.p) })
	return out
}

// countSet counts the patterns of a set of pairs, on every core, each
// pair as weight says (nil: once). The counts are sums of whole numbers,
// exact in any order.
func countSet(chunks [][]candidate, weight func(i, j int) float64) map[pattern]float64 {
	var (
		mu   sync.Mutex
		maps []map[pattern]float64
	)
	eachWorker(chunks, func(next func() ([]candidate, bool)) {
		m := map[pattern]float64{}
		for cands, ok := next(); ok; cands, ok = next() {
			for _, c := range cands {
				n := 1.0
				if weight != nil {
					n = weight(int(c.i), int(c.j))
				}
				m[c.pat] += n
			}
		}
		mu.Lock()
		maps = append(maps, m)
		mu.Unlock()
	})
	if len(maps) == 0 {
		return map[pattern]float64{}
	}
	for _, m := range maps[1:] {
		for p, n := range m {
			maps[0][p] += n
		}
	}
	return maps[0]
}

// estimateU compares random pairs of records: almost all are non-matches,
// so the share of each level among them is u. Counts start at one half so
// that a level never seen (two random people with one IIN) gets a small u
// rather than an infinite weight.
func estimateU(t *Table, cs []comparison, seed uint64) [][]float64 {
	n := t.Len()
	samples := uSamples
	if all := n * (n - 1) / 2; all < samples {
		samples = all
	}
	workers := runtime.GOMAXPROCS(0)
	counts := make([][][]float64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		counts[w] = newLevelTable(cs, 0)
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for k := w; k < samples; k += workers {
				i, j := rng.IntN(n), rng.IntN(n-1)
				if j >= i {
					j++
				}
				for c := range cs {
					if l := cs[c].level(t, i, j); l >= 0 {
						counts[w][c][l]++
					}
				}
			}
		}()
	}
	wg.Wait()
	u := newLevelTable(cs, 0.5)
	for c := range u {
		for w := range workers {
			for l := range u[c] {
				u[c][l] += counts[w][c][l]
			}
		}
		normalise(u[c])
	}
	return u
}

func newLevelTable(cs []comparison, fill float64) [][]float64 {
	t := make([][]float64, len(cs))
	for c := range cs {
		t[c] = make([]float64, len(cs[c].levels))
		for l := range t[c] {
			t[c][l] = fill
		}
	}
	return t
}

func normalise(v []float64) {
	s := 0.0
	for _, x := range v {
		s += x
	}
	if s == 0 {
		return
	}
	for i := range v {
		v[i] /= s
	}
}

// initialM is EM's starting point: matches mostly agree exactly.
func initialM(cs []comparison) [][]float64 {
	m := newLevelTable(cs, 0)
	for c := range m {
		k := len(m[c])
		m[c][0] = 0.9
		m[c][k-1] = 0.05
		for l := 1; l < k-1; l++ {
			m[c][l] = 0.05 / float64(k-2)
		}
		if k == 2 {
			m[c][0] = 0.95
		}
	}
	return m
}

// trainingRules are the blocks EM trains on, one attribute each, so that
// each session leaves as many comparisons as possible to estimate.
// Prediction's rules combine attributes to keep blocks small; a session
// on such a rule would learn nothing about any of them.
func trainingRules(t *Table) []rule {
	var rs []rule
	add := func(name string, reads uint64, key func(*Table, int) string) {
		rs = append(rs, rule{name: name, reads: reads, key: key})
	}
	for _, f := range []struct {
		name  string
		f     feature
		reads uint64
	}{
		{"national_id", fNID, bit(fNID)},
		{"birth_date", fBirth, bit(fBirth)},
		{"last_name", fLastBase, bit(fLast) | bit(fLastBase)},
		{"first_name", fFirst, bit(fFirst)},
		{"phone", fPhone, bit(fPhone)},
		{"email", fEmail, bit(fEmail)},
		{"postcode", fPostcode, bit(fPostcode)},
	} {
		if t.present[f.f] {
			add(f.name, f.reads, colValue(f.f))
		}
	}
	for e, x := range t.extras {
		add(x.name, 1<<uint(extraBit+e), func(t *Table, i int) string { return t.extraVal(e, i) })
	}
	return rs
}

// Limits of a training session's pairs: blocks on one attribute can be
// huge (every Ахметов), so each block contributes a sample of its records
// and the session stops growing at maxSessionPairs.
const (
	maxSessionBlock = 40
	maxSessionPairs = 300_000
)

// samplePairs lists pairs of records with the same key: every pair of a
// block of up to maxSessionBlock records, a random sample of that many
// records in a larger block, blocks in random order until
// maxSessionPairs.
func samplePairs(t *Table, key func(*Table, int) string, seed, stream uint64) []candidate {
	blocks := map[string][]int32{}
	for i := range t.Len() {
		if k := key(t, i); k != "" {
			blocks[k] = append(blocks[k], int32(i))
		}
	}
	keys := make([]string, 0, len(blocks))
	for k, recs := range blocks {
		if len(recs) > 1 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	rng := rand.New(rand.NewPCG(seed, stream))
	rng.Shuffle(len(keys), func(a, b int) { keys[a], keys[b] = keys[b], keys[a] })
	var cands []candidate
	for _, k := range keys {
		recs := blocks[k]
		if len(recs) > maxSessionBlock {
			rng.Shuffle(len(recs), func(a, b int) { recs[a], recs[b] = recs[b], recs[a] })
			recs = recs[:maxSessionBlock]
		}
		for x := range recs {
			for y := x + 1; y < len(recs); y++ {
				cands = append(cands, candidate{i: uint32(recs[x]), j: uint32(recs[y])})
			}
		}
		if len(cands) >= maxSessionPairs {
			break
		}
	}
	return cands
}

// namesakes samples pairs with the same names that blocking did not make
// candidates, compared. The final EM needs them: blocking keeps out most
// matches whose birth dates disagree, so without these pairs m of the
// birth date's lower levels would come out near zero, and a person whose
// date was mistyped could never be linked.
func namesakes(t *Table, cs []comparison, b *blocking, seed uint64) []candidate {
	if !t.present[fLast] || !t.present[fFirst] {
		return nil
	}
	pairs := samplePairs(t, func(t *Table, i int) string {
		a, b := t.val(fLastBase, i), t.val(fFirst, i)
		if a > b {
			a, b = b, a
		}
		return join(a, b)
	}, seed, 999)
	pairs = slices.DeleteFunc(pairs, func(c candidate) bool { return b.comparedBefore(len(b.keys), int(c.i), int(c.j)) })
	comparePairs(t, cs, pairs)
	return pairs
}

// comparePairs fills in the pattern of every pair, on every core.
func comparePairs(t *Table, cs []comparison, pairs []candidate) {
	parallel(len(pairs), func(lo, hi int) {
		for n := lo; n < hi; n++ {
			pairs[n].pat = compare(t, cs, nil, int(pairs[n].i), int(pairs[n].j))
		}
	})
}

// session is one EM training session: the comparison patterns of pairs
// that agree on one attribute.
type session struct {
	reads  uint64
	counts []patternCount
}

// trainingSessions compares the pairs of each training rule's blocks.
func trainingSessions(t *Table, cs []comparison, seed uint64) []session {
	var out []session
	for k, ru := range trainingRules(t) {
		active := 0
		for c := range cs {
			if cs[c].reads&ru.reads == 0 {
				active++
			}
		}
		// With u fixed, one comparison cannot separate matches from
		// non-matches: the session needs two.
		if active < 2 {
			continue
		}
		cands := samplePairs(t, ru.key, seed, uint64(k)+1000)
		if len(cands) < minSessionPairs {
			continue
		}
		comparePairs(t, cs, cands)
		out = append(out, session{reads: ru.reads, counts: countPatterns(cands)})
	}
	return out
}

// estimateM runs EM on each training session, as Splink does: a session
// sees only pairs that agree on its attribute, so the comparisons reading
// that attribute stay out of it. Each comparison's m is the mean over the
// sessions that could estimate it. It reports which comparisons were
// estimated at all.
func estimateM(cs []comparison, sessions []session, u [][]float64) ([][]float64, []bool) {
	m := initialM(cs)
	sum := newLevelTable(cs, 0)
	counted := make([]int, len(cs))
	for _, ss := range sessions {
		active := make([]bool, len(cs))
		for c := range cs {
			active[c] = cs[c].reads&ss.reads == 0
		}
		sm, _ := em(ss.counts, active, initialM(cs), u, 0)
		for c := range cs {
			if !active[c] {
				continue
			}
			counted[c]++
			for l := range sm[c] {
				sum[c][l] += sm[c][l]
			}
		}
	}
	trained := make([]bool, len(cs))
	for c := range cs {
		if counted[c] == 0 {
			continue
		}
		trained[c] = true
		for l := range m[c] {
			m[c][l] = sum[c][l] / float64(counted[c])
		}
	}
	return m, trained
}

// em estimates m and the session's prior by expectation maximisation with
// u held fixed, over the active comparisons. With totalPairs > 0 the
// counts are the candidates among totalPairs pairs, and the prior is a
// share of all pairs: u describes random pairs, not candidates, so the
// posterior of a candidate must use the prior of a random pair. Otherwise
// the prior is a share of the counts (a training session).
func em(counts []patternCount, active []bool, m, u [][]float64, totalPairs float64) ([][]float64, float64) {
	lambda := 0.5
	if totalPairs > 0 {
		n := 0.0
		for _, pc := range counts {
			n += pc.n
		}
		lambda = min(0.1*n/totalPairs, 0.5)
	}
	num := make([][]float64, len(m))
	for c := range m {
		num[c] = make([]float64, len(m[c]))
	}
	for range emIterations {
		for c := range num {
			clear(num[c])
		}
		den := make([]float64, len(m))
		matches, total := 0.0, 0.0
		logit := math.Log2(lambda / (1 - lambda))
		for _, pc := range counts {
			w := logit
			for c := range m {
				if l := pc.p.level(c); active[c] && l >= 0 {
					w += math.Log2(m[c][l] / u[c][l])
				}
			}
			post := Probability(w) * pc.n
			matches += post
			total += pc.n
			for c := range m {
				if l := pc.p.level(c); active[c] && l >= 0 {
					num[c][l] += post
					den[c] += post
				}
			}
		}
		change := 0.0
		for c := range m {
			if !active[c] || den[c] == 0 {
				continue
			}
			for l := range m[c] {
				// A little smoothing keeps a level never seen among
				// matches from a weight of minus infinity.
				v := (num[c][l] + 1e-3) / (den[c] + 1e-3*float64(len(m[c])))
				change = max(change, math.Abs(v-m[c][l]))
				m[c][l] = v
			}
		}
		if totalPairs > 0 {
			total = totalPairs
		}
		lambda = min(max(matches/total, 1e-12), 1-1e-9)
		if change < emTolerance {
			break
		}
	}
	return m, lambda
}
