package source

import (
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/kz"
)

// withCheck completes eleven digits with their check digit, so that tests of
// the other IIN and BIN rules are not rejected for the check digit first.
func withCheck(tb testing.TB, first11 string) string {
	tb.Helper()
	d, ok := kz.CheckDigit(first11)
	if !ok {
		tb.Fatalf("%s has no check digit; pick other test digits", first11)
	}
	return first11 + string(d)
}

// normalizeOne maps one value through a one-field CSV source and returns the
// stored attribute and the reason it was flagged ("" when valid).
func normalizeOne(tb testing.TB, typ Type, format, value string) (string, string) {
	tb.Helper()
	src := &Source{Name: "t", ID: []string{"id"}, Fields: []Field{{Name: "v", Columns: []string{"v"}, Type: typ, DateFormat: format}}}
	rs := mustDecode(tb, src, "id,v\n1,\""+strings.ReplaceAll(value, `"`, `""`)+"\"\n")
	if len(rs) != 1 || rs[0].Rec == nil {
		tb.Fatalf("%s %q: %v", typ, value, summaries(rs))
	}
	rec := rs[0].Rec
	got, reason := "", ""
	if len(rec.Attrs) == 1 {
		got = rec.Attrs[0].Value
	}
	if len(rec.Invalid) == 1 {
		reason = rec.Invalid[0].Reason
		if rec.Invalid[0].Value != got {
			tb.Errorf("issue value %q differs from the stored value %q", rec.Invalid[0].Value, got)
		}
	}
	return got, reason
}

func TestNormalize(t *testing.T) {
	validIIN := withCheck(t, "90010130001")
	validBIN := withCheck(t, "08014001234")
	tests := []struct {
		typ    Type
		format string
		in     string
		want   string // stored value: canonical when valid, trimmed raw when not
		reason string
	}{
		{TypeString, "", "  Алматы  ", "Алматы", ""},
		{TypeString, "", "\u00a0ул. Абая\u3000", "ул. Абая", ""},
		{TypeString, "", "   ", "", ""},

		{TypeIIN, "", validIIN, validIIN, ""},
		{TypeIIN, "", " 900101-30001 7 ", validIIN, ""},
		{TypeIIN, "", "900101300018", "900101300018", "iin: check digit does not match"},
		{TypeIIN, "", "90010130001", "90010130001", "iin: must be 12 digits"},
		{TypeIIN, "", "90010130001x", "90010130001x", "iin: must contain only digits"},
		{TypeIIN, "", withCheck(t, "90010170001"), withCheck(t, "90010170001"), "iin: 7th digit must be 1-6 (century and sex)"},
		{TypeIIN, "", withCheck(t, "90130130001"), withCheck(t, "90130130001"), "iin: first six digits are not a valid birth date"},

		{TypeBIN, "", validBIN, validBIN, ""},
		{TypeBIN, "", "080140 001234", "080140 001234", "bin: check digit does not match"},
		{TypeBIN, "", withCheck(t, "08134001234"), withCheck(t, "08134001234"), "bin: digits 3-4 must be a registration month"},
		{TypeBIN, "", withCheck(t, "08017001234"), withCheck(t, "08017001234"), "bin: 5th digit must be 4, 5 or 6 (kind of entity)"},

		{TypeDate, "", "1985-03-15", "1985-03-15", ""},
		{TypeDate, "", "15.03.1985", "15.03.1985", "date: does not match YYYY-MM-DD"},
		{TypeDate, "DD.MM.YYYY", "15.03.1985", "1985-03-15", ""},
		{TypeDate, "DD.MM.YYYY", "5.3.1985", "1985-03-05", ""},
		{TypeDate, "DD.MM.YYYY", "31.02.1985", "31.02.1985", "date: not a calendar date"},
		{TypeDate, "DD.MM.YYYY", "29.02.2000", "2000-02-29", ""},
		{TypeDate, "DD.MM.YYYY", "29.02.1900", "29.02.1900", "date: not a calendar date"},
		{TypeDate, "DD.MM.YYYY", "00.01.1985", "00.01.1985", "date: not a calendar date"},
		{TypeDate, "DD.MM.YYYY", "15.03.1985 00:00", "15.03.1985 00:00", "date: does not match DD.MM.YYYY"},
		{TypeDate, "DD.MM.YYYY", "15-03-1985", "15-03-1985", "date: does not match DD.MM.YYYY"},
		{TypeDate, "YYYYMMDD", "19850315", "1985-03-15", ""},
		{TypeDate, "YYYYMMDD", "1985315", "1985315", "date: does not match YYYYMMDD"},
		{TypeDate, "DD/MM/YYYY", "15/03/1985", "1985-03-15", ""},
		{TypeDate, "MM/DD/YYYY", "03/15/1985", "1985-03-15", ""},
		{TypeDate, "MM/DD/YYYY", "15/03/1985", "15/03/1985", "date: not a calendar date"},
		{TypeDate, "DD.MM.YY", "15.03.85", "1985-03-15", ""},
		{TypeDate, "DD.MM.YY", "15.03.05", "2005-03-15", ""},
		{TypeDate, "YYYY MM DD", "1967 9 27", "1967-09-27", ""},
		{TypeDate, "YYYY MM DD", "1967 09 27", "1967-09-27", ""},
		{TypeDate, "YYYY MM DD", "1967 2 30", "1967 2 30", "date: not a calendar date"},
		{TypeDate, "YYYY MM DD", "1967 9", "1967 9", "date: does not match YYYY MM DD"},
		{TypeDate, "YYYY MM DD", "1967-09-27", "1967-09-27", "date: does not match YYYY MM DD"},
		{TypeDate, "YYYY MM DD", "67 9 27", "67 9 27", "date: does not match YYYY MM DD"},
		{TypeDate, "DD MM YYYY", "5 3 1985", "1985-03-05", ""},
		{TypeDate, "DD MM YYYY", "05 03 1985", "1985-03-05", ""},

		{TypeSex, "", "M", "M", ""},
		{TypeSex, "", "f", "F", ""},
		{TypeSex, "", "М", "M", ""}, // Cyrillic
		{TypeSex, "", "ж", "F", ""},
		{TypeSex, "", "Е", "M", ""},
		{TypeSex, "", "Ә", "F", ""},
		{TypeSex, "", "Male", "M", ""},
		{TypeSex, "", "FEMALE", "F", ""},
		{TypeSex, "", "man", "M", ""},
		{TypeSex, "", "Woman", "F", ""},
		{TypeSex, "", "муж", "M", ""},
		{TypeSex, "", "Жен", "F", ""},
		{TypeSex, "", "Мужской", "M", ""},
		{TypeSex, "", "женский", "F", ""},
		{TypeSex, "", "ер", "M", ""},
		{TypeSex, "", "Әйел", "F", ""},
		{TypeSex, "", "1", "1", "sex: expected M or F (or М/Ж, Е/Ә, male/female, муж/жен, ер/әйел); map other codes with values:"},
		{TypeSex, "", "x", "x", "sex: expected M or F (or М/Ж, Е/Ә, male/female, муж/жен, ер/әйел); map other codes with values:"},

		{TypeInt, "", "42", "42", ""},
		{TypeInt, "", "+42", "42", ""},
		{TypeInt, "", "-007", "-7", ""},
		{TypeInt, "", "-0", "0", ""},
		{TypeInt, "", "000", "0", ""},
		{TypeInt, "", "123456789012345678901234567890", "123456789012345678901234567890", ""},
		{TypeInt, "", "4.2", "4.2", "int: not an integer"},
		{TypeInt, "", "1 000", "1 000", "int: not an integer"},
		{TypeInt, "", "-", "-", "int: not an integer"},
		{TypeInt, "", "١٢", "١٢", "int: not an integer"},

		{TypeNumber, "", "3,14", "3.14", ""},
		{TypeNumber, "", "-0,5", "-0.5", ""},
		{TypeNumber, "", "+.5", "0.5", ""},
		{TypeNumber, "", "5.", "5", ""},
		{TypeNumber, "", "007.50", "7.50", ""},
		{TypeNumber, "", "1e3", "1e3", ""},
		{TypeNumber, "", "2.5E-3", "2.5E-3", ""},
		{TypeNumber, "", "abc", "abc", "number: not a decimal number"},
		{TypeNumber, "", "1.2.3", "1.2.3", "number: not a decimal number"},
		{TypeNumber, "", "+", "+", "number: not a decimal number"},
		{TypeNumber, "", ".", ".", "number: not a decimal number"},
		{TypeNumber, "", "1e", "1e", "number: not a decimal number"},
		{TypeNumber, "", "1 000,5", "1 000,5", "number: not a decimal number"},

		{TypeEmail, "", "Ivan.Petrov@Mail.KZ", "ivan.petrov@mail.kz", ""},
		{TypeEmail, "", "АДМИН@ПОЧТА.КЗ", "админ@почта.кз", ""},
		{TypeEmail, "", "ivan", "ivan", "email: expected text@text"},
		{TypeEmail, "", "@mail.kz", "@mail.kz", "email: expected text@text"},
		{TypeEmail, "", "ivan@", "ivan@", "email: expected text@text"},
		{TypeEmail, "", "iv an@mail.kz", "iv an@mail.kz", "email: contains a space"},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ)+"/"+tt.format+"/"+tt.in, func(t *testing.T) {
			got, reason := normalizeOne(t, tt.typ, tt.format, tt.in)
			if got != tt.want || reason != tt.reason {
				t.Errorf("%s %q = %q (%q), want %q (%q)", tt.typ, tt.in, got, reason, tt.want, tt.reason)
			}
		})
	}
}

func TestAppendLowerMatchesStringsToLower(t *testing.T) {
	for _, s := range []string{"ABC", "ӘйЕЛ", "МУЖ", "İstanbul", "ǅ", "Ωmega", "ß", ""} {
		if got, want := string(appendLower(nil, []byte(s))), strings.ToLower(s); got != want {
			t.Errorf("appendLower(%q) = %q, want %q", s, got, want)
		}
	}
}
