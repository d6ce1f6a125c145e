package kz

import "testing"

func TestPluralCategory(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int64
		want string
	}{{"ru", 1, "one"}, {"ru", 3, "few"}, {"ru", 5, "many"}, {"ru", 21, "one"}, {"ru", -2, "few"}, {"ru", 11, "many"}, {"en", 1, "one"}, {"en", 2, "other"}, {"kk", 1, "one"}, {"kk", 5, "other"}} {
		if got := PluralCategory(tc.lang, tc.n); got != tc.want {
			t.Errorf("%s %d: %s", tc.lang, tc.n, got)
		}
	}
}
