package synth

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// newRand returns the random stream for one part of the generation. Every
// part (a chunk of households, an extract) has its own stream derived from
// the seed and the part's name, so the output does not depend on the order
// or the parallelism in which parts run.
func newRand(seed int64, part string, chunk int) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(part))
	return rand.New(rand.NewPCG(uint64(seed), splitmix(h.Sum64()^splitmix(uint64(chunk)+1))))
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// dayBetween returns a uniform day in [lo, hi].
func dayBetween(r *rand.Rand, lo, hi date) date {
	if hi <= lo {
		return lo
	}
	return lo + date(r.Int64N(int64(hi-lo)+1))
}

// pickShare chooses round(share*len(c)) candidates, at least atLeast (when
// there are that many), uniformly without replacement, and returns them in
// their original order. It is how defects are planted: an exact, seeded
// number of them even in a small nation.
func pickShare[T any](r *rand.Rand, c []T, share float64, atLeast int) []T {
	k := int(share*float64(len(c)) + 0.5)
	k = min(max(k, atLeast), len(c))
	if k == 0 {
		return nil
	}
	idx := make([]int, len(c))
	for i := range idx {
		idx[i] = i
	}
	for i := 0; i < k; i++ { // partial Fisher-Yates
		j := i + r.IntN(len(idx)-i)
		idx[i], idx[j] = idx[j], idx[i]
	}
	chosen := make([]bool, len(c))
	for _, i := range idx[:k] {
		chosen[i] = true
	}
	out := make([]T, 0, k)
	for i, ok := range chosen {
		if ok {
			out = append(out, c[i])
		}
	}
	return out
}

// weighted picks indices with given weights.
type weighted struct{ cum []float64 }

func newWeighted(w []float64) weighted {
	cum := make([]float64, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		cum[i] = s
	}
	return weighted{cum}
}

// zipf weights n ranks by 1/(rank+1)^s: the first items are the most common.
func zipf(n int, s float64) weighted {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / math.Pow(float64(i+1), s)
	}
	return newWeighted(w)
}

func (w weighted) pick(r *rand.Rand) int {
	u := r.Float64() * w.cum[len(w.cum)-1]
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if w.cum[m] <= u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
