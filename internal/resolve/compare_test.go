package resolve

import (
	"testing"

	"github.com/ortaq/ortaq/internal/source"
)

// person is a record for tests: canonical attribute -> value.
type person map[string]string

func (p person) attrs() []source.Attr {
	var out []source.Attr
	for _, k := range []string{"national_id", "last_name", "first_name", "middle_name", "full_name", "birth_date", "sex", "phone", "address"} {
		if v, ok := p[k]; ok {
			out = append(out, source.Attr{Name: k, Value: v})
		}
	}
	return out
}

var personModes = map[string]string{"national_id": "", "last_name": "", "first_name": "", "middle_name": "",
	"full_name": "", "birth_date": "", "sex": "", "phone": "", "address": ""}

func tableOf(ps ...person) *Table {
	t := NewTable("person")
	for k, p := range ps {
		t.Add("src", string(rune('a'+k)), p.attrs(), personModes)
	}
	return t
}

func levelOf(t *testing.T, name string, a, b person) string {
	t.Helper()
	tab := tableOf(a, b)
	for _, c := range allComparisons(tab, func(feature) bool { return true }) {
		if c.name == name {
			l := c.level(tab, 0, 1)
			if l < 0 {
				return "null"
			}
			return c.levels[l]
		}
	}
	t.Fatalf("no comparison %q", name)
	return ""
}

func TestComparisonLevels(t *testing.T) {
	tests := []struct {
		comparison string
		a, b       person
		want       string
	}{
		{"last_name", person{"last_name": "Ахметов"}, person{"last_name": "АХМЕТОВ"}, "exact"},
		{"last_name", person{"last_name": "Ахметов"}, person{"last_name": "Ахметова"}, "other gender form"},
		{"last_name", person{"last_name": "Нұрланов"}, person{"last_name": "Nurlanov"}, "same in another script"},
		{"last_name", person{"last_name": "Қасымов"}, person{"last_name": "Касымов"}, "same in another script"},
		{"last_name", person{"last_name": "Meier"}, person{"last_name": "Maier"}, "similar"},
		{"last_name", person{"last_name": "Абдрахманов"}, person{"last_name": "Абдрахамнов"}, "close"},
		{"last_name", person{"last_name": "Ахметов"}, person{"last_name": "Смирнов"}, "different"},
		{"last_name", person{"last_name": "Ахметов"}, person{}, "null"},
		{"first_name", person{"first_name": "Нұрсұлтан"}, person{"first_name": "Nursultan"}, "same in another script"},
		{"first_name", person{"first_name": "Нұрсұлтан"}, person{"first_name": "Нурсултан"}, "same in another script"},
		{"first_name", person{"first_name": "Нұрсұлтан"}, person{"first_name": "NURSULTAN"}, "same in another script"},
		{"first_name", person{"first_name": "Айгерим"}, person{"first_name": "Айгрим"}, "close"},
		{"first_name", person{"first_name": "Айгерим"}, person{"first_name": "Болат"}, "different"},
		// A full name in one field, and first and last name swapped.
		{"first_name", person{"last_name": "Ахметов", "first_name": "Болат"}, person{"full_name": "Ахметов Болат Серікұлы"}, "exact"},
		{"last_name", person{"last_name": "Ахметов", "first_name": "Болат"}, person{"last_name": "Болат", "first_name": "Ахметов"}, "exact"},
		{"middle_name", person{"middle_name": "Нурланович"}, person{"middle_name": "Нұрланұлы"}, "same father's name"},
		{"middle_name", person{"middle_name": "Нурлановна"}, person{"middle_name": "Нұрланқызы"}, "same father's name"},
		{"middle_name", person{"middle_name": "Нурланович"}, person{"middle_name": "Серикович"}, "different"},
		{"birth_date", person{"birth_date": "1985-03-12"}, person{"birth_date": "1985-03-12"}, "exact"},
		{"birth_date", person{"birth_date": "1985-03-12"}, person{"birth_date": "1985-12-03"}, "typo"},
		{"birth_date", person{"birth_date": "1985-03-12"}, person{"birth_date": "1986-03-12"}, "typo"},
		{"birth_date", person{"birth_date": "1985-03-12"}, person{"birth_date": "1985-03-13"}, "typo"},
		{"birth_date", person{"birth_date": "1985-02-31"}, person{"birth_date": "1985-02-21"}, "typo"},
		{"birth_date", person{"birth_date": "1985-03-12"}, person{"birth_date": "1985-07-30"}, "same year"},
		{"birth_date", person{"birth_date": "1985-03-12"}, person{"birth_date": "1985-03-29"}, "two of year, month, day"},
		{"birth_date", person{"birth_date": "1985-03-12"}, person{"birth_date": "1960-03-12"}, "two of year, month, day"},
		{"birth_date", person{"birth_date": "1985-03-12"}, person{"birth_date": "1970-01-01"}, "different"},
		{"national_id", person{"national_id": "880523338479"}, person{"national_id": "880523338479"}, "exact"},
		{"national_id", person{"national_id": "880523338479"}, person{"national_id": "880523338476"}, "one digit off"},
		{"national_id", person{"national_id": "880523338479"}, person{"national_id": "880532338479"}, "one digit off"},
		{"national_id", person{"national_id": "880523338479"}, person{"national_id": "940716403831"}, "different"},
		{"sex", person{"sex": "M"}, person{"sex": "F"}, "different"},
		{"phone", person{"phone": "+7 (701) 533-49-65"}, person{"phone": "87015334965"}, "exact"},
	}
	for _, tt := range tests {
		t.Run(tt.comparison+"/"+tt.a.String()+"~"+tt.b.String(), func(t *testing.T) {
			if got := levelOf(t, tt.comparison, tt.a, tt.b); got != tt.want {
				t.Errorf("%s level = %q, want %q", tt.comparison, got, tt.want)
			}
		})
	}
}

func (p person) String() string {
	s := ""
	for _, a := range p.attrs() {
		s += a.Value + " "
	}
	return s
}
