package textsim

import "math/bits"

// JaroWinkler returns the Jaro–Winkler similarity of a and b, from 0 (nothing
// in common) to 1 (equal). Equal strings, including two empty ones, give 1;
// an empty and a non-empty string give 0.
//
// It follows Winkler's definition as most libraries do: characters match
// when equal and no further apart than half the longer length minus one;
// half the out-of-order matches count as transpositions (rounded down); the
// Jaro score is raised by 0.1 per character of common prefix, up to four,
// but only when it already exceeds 0.7, so that a shared first letter cannot
// lift an otherwise poor pair. Characters are runes, so a Cyrillic letter is
// one character. The result is symmetric: JaroWinkler(a, b) ==
// JaroWinkler(b, a) exactly.
//
// It does not allocate when both strings have at most 64 runes.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	if a == "" || b == "" {
		return 0
	}
	// Greedy matching can depend on which string is scanned first when
	// letters repeat; a fixed order makes the result exactly symmetric.
	if len(a) > len(b) || len(a) == len(b) && a > b {
		a, b = b, a
	}
	if isASCII(a) && isASCII(b) {
		return jaroWinkler(bytesOf(a), bytesOf(b))
	}
	var bufA, bufB [stackRunes]rune
	return jaroWinkler(appendRunes(bufA[:0], a), appendRunes(bufB[:0], b))
}

func jaroWinkler[T element](a, b []T) float64 {
	j := jaro(a, b)
	if j <= 0.7 {
		return j
	}
	prefix := 0
	for prefix < 4 && prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	return j + float64(prefix)*0.1*(1-j)
}

// jaro computes the Jaro similarity of two non-empty sequences.
func jaro[T element](a, b []T) float64 {
	var matches, outOfOrder int
	if len(a) <= 64 && len(b) <= 64 {
		matches, outOfOrder = matchShort(a, b)
	} else {
		matches, outOfOrder = matchLong(a, b)
	}
	if matches == 0 {
		return 0
	}
	m := float64(matches)
	return (m/float64(len(a)) + m/float64(len(b)) + (m-float64(outOfOrder/2))/m) / 3
}

// window is how far apart two equal characters may be and still match.
func window(la, lb int) int {
	return max(0, max(la, lb)/2-1)
}

// matchShort counts matches and out-of-order matches for sequences of at
// most 64 characters, keeping the matched positions in one machine word
// each: the inner loops then touch no memory besides the inputs.
func matchShort[T element](a, b []T) (matches, outOfOrder int) {
	var matchedA, matchedB uint64
	w := window(len(a), len(b))
	for i, c := range a {
		lo, hi := max(0, i-w), min(len(b), i+w+1)
		for j := lo; j < hi; j++ {
			if matchedB&(1<<j) == 0 && b[j] == c {
				matchedA |= 1 << i
				matchedB |= 1 << j
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0, 0
	}
	// Walk the matched characters of both in order; the k-th matched
	// character of a pairs with the k-th of b.
	for ma, mb := matchedA, matchedB; ma != 0; ma, mb = ma&(ma-1), mb&(mb-1) {
		if a[bits.TrailingZeros64(ma)] != b[bits.TrailingZeros64(mb)] {
			outOfOrder++
		}
	}
	return matches, outOfOrder
}

// matchLong is matchShort for longer sequences, with allocated flags.
func matchLong[T element](a, b []T) (matches, outOfOrder int) {
	matchedA := make([]bool, len(a))
	matchedB := make([]bool, len(b))
	w := window(len(a), len(b))
	for i, c := range a {
		lo, hi := max(0, i-w), min(len(b), i+w+1)
		for j := lo; j < hi; j++ {
			if b[j] == c && !matchedB[j] {
				matchedA[i], matchedB[j] = true, true
				matches++
				break
			}
		}
	}
	j := 0
	for i, c := range a {
		if !matchedA[i] {
			continue
		}
		for !matchedB[j] {
			j++
		}
		if c != b[j] {
			outOfOrder++
		}
		j++
	}
	return matches, outOfOrder
}
