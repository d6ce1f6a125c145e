package kz

import (
	"errors"
	"fmt"
	"time"
)

// Errors returned by ParseIIN and CheckBIN. They describe why a number is not
// a valid identifier; callers treat them as data-quality findings, never as
// failures of the program.
var (
	ErrIDLength     = errors.New("must be 12 digits")
	ErrIDDigits     = errors.New("must contain only digits")
	ErrIDCheckDigit = errors.New("check digit does not match")
	ErrIDUnissuable = errors.New("no check digit exists for these digits")
	ErrIINCentury   = errors.New("7th digit must be 1-6 (century and sex)")
	ErrIINDate      = errors.New("first six digits are not a valid birth date")
)

// Sex of a person as encoded in the IIN and as stored canonically.
type Sex byte

// Canonical sex codes.
const (
	Male   Sex = 'M'
	Female Sex = 'F'
)

func (s Sex) String() string { return string(s) }

// IIN is a parsed individual identification number.
type IIN struct {
	Number    string
	BirthDate time.Time
	Sex       Sex
}

var (
	firstWeights  = [11]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	secondWeights = [11]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2}
)

// CheckDigit computes the 12th digit from the first 11 by the national
// algorithm: a weighted sum modulo 11 with weights 1..11; when that gives 10,
// a second pass with weights 3..11,1,2; when that gives 10 again, no number
// with these 11 digits is ever issued and ok is false.
func CheckDigit(first11 string) (digit byte, ok bool) {
	if len(first11) != 11 {
		return 0, false
	}
	for _, weights := range [...][11]int{firstWeights, secondWeights} {
		sum := 0
		for i := 0; i < 11; i++ {
			c := first11[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			sum += int(c-'0') * weights[i]
		}
		if r := sum % 11; r != 10 {
			return byte('0' + r), true
		}
	}
	return 0, false
}

// checkNumber validates the shape and check digit shared by IIN and BIN.
func checkNumber(s string) error {
	if len(s) != 12 {
		return ErrIDLength
	}
	for i := 0; i < 12; i++ {
		if s[i] < '0' || s[i] > '9' {
			return ErrIDDigits
		}
	}
	d, ok := CheckDigit(s[:11])
	if !ok {
		return ErrIDUnissuable
	}
	if d != s[11] {
		return ErrIDCheckDigit
	}
	return nil
}

// ParseIIN validates an IIN: twelve digits, a birth date in the first six,
// a century-and-sex digit in the seventh (1/2: 1800s, 3/4: 1900s, 5/6: 2000s;
// odd for men) and a matching check digit.
func ParseIIN(s string) (IIN, error) {
	if err := checkNumber(s); err != nil {
		return IIN{}, err
	}
	c := s[6]
	if c < '1' || c > '6' {
		return IIN{}, ErrIINCentury
	}
	century := 1800 + 100*int((c-'1')/2)
	year := century + int(s[0]-'0')*10 + int(s[1]-'0')
	month := time.Month(int(s[2]-'0')*10 + int(s[3]-'0'))
	day := int(s[4]-'0')*10 + int(s[5]-'0')
	birth := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if birth.Year() != year || birth.Month() != month || birth.Day() != day {
		return IIN{}, ErrIINDate
	}
	sex := Female
	if (c-'0')%2 == 1 {
		sex = Male
	}
	return IIN{Number: s, BirthDate: birth, Sex: sex}, nil
}

// ValidIIN reports whether s is a well-formed IIN with a correct check digit.
func ValidIIN(s string) bool {
	_, err := ParseIIN(s)
	return err == nil
}

// MakeIIN builds a valid IIN for a person born on birth with the given sex,
// using serial (0-9999) for digits 8-11. Serials whose check digit cannot be
// issued are skipped forward, so the result is always valid; the serial
// actually used is returned.
func MakeIIN(birth time.Time, sex Sex, serial int) (string, int, error) {
	y := birth.Year()
	if y < 1800 || y > 2099 {
		return "", 0, fmt.Errorf("make iin: birth year %d out of range", y)
	}
	c := byte('1' + 2*((y-1800)/100))
	if sex == Female {
		c++
	}
	var b [12]byte
	put2 := func(i, v int) { b[i], b[i+1] = byte('0'+v/10), byte('0'+v%10) }
	put2(0, y%100)
	put2(2, int(birth.Month()))
	put2(4, birth.Day())
	b[6] = c
	for tries := 0; tries < 10000; tries++ {
		n := (serial + tries) % 10000
		put2(7, n/100)
		put2(9, n%100)
		if d, ok := CheckDigit(string(b[:11])); ok {
			b[11] = d
			return string(b[:]), n, nil
		}
	}
	return "", 0, fmt.Errorf("make iin: no issuable serial for %s", birth.Format(time.DateOnly))
}

// CheckBIN validates a business identification number: twelve digits and the
// same check-digit algorithm as the IIN. The first four digits are the
// registration year and month, the fifth the kind of entity.
func CheckBIN(s string) error {
	if err := checkNumber(s); err != nil {
		return err
	}
	month := int(s[2]-'0')*10 + int(s[3]-'0')
	if month < 1 || month > 12 {
		return errors.New("digits 3-4 must be a registration month")
	}
	if k := s[4]; k < '4' || k > '6' {
		return errors.New("5th digit must be 4, 5 or 6 (kind of entity)")
	}
	return nil
}
