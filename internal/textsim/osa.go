package textsim

// OSA returns the optimal-string-alignment distance between a and b: the
// fewest single-rune insertions, deletions, substitutions and transpositions
// of two adjacent runes that turn a into b, where no substring is edited
// more than once (so, unlike full Damerau–Levenshtein, OSA("CA", "ABC") is 3,
// not 2). It counts runes, not bytes, and is symmetric.
//
// It does not allocate when the shorter string, after removing the prefix
// and suffix both share, has at most 64 runes.
func OSA(a, b string) int {
	if a == b {
		return 0
	}
	if isASCII(a) && isASCII(b) {
		return osa(bytesOf(a), bytesOf(b), -1)
	}
	var bufA, bufB [stackRunes]rune
	return osa(appendRunes(bufA[:0], a), appendRunes(bufB[:0], b), -1)
}

// OSAWithin reports whether OSA(a, b) <= k. It is meant for filtering many
// pairs where most fail: a length difference above k answers at once, only
// the diagonal band of width 2k+1 of the table is computed, and the
// computation stops at the first row whose every cell exceeds k (row minima
// never decrease, so no later row can come back under k). A negative k is
// never satisfied.
func OSAWithin(a, b string, k int) bool {
	if k < 0 {
		return false
	}
	if a == b {
		return true
	}
	if isASCII(a) && isASCII(b) {
		if abs(len(a)-len(b)) > k {
			return false
		}
		return osa(bytesOf(a), bytesOf(b), k) <= k
	}
	var bufA, bufB [stackRunes]rune
	ra, rb := appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	if abs(len(ra)-len(rb)) > k {
		return false
	}
	return osa(ra, rb, k) <= k
}

// osa computes the distance with three rolling rows over the shorter
// string. With limit >= 0 it only computes the band |i-j| <= limit and may
// return any value above limit as soon as the distance is known to exceed
// it; with limit < 0 it is exact.
func osa[T element](a, b []T, limit int) int {
	// A shared prefix or suffix never takes part in an optimal alignment's
	// edits, so dropping it shrinks the table without changing the result.
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	if len(a) < len(b) {
		a, b = b, a
	}
	n := len(b)
	if n == 0 {
		return len(a)
	}
	if limit < 0 || limit > len(a) {
		limit = len(a) // the band then covers the whole table
	}
	if len(a)-n > limit {
		return limit + 1
	}

	var stack [3][stackRunes + 1]int32
	var rowBefore, row, cur []int32
	if n <= stackRunes {
		rowBefore, row, cur = stack[0][:n+1], stack[1][:n+1], stack[2][:n+1]
	} else {
		rowBefore, row, cur = make([]int32, n+1), make([]int32, n+1), make([]int32, n+1)
	}
	over := int32(limit + 1) // stands for every value outside the band
	for j := range row {
		row[j] = min(int32(j), over)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-limit), min(n, i+limit)
		if lo == 1 {
			cur[0] = min(int32(i), over)
		} else {
			cur[lo-1] = over
		}
		ai := a[i-1]
		rowMin := over
		for j := lo; j <= hi; j++ {
			v := row[j-1]
			if ai != b[j-1] {
				v = min(v, row[j], cur[j-1]) + 1
				if i > 1 && j > 1 && ai == b[j-2] && a[i-2] == b[j-1] {
					v = min(v, rowBefore[j-2]+1)
				}
			}
			v = min(v, over)
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if hi < n {
			cur[hi+1] = over
		}
		if rowMin >= over {
			return int(over)
		}
		rowBefore, row, cur = row, cur, rowBefore
	}
	return int(row[n])
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
