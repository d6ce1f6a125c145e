package view

import (
	"testing"
	"time"
)

func TestLocaleNumbers(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 0, "0"},
		{"en", 999, "999"},
		{"en", 1000, "1,000"},
		{"en", 20123456, "20,123,456"},
		{"en", -1234, "-1,234"},
		{"ru", 1234567, "1\u00a0234\u00a0567"},
		{"kk", 100000, "100\u00a0000"},
		{"kk", -100, "-100"},
	} {
		if got := (Locale{Lang: tc.lang}).N(tc.n); got != tc.want {
			t.Errorf("%s N(%d) = %q; want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

func TestLocaleTimes(t *testing.T) {
	start := time.Date(2026, 11, 22, 18, 45, 0, 0, time.FixedZone("Astana", 5*3600))
	end := start.Add(1500 * time.Millisecond)
	for _, tc := range []struct {
		lang, time, dur string
	}{
		{"en", "22 Nov 2026 13:45", "1.5 s"},
		{"ru", "22.11.2026 13:45", "1,5 с"},
		{"kk", "22.11.2026 13:45", "1,5 с"},
	} {
		l := Locale{Lang: tc.lang}
		if got := l.Time(start); got != tc.time {
			t.Errorf("%s Time = %q; want %q (UTC)", tc.lang, got, tc.time)
		}
		if got := l.Duration(start, end); got != tc.dur {
			t.Errorf("%s Duration = %q; want %q", tc.lang, got, tc.dur)
		}
	}
	if got := (Locale{Lang: "kk"}).Duration(start, start.Add(42*time.Millisecond)); got != "42 мс" {
		t.Errorf("short Duration = %q; want 42 мс", got)
	}
	for lang, want := range map[string]string{"kk": "01.03.2026", "ru": "01.03.2026", "en": "1 Mar 2026"} {
		if got := (Locale{Lang: lang}).Date(time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC)); got != want {
			t.Errorf("%s Date = %q; want %q", lang, got, want)
		}
	}
	if got := (Locale{Lang: "en"}).Time(time.Time{}); got != "—" {
		t.Errorf("zero time = %q", got)
	}
}

func TestLocaleNames(t *testing.T) {
	names := map[string]string{"kk": "Ішкі істер министрлігі", "ru": ""}
	for _, tc := range []struct{ lang, want string }{
		{"kk", "Ішкі істер министрлігі"},
		{"ru", "Ministry of Internal Affairs"}, // empty translation falls back
		{"en", "Ministry of Internal Affairs"}, // missing translation falls back
	} {
		if got := (Locale{Lang: tc.lang}).Name("Ministry of Internal Affairs", names); got != tc.want {
			t.Errorf("%s Name = %q; want %q", tc.lang, got, tc.want)
		}
	}
	l := Locale{Lang: "ru"}
	if got := l.Label("code.", "duplicate_id"); got != "Повторный идентификатор" {
		t.Errorf("Label known = %q", got)
	}
	if got := l.Label("code.", "brand_new_code"); got != "brand_new_code" {
		t.Errorf("Label unknown = %q; want the value itself", got)
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"", ""},
		{"kk", "kk"},
		{"ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"},
		{"en;q=0.5, kk-KZ;q=0.9", "kk"},
		{"de;q=1, en;q=0", ""},
		{"EN-us", "en"},
		// A malformed header says nothing reliable: the default decides.
		{"ru;q=bogus, en;q=0.1", ""},
		{"*", ""},
	} {
		if got := fromAcceptLanguage(tc.header); got != tc.want {
			t.Errorf("fromAcceptLanguage(%q) = %q; want %q", tc.header, got, tc.want)
		}
	}
}

// FuzzFromAcceptLanguage: any header yields a supported language or "".
func FuzzFromAcceptLanguage(f *testing.F) {
	for _, s := range []string{"", "ru-RU,ru;q=0.9", "kk;q=", ";;,,q=1", "en;q=NaN", "en;q=1e400, ru"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		if got := fromAcceptLanguage(header); got != "" && !supportedLang(got) {
			t.Errorf("fromAcceptLanguage(%q) = %q", header, got)
		}
	})
}

func TestNum(t *testing.T) {
	for _, tc := range []struct{ lang, in, want string }{
		{"kk", "556565.00", "556\u00a0565,00"}, {"ru", "1234567", "1\u00a0234\u00a0567"}, {"en", "556565.00", "556,565.00"},
		{"ru", "-1500.5", "−1\u00a0500,5"}, {"ru", "999", "999"}, {"kk", "12 кг", "12 кг"}, {"en", "1e5", "1e5"}, {"ru", "", ""},
	} {
		if got := (Locale{Lang: tc.lang}).Num(tc.in); got != tc.want {
			t.Errorf("Num(%s, %q) = %q; want %q", tc.lang, tc.in, got, tc.want)
		}
	}
}
