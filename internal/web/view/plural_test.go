package view

import "testing"

func TestCategory(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"ru", 1, "one"}, {"ru", 21, "one"}, {"ru", 2, "few"}, {"ru", 24, "few"}, {"ru", 5, "many"},
		{"ru", 11, "many"}, {"ru", 12, "many"}, {"ru", 0, "many"}, {"ru", 111, "many"}, {"ru", 1001, "one"},
		{"kk", 1, "one"}, {"kk", 2, "other"}, {"en", 1, "one"}, {"en", 0, "other"}, {"en", 2, "other"},
		{"ru", 20_000_001, "one"},
	} {
		if got := Category(tc.lang, tc.n); got != tc.want {
			t.Errorf("Category(%s, %d) = %s; want %s", tc.lang, tc.n, got, tc.want)
		}
	}
}

func TestPlural(t *testing.T) {
	const key = "test.records"
	plurals[key] = map[string]map[string]string{
		"ru": {"one": "%s запись", "few": "%s записи", "many": "%s записей", "other": "%s записи"},
		"kk": {"other": "%s жазба"},
		"en": {"one": "%s record", "other": "%s records"},
	}
	t.Cleanup(func() { delete(plurals, key) })
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"ru", 1, "1 запись"}, {"ru", 2, "2 записи"}, {"ru", 5, "5 записей"}, {"ru", 21, "21 запись"},
		{"ru", 12345, "12\u00a0345 записей"}, {"kk", 1, "1 жазба"}, {"kk", 7, "7 жазба"},
		{"en", 1, "1 record"}, {"en", 1000, "1,000 records"},
	} {
		if got := (Locale{Lang: tc.lang}).P(key, tc.n); got != tc.want {
			t.Errorf("P(%s, %d) = %q; want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	if got := (Locale{Lang: "ru"}).P("no.such", 3); got != "no.such" {
		t.Errorf("missing plural message shows %q; want its key", got)
	}
}
