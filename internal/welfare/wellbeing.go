package welfare

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/household"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wellbeing"
)

// WellbeingHousehold adapts a profile on date to what the well-being model
// reads. A member's monthly income is their income over the quarter before
// date divided by 3 (as АСП counts it), in tiyn rounded half up. The
// poverty line is АСП's for the household's region and that quarter:
// max(asp.median_share × median income, asp.pm_share × regional ПМ); for
// a region the АСП tables have no figures for, it is asp.pm_share × the
// national ПМ (PM) on date, and failing that 70 % of it.
func WellbeingHousehold(p *household.Profile, date benefits.Date, cat *benefits.Catalog) (wellbeing.Household, error) {
	h := wellbeing.Household{ID: p.ID, Region: p.Region.Value}
	line, err := povertyLine(cat, p.Region.Value, date)
	if err != nil {
		return h, err
	}
	h.PovertyLine = line
	months := benefits.QuarterOf(date).Prev().Months()
	for i := range p.Members {
		m := &p.Members[i]
		wm := wellbeing.Member{Age: max(dateOf(m.BirthDate.Value).AgeOn(date), 0), Employed: m.Employed.Value,
			Enrolled: m.Pupil.Value || m.Student.Value, Student: m.Student.Value, Attached: m.HealthCard.Value,
			Livestock: m.Livestock.Value}
		total := benefits.Money{}
		for _, mo := range months {
			if f, ok := m.Income[mo.String()]; ok {
				v, err := benefits.ParseMoney(f.Value)
				if err != nil {
					return h, fmt.Errorf("household %s: income %s: %w", p.ID, mo, err)
				}
				if total, err = total.Add(v); err != nil {
					return h, err
				}
			}
		}
		wm.MonthlyIncome, err = tiyn(total, 3)
		if err != nil {
			return h, fmt.Errorf("household %s: %w", p.ID, err)
		}
		if d := m.Disability.Value; d != nil {
			switch d.Group {
			case 1:
				wm.Disability = wellbeing.DisabilityGroup1
			case 2:
				wm.Disability = wellbeing.DisabilityGroup2
			case 3:
				wm.Disability = wellbeing.DisabilityGroup3
			default:
				wm.Disability = wellbeing.DisabilityChild
			}
		}
		h.Members = append(h.Members, wm)
	}
	return h, nil
}

// tiyn is m / div in tiyn, rounded half up.
func tiyn(m benefits.Money, div int64) (wellbeing.Money, error) {
	x, err := m.Mul(benefits.Tenge(100))
	if err == nil {
		x, err = x.Div(benefits.Tenge(div))
	}
	if err != nil {
		return 0, err
	}
	return wellbeing.Money(x.Round().Int64()), nil
}

func povertyLine(cat *benefits.Catalog, region string, date benefits.Date) (wellbeing.Money, error) {
	scalar := func(name string, on benefits.Date) (benefits.Money, bool) {
		p := cat.Params[name]
		if p == nil {
			return benefits.Money{}, false
		}
		v, ok := p.At(on)
		if !ok || v.Value == nil {
			return benefits.Money{}, false
		}
		return *v.Value, true
	}
	row := func(name, key string) (benefits.Money, bool) {
		p := cat.Params[name]
		if p == nil {
			return benefits.Money{}, false
		}
		v, ok := p.At(date)
		if !ok {
			return benefits.Money{}, false
		}
		m, ok := v.Rows[key]
		return m, ok
	}
	pmShare, ok := scalar("asp.pm_share", date)
	if !ok {
		pmShare = benefits.MustMoney("0.70")
	}
	key := region + "/" + benefits.QuarterOf(date).Prev().String()
	median, okM := row("asp.median_income", key)
	regional, okR := row("asp.regional_pm", key)
	medShare, okS := scalar("asp.median_share", date)
	var line benefits.Money
	var err error
	if okM && okR && okS {
		a, err1 := medShare.Mul(median)
		b, err2 := pmShare.Mul(regional)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("poverty line of %s: overflow", region)
		}
		line = a
		if b.Cmp(a) > 0 {
			line = b
		}
	} else {
		pm, ok := scalar("PM", date)
		if !ok {
			return 0, fmt.Errorf("poverty line of %s on %s: no PM", region, date)
		}
		if line, err = pmShare.Mul(pm); err != nil {
			return 0, err
		}
	}
	return tiyn(line, 1)
}

// WellbeingModel is the model households are scored with: its
// indicators, weights, cut-offs and levels, with their titles.
func (s *Service) WellbeingModel() *wellbeing.Model { return s.opts.Wellbeing }

// Wellbeing returns the aggregate well-being index (Alkire–Foster M0 by
// region and indicator) the latest mass run stored; store.ErrNotFound
// before any.
func (s *Service) Wellbeing(ctx context.Context) (*wellbeing.Result, error) {
	b, _, err := s.st.WellbeingResult(ctx)
	if err != nil {
		return nil, err
	}
	var r wellbeing.Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("well-being result: %w", err)
	}
	return &r, nil
}

// wellbeingRow is the stored form of a score.
func wellbeingRow(sc wellbeing.Score) store.WellbeingRow {
	return store.WellbeingRow{Household: sc.ID, Region: sc.Region, Level: sc.Level, Units: sc.Units, Den: sc.Den,
		Mask: sc.Mask, Poor: sc.Poor}
}
