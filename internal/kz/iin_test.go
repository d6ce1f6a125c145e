package kz

import (
	"errors"
	"testing"
	"time"
)

func TestCheckDigitPasses(t *testing.T) {
	tests := []struct {
		name   string
		first  string
		digit  byte
		issued bool
	}{
		// first pass: sum(d_i * i) mod 11 != 10
		{"first pass", "90010130001", '7', true},
		// first pass gives 10, second pass decides
		{"second pass", "00000000010", '1', true},
		// both passes give 10: never issued
		{"unissuable", "00000000281", 0, false},
		{"short", "1234", 0, false},
		{"letters", "9001013000a", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := CheckDigit(tt.first)
			if ok != tt.issued || d != tt.digit {
				t.Fatalf("CheckDigit(%q) = %q, %v; want %q, %v", tt.first, d, ok, tt.digit, tt.issued)
			}
		})
	}
}

// TestCheckDigitDefinition re-derives both passes independently so that a
// regression in either weight table cannot hide.
func TestCheckDigitDefinition(t *testing.T) {
	for n := 0; n < 200000; n += 7 {
		first := "8512" + pad7(n)
		sum1, sum2 := 0, 0
		for i := 0; i < 11; i++ {
			d := int(first[i] - '0')
			sum1 += d * (i + 1)
			sum2 += d * ((i+2)%11 + 1)
		}
		want, issued := sum1%11, true
		if want == 10 {
			want = sum2 % 11
			issued = want != 10
		}
		d, ok := CheckDigit(first)
		if ok != issued || (ok && int(d-'0') != want) {
			t.Fatalf("CheckDigit(%q) = %q,%v; want %d,%v", first, d, ok, want, issued)
		}
	}
}

func pad7(n int) string {
	b := []byte("0000000")
	for i := 6; i >= 0 && n > 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

func TestParseIIN(t *testing.T) {
	tests := []struct {
		in    string
		birth string
		sex   Sex
		err   error
	}{
		{"900101300017", "1990-01-01", Male, nil},
		{"900101400013", "1990-01-01", Female, nil},
		{"050315500014", "2005-03-15", Male, nil},
		{"050315600010", "2005-03-15", Female, nil},
		{"990101100010", "1899-01-01", Male, nil},
		{"900101300018", "", 0, ErrIDCheckDigit},
		{"90010130001", "", 0, ErrIDLength},
		{"9001013000 1", "", 0, ErrIDDigits},
		{"900101700012", "", 0, ErrIINCentury},
		{"900101000018", "", 0, ErrIINCentury},
		{"901301300017", "", 0, ErrIINDate},
		{"900230300019", "", 0, ErrIINDate},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseIIN(tt.in)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("ParseIIN(%q) error = %v; want %v", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseIIN(%q): %v", tt.in, err)
			}
			if got.BirthDate.Format(time.DateOnly) != tt.birth || got.Sex != tt.sex {
				t.Fatalf("ParseIIN(%q) = %s %c; want %s %c", tt.in, got.BirthDate.Format(time.DateOnly), got.Sex, tt.birth, tt.sex)
			}
		})
	}
}

func TestMakeIINRoundTrip(t *testing.T) {
	births := []time.Time{
		time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1955, 2, 28, 0, 0, 0, 0, time.UTC),
		time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, b := range births {
		for _, sex := range []Sex{Male, Female} {
			for serial := 0; serial < 10000; serial += 97 {
				s, used, err := MakeIIN(b, sex, serial)
				if err != nil {
					t.Fatal(err)
				}
				if used < serial && serial-used < 9000 {
					t.Fatalf("serial went backwards: %d -> %d", serial, used)
				}
				got, err := ParseIIN(s)
				if err != nil {
					t.Fatalf("MakeIIN(%v,%c,%d) = %s invalid: %v", b, sex, serial, s, err)
				}
				if !got.BirthDate.Equal(b) || got.Sex != sex {
					t.Fatalf("round trip %s: got %v %c", s, got.BirthDate, got.Sex)
				}
			}
		}
	}
}

func TestCheckBIN(t *testing.T) {
	ok := "050540000006"
	if d, _ := CheckDigit(ok[:11]); d != ok[11] {
		t.Fatalf("fixture %s has wrong check digit; want %c", ok, d)
	}
	if err := CheckBIN(ok); err != nil {
		t.Fatalf("CheckBIN(%s): %v", ok, err)
	}
	for _, bad := range []string{"050540000003", "051340000001", "05054000000", "050590000009"} {
		if CheckBIN(bad) == nil {
			t.Errorf("CheckBIN(%s) accepted an invalid BIN", bad)
		}
	}
}

func FuzzParseIIN(f *testing.F) {
	f.Add("900101300017")
	f.Add("000000000000")
	f.Add("ыыыыыы")
	f.Fuzz(func(t *testing.T, s string) {
		iin, err := ParseIIN(s)
		if err != nil {
			return
		}
		again, _, err := MakeIIN(iin.BirthDate, iin.Sex, int(s[7]-'0')*1000+int(s[8]-'0')*100+int(s[9]-'0')*10+int(s[10]-'0'))
		if err != nil || again != s {
			t.Fatalf("valid %s does not round-trip: %s %v", s, again, err)
		}
	})
}
