package textsim

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"MARTHA", "MARHTA", 0.961},
		{"DWAYNE", "DUANE", 0.840},
		{"DIXON", "DICKSONX", 0.813},
		{"JELLYFISH", "SMELLYFISH", 0.896},
		{"CRATE", "TRACE", 0.733},
		{"abc", "xyz", 0},
		{"a", "a", 1},
		{"a", "b", 0},
		{"", "", 1},
		{"", "abc", 0},
		{"abc", "", 0},
		{"ab", "ba", 0}, // the window is 0: a and b never match
		// Runes, not bytes: one Cyrillic letter is one character.
		{"МАРТА", "МАРАТ", 0.953},
		{"Нұрлан", "Нурлан", 0.900},
		{"Әсел", "Асель", 0.783},
		{"Айгүл", "Aigul", 0},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			got := JaroWinkler(tt.a, tt.b)
			if math.Abs(got-tt.want) > 0.0005 {
				t.Errorf("JaroWinkler(%q, %q) = %.4f, want %.3f", tt.a, tt.b, got, tt.want)
			}
			if back := JaroWinkler(tt.b, tt.a); back != got {
				t.Errorf("JaroWinkler(%q, %q) = %v, but reversed %v", tt.a, tt.b, got, back)
			}
		})
	}
}

// TestJaroWinklerThreshold pins the choice that the prefix boost applies
// only above a Jaro score of 0.7.
func TestJaroWinklerThreshold(t *testing.T) {
	// Jaro("abcdef", "abxyzw") = (2/6 + 2/6 + 1)/3 = 0.556: no boost.
	if got := JaroWinkler("abcdef", "abxyzw"); math.Abs(got-5.0/9) > 1e-9 {
		t.Errorf("JaroWinkler = %v, want the unboosted %v", got, 5.0/9)
	}
}

func TestOSA(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"CA", "ABC", 3},
		{"ab", "ba", 1},
		{"abc", "acb", 1},
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"abcdef", "abcdef", 0},
		{"ABCDEF", "BACDFE", 2},
		{"Нұрлан", "Нурлан", 1},
		{"Асель", "Асле", 2}, // transposition ел/ле, then the soft sign
		{"Ахметов", "Ахметова", 1},
		{"Ivanov", "Иванов", 6},
		{strings.Repeat("a", 100), strings.Repeat("a", 98) + "ba", 1},
		{strings.Repeat("ж", 70) + "xy", strings.Repeat("ж", 70) + "yx", 1},
		{strings.Repeat("abc", 30), strings.Repeat("acb", 30), 30},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := OSA(tt.a, tt.b); got != tt.want {
				t.Errorf("OSA(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := OSA(tt.b, tt.a); got != tt.want {
				t.Errorf("OSA(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
			}
			if got := osaReference(tt.a, tt.b); got != tt.want {
				t.Fatalf("reference disagrees with the table: %d", got)
			}
			for k := -1; k <= tt.want+1; k++ {
				if got, want := OSAWithin(tt.a, tt.b, k), tt.want <= k; got != want {
					t.Errorf("OSAWithin(%q, %q, %d) = %v, want %v", tt.a, tt.b, k, got, want)
				}
			}
		})
	}
}

// osaReference is the textbook full-table OSA distance, kept simple so that
// it can judge the optimised one.
func osaReference(s, t string) int {
	a, b := []rune(s), []rune(t)
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// jaroWinklerReference is the textbook Jaro–Winkler on runes, with the same
// choices as JaroWinkler (transpositions rounded down, boost above 0.7) and
// the same order of the two strings, so that the results agree exactly.
func jaroWinklerReference(s, t string) float64 {
	if s == t {
		return 1
	}
	if len(s) > len(t) || len(s) == len(t) && s > t {
		s, t = t, s
	}
	a, b := []rune(s), []rune(t)
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	window := max(0, max(len(a), len(b))/2-1)
	matchedA, matchedB := make([]bool, len(a)), make([]bool, len(b))
	m := 0
	for i := range a {
		for j := max(0, i-window); j < min(len(b), i+window+1); j++ {
			if !matchedB[j] && a[i] == b[j] {
				matchedA[i], matchedB[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	var ma, mb []rune
	for i, ok := range matchedA {
		if ok {
			ma = append(ma, a[i])
		}
	}
	for j, ok := range matchedB {
		if ok {
			mb = append(mb, b[j])
		}
	}
	half := 0
	for k := range ma {
		if ma[k] != mb[k] {
			half++
		}
	}
	mf := float64(m)
	jaro := (mf/float64(len(a)) + mf/float64(len(b)) + (mf-float64(half/2))/mf) / 3
	if jaro <= 0.7 {
		return jaro
	}
	prefix := 0
	for prefix < 4 && prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	return jaro + float64(prefix)*0.1*(1-jaro)
}

func TestJaroWinklerLong(t *testing.T) {
	pairs := [][2]string{
		// shorter in bytes, longer in runes than the other: the rune
		// counts decide which path holds the matches
		{strings.Repeat("x", 64) + "abcdfe", strings.Repeat("ж", 35) + "abcdef"},
		{strings.Repeat("ab", 40), strings.Repeat("ba", 41)},
		{strings.Repeat("ж", 65) + "x", strings.Repeat("ж", 64) + "xy"},
	}
	for _, p := range pairs {
		if got, want := JaroWinkler(p[0], p[1]), jaroWinklerReference(p[0], p[1]); got != want {
			t.Errorf("JaroWinkler(%q, %q) = %v, reference %v", p[0], p[1], got, want)
		}
	}
}

func FuzzCompare(f *testing.F) {
	seeds := [][2]string{
		{"MARTHA", "MARHTA"}, {"CA", "ABC"}, {"Нұрлан", "Нурлан"}, {"", "x"},
		{"abcabc", "bcabca"}, {"Әбішұлы", "Abishuly"}, {"\xff\xfe", "\xfe"},
		{strings.Repeat("ab", 40), strings.Repeat("ba", 41)},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], 2)
	}
	f.Fuzz(func(t *testing.T, a, b string, k int) {
		k = k % 8
		want := osaReference(a, b)
		if got := OSA(a, b); got != want {
			t.Fatalf("OSA(%q, %q) = %d, reference %d", a, b, got, want)
		}
		if got := OSAWithin(a, b, k); got != (want <= k) {
			t.Fatalf("OSAWithin(%q, %q, %d) = %v, distance %d", a, b, k, got, want)
		}
		jw := JaroWinkler(a, b)
		if ref := jaroWinklerReference(a, b); math.Abs(jw-ref) > 1e-12 {
			t.Fatalf("JaroWinkler(%q, %q) = %v, reference %v", a, b, jw, ref)
		}
		if jw < 0 || jw > 1 || math.IsNaN(jw) {
			t.Fatalf("JaroWinkler(%q, %q) = %v, outside [0,1]", a, b, jw)
		}
		if back := JaroWinkler(b, a); back != jw {
			t.Fatalf("JaroWinkler(%q, %q) = %v, reversed %v", a, b, jw, back)
		}
		if (jw == 1) != (a == b || runesEqual(a, b)) {
			t.Fatalf("JaroWinkler(%q, %q) = %v", a, b, jw)
		}
	})
}

// runesEqual treats strings as equal when they decode to the same runes, as
// two different invalid byte sequences both decode to U+FFFD.
func runesEqual(a, b string) bool {
	if utf8.RuneCountInString(a) != utf8.RuneCountInString(b) {
		return false
	}
	return string([]rune(a)) == string([]rune(b))
}

func TestNoAllocations(t *testing.T) {
	long := strings.Repeat("ы", 64)
	pairs := [][2]string{
		{"nursultan abishuly", "nursultan abishuli"},
		{"Нұрсұлтан Әбішұлы", "Нурсултан Абишулы"},
		{long, long[:len(long)-2] + "и"},
	}
	for _, p := range pairs {
		if n := testing.AllocsPerRun(100, func() {
			JaroWinkler(p[0], p[1])
			OSA(p[0], p[1])
			OSAWithin(p[0], p[1], 2)
		}); n != 0 {
			t.Errorf("%q vs %q: %v allocations per run, want 0", p[0], p[1], n)
		}
	}
}

// benchPairs are typical compared name pairs, close and not, in the two
// scripts: Latin takes the byte path, Cyrillic the rune path.
var benchPairs = map[string][][2]string{
	"ascii": {
		{"nursultan", "nursultun"},
		{"abishuli", "abishuly"},
		{"akhmetova", "ahmetova"},
		{"zhanar", "janar"},
		{"ivanov", "petrova"},
	},
	"cyrillic": {
		{"Нұрсұлтан", "Нурсултан"},
		{"Әбішұлы", "Абишулы"},
		{"Шевченко", "Ткаченко"},
		{"Ахметова", "Ахметов"},
		{"Иванов", "Петрова"},
	},
}

var (
	sinkFloat float64
	sinkInt   int
	sinkBool  bool
)

func benchmarkPairs(b *testing.B, f func(a, b string)) {
	for _, script := range []string{"ascii", "cyrillic"} {
		pairs := benchPairs[script]
		b.Run(script, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				p := pairs[i%len(pairs)]
				f(p[0], p[1])
			}
		})
	}
}

func BenchmarkJaroWinkler(b *testing.B) {
	benchmarkPairs(b, func(x, y string) { sinkFloat = JaroWinkler(x, y) })
}

func BenchmarkOSA(b *testing.B) {
	benchmarkPairs(b, func(x, y string) { sinkInt = OSA(x, y) })
}

func BenchmarkOSAWithin(b *testing.B) {
	benchmarkPairs(b, func(x, y string) { sinkBool = OSAWithin(x, y, 1) })
}
