package view

import (
	"math"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
)

func TestTenge(t *testing.T) {
	for _, tc := range []struct {
		lang  string
		tiyn  int64
		plain string
		sign  string
	}{
		{"en", 3450000, "34,500\u00a0₸", "+34,500\u00a0₸"},
		{"ru", 3450000, "34\u00a0500\u00a0₸", "+34\u00a0500\u00a0₸"},
		{"kk", -1200000, "−12\u00a0000\u00a0₸", "−12\u00a0000\u00a0₸"},
		{"en", 125050, "1,250.50\u00a0₸", "+1,250.50\u00a0₸"},
		{"ru", 125005, "1\u00a0250,05\u00a0₸", "+1\u00a0250,05\u00a0₸"},
		{"en", 0, "0\u00a0₸", "0\u00a0₸"},
		{"en", 1, "0.01\u00a0₸", "+0.01\u00a0₸"},
		{"en", math.MinInt64, "−92,233,720,368,547,758.08\u00a0₸", "−92,233,720,368,547,758.08\u00a0₸"},
	} {
		l := Locale{Lang: tc.lang}
		if got := l.Tenge(tc.tiyn); got != tc.plain {
			t.Errorf("%s Tenge(%d) = %q; want %q", tc.lang, tc.tiyn, got, tc.plain)
		}
		if got := l.SignedTenge(tc.tiyn); got != tc.sign {
			t.Errorf("%s SignedTenge(%d) = %q; want %q", tc.lang, tc.tiyn, got, tc.sign)
		}
	}
}

func TestMonthAndLedger(t *testing.T) {
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ lang, month, want string }{
		{"en", "2026-11", "November"},
		{"ru", "2026-11", "ноябрь"},
		{"kk", "2026-11", "қараша"},
		{"en", "2025-12", "December 2025"},
		{"kk", "2025-12", "2025 жылғы желтоқсан"},
		{"en", "2026-13", "2026-13"},
	} {
		if got := (Locale{Lang: tc.lang}).Month(tc.month, now); got != tc.want {
			t.Errorf("%s Month(%q) = %q; want %q", tc.lang, tc.month, got, tc.want)
		}
	}
	for _, g := range ledger.Ledgers() {
		for _, lang := range []string{"kk", "ru", "en"} {
			if got := (Locale{Lang: lang}).Ledger(g); got == "" || got == g.String() {
				t.Errorf("%s has no name for ledger %s", lang, g)
			}
		}
	}
}
