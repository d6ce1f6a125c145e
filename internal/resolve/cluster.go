package resolve

import (
	"cmp"
	"math"
	"slices"
)

// Clustering constants.
const (
	// overwhelmingBits is the evidence (weight without the prior and the
	// national id, with agreeing birth dates) above which two records are
	// merged although they carry different valid IINs. Full agreement on names, patronymic, birth date
	// and sex is about 35 bits; this asks for more (an address or phone as
	// well), and the merge is flagged for a person to check.
	overwhelmingBits = 45
	// minCohesion is the least mean match probability between the records
	// of two clusters for a link to join them: one good link between two
	// people who otherwise disagree does not make them one person.
	minCohesion = 0.5
	// maxCohesionPairs bounds the cross pairs scored to check cohesion
	// (taken evenly when clusters are larger).
	maxCohesionPairs = 400
)

// edge is a scored link above the threshold.
type edge struct {
	i, j uint32
	w    float64
	p    pattern
}

// Flag marks a merge that a person should check.
type Flag struct {
	Left, Right string // source:id of the link that merged them
	Reason      string
	Weight      float64
}

// clusters groups records: links are taken strongest first (ties by record
// order, so the result does not depend on the order pairs were found in),
// and a link joins two clusters only if their records agree on average and
// hold no two different valid national ids (unless the link is
// overwhelming, which is flagged).
func clusters(s *scorer, edges []edge) ([]int32, []Flag) {
	slices.SortFunc(edges, func(a, b edge) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		if c := cmp.Compare(a.i, b.i); c != 0 {
			return c
		}
		return cmp.Compare(a.j, b.j)
	})
	t := s.t
	n := t.Len()
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	members := make(map[int32][]int32)
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	group := func(r int32) []int32 {
		if m, ok := members[r]; ok {
			return m
		}
		return []int32{r}
	}
	var flags []Flag
	for _, e := range edges {
		ra, rb := find(int32(e.i)), find(int32(e.j))
		if ra == rb {
			continue
		}
		ga, gb := group(ra), group(rb)
		ok, flagged := s.idsAllow(ga, gb, e.w, e.p)
		if !ok || (s.size(ga)*s.size(gb) > 1 && cohesion(s, ga, gb) < minCohesion) {
			continue
		}
		if flagged {
			flags = append(flags, Flag{Left: t.Ref(int(e.i)), Right: t.Ref(int(e.j)), Weight: e.w,
				Reason: "merged despite different valid national ids: every other attribute agrees"})
		}
		if len(ga) < len(gb) {
			ra, rb, ga, gb = rb, ra, gb, ga
		}
		parent[rb] = ra
		members[ra] = append(ga, gb...)
		delete(members, rb)
	}
	roots := make([]int32, n)
	for i := range roots {
		roots[i] = find(int32(i))
	}
	return roots, flags
}

// size is how many records a cluster holds.
func (s *scorer) size(g []int32) float64 {
	n := 0.0
	for _, i := range g {
		n += s.recordsOf(i)
	}
	return n
}

// idsAllow applies the national id rule to joining groups a and b through
// a link of weight w and pattern p: together they may hold at most one
// valid national id, unless the link's weight without the id comparison
// is overwhelming, in which case the join is allowed and flagged.
func (s *scorer) idsAllow(a, b []int32, w float64, p pattern) (ok, flagged bool) {
	if s.nid < 0 {
		return true, false
	}
	t := s.t
	first := ""
	for _, g := range [2][]int32{a, b} {
		for _, i := range g {
			if !t.validNID(int(i)) {
				continue
			}
			switch id := t.val(fNID, int(i)); {
			case first == "":
				first = id
			case id != first:
				e := s.evidence(w, p)
				return e >= overwhelmingBits, e >= overwhelmingBits
			}
		}
	}
	return true, false
}

// evidence is a link's weight without the prior and the national id
// comparison: what the other attributes say. Without agreeing birth dates
// it is none: a father and a son of the same name share everything else.
func (s *scorer) evidence(w float64, p pattern) float64 {
	if s.birth < 0 || p.level(s.birth) < 0 || p.level(s.birth) > 1 {
		return math.Inf(-1)
	}
	w -= s.w.prior
	if s.nid < 0 {
		return w
	}
	if l := p.level(s.nid); l >= 0 {
		w -= s.w.bf[s.nid][l]
	}
	return w
}

// cohesion is the mean match probability over pairs of records across
// two clusters, a record that stands for identical ones counting as many.
func cohesion(s *scorer, a, b []int32) float64 {
	total := len(a) * len(b)
	step := 1
	if total > maxCohesionPairs {
		step = total / maxCohesionPairs
	}
	sum, n := 0.0, 0.0
	for k := 0; k < total; k += step {
		i, j := a[k/len(b)], b[k%len(b)]
		w := s.recordsOf(i) * s.recordsOf(j)
		sum += w * Probability(s.pairWeight(int(i), int(j)))
		n += w
	}
	return sum / n
}
