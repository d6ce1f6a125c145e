package kz

import (
	"regexp"
	"testing"
)

func TestRegions(t *testing.T) {
	regs := Regions()
	if len(regs) != 20 {
		t.Fatalf("got %d regions; want 17 regions and 3 cities", len(regs))
	}
	slug := regexp.MustCompile(`^[a-z][a-z_]*$`)
	postcode := regexp.MustCompile(`^[0-9]{6}$`)
	codes := map[string]bool{}
	cities := 0
	for _, r := range regs {
		t.Run(r.Code, func(t *testing.T) {
			if !slug.MatchString(r.Code) || codes[r.Code] {
				t.Errorf("code %q not a unique ASCII slug", r.Code)
			}
			codes[r.Code] = true
			if r.KK == "" || r.RU == "" || r.EN == "" || r.Population <= 0 {
				t.Errorf("incomplete region %+v", r)
			}
			if len(r.Localities) == 0 {
				t.Fatalf("no localities")
			}
			if r.City && len(r.Localities) != 1 {
				t.Errorf("a city region has one locality, the city")
			}
			for _, l := range r.Localities {
				if l.KK == "" || l.RU == "" || !postcode.MatchString(l.Postcode) {
					t.Errorf("bad locality %+v", l)
				}
				switch l.Kind {
				case CityLocality, TownLocality, VillageLocality:
				default:
					t.Errorf("locality %s: kind %q", l.RU, l.Kind)
				}
			}
			if got, ok := RegionByCode(r.Code); !ok || got.EN != r.EN {
				t.Errorf("RegionByCode(%q) = %v, %v", r.Code, got.EN, ok)
			}
			for _, lang := range []string{"kk", "ru", "en"} {
				if r.Name(lang) == "" {
					t.Errorf("no %s name", lang)
				}
			}
		})
		if r.City {
			cities++
		}
	}
	if cities != 3 {
		t.Errorf("got %d cities of republican significance; want 3", cities)
	}
	for _, want := range []string{"abai", "akmola", "aktobe", "almaty_region", "atyrau", "east_kazakhstan", "zhambyl", "zhetysu", "west_kazakhstan", "karaganda", "kostanay", "kyzylorda", "mangystau", "pavlodar", "north_kazakhstan", "turkistan", "ulytau", "astana", "almaty", "shymkent"} {
		if !codes[want] {
			t.Errorf("missing region %q", want)
		}
	}
	if _, ok := RegionByCode("nowhere"); ok {
		t.Errorf("RegionByCode found an unknown code")
	}
}
