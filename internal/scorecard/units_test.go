package scorecard

import (
	"hash/fnv"
	"testing"
)

// TestHashKey holds hashKey to FNV-1a as hash/fnv computes it: stored keys
// must hash the same in every version.
func TestHashKey(t *testing.T) {
	for _, v := range []string{"", "880123333077", "KZ0200001280", "Ақтөбе"} {
		h := fnv.New64a()
		h.Write([]byte(v))
		if got, want := hashKey(v), int64(h.Sum64()); got != want {
			t.Errorf("hashKey(%q) = %d, want %d", v, got, want)
		}
	}
}
