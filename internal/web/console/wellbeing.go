package console

import (
	"math/big"
	"net/http"

	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/wellbeing"
)

// indexLine is the Alkire–Foster index of one population.
type indexLine struct {
	Region           string
	Households, Poor int
	M0, H, A         string
}

// levelLine is one well-being level with its households.
type levelLine struct {
	ID, Title, Description string
	Households             int
	Share                  string
}

// indicatorLine is one indicator's part in the index.
type indicatorLine struct {
	ID, Title, Dimension, Cutoff string
	Weight                       string
	Deprived, Censored           int
	CensoredH, Contribution      string
	// Fill is the contribution as a bar's width out of 100, and Class
	// the bar's style, for the layout's "bar".
	Fill, Class string
}

type wellbeingData struct {
	view.Page
	Sub          string
	Enabled, Has bool
	Total        indexLine
	Cutoff       string
	Levels       []levelLine
	Regions      []indexLine
	Indicators   []indicatorLine
}

// wellbeingPage shows the well-being index of the latest mass decision
// run: M0 = H × A for the nation, the households at each level, and the
// index by region and by indicator, with the model's titles in the page's
// language. The levels order outreach; the page says they never deny a
// benefit.
func (s *Server) wellbeingPage(w http.ResponseWriter, r *http.Request) {
	d := wellbeingData{Page: s.newPage(w, r).Titled("wellbeing.title"), Enabled: s.opts.Welfare != nil}
	d.Nav, d.Sub = "benefits", "wellbeing"
	if !d.Enabled {
		s.render(w, r, http.StatusOK, "wellbeing", d)
		return
	}
	res, err := s.opts.Welfare.Wellbeing(r.Context())
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	if res != nil && res.Total.Households > 0 {
		d.fill(s.wellbeingModel(), res)
	}
	s.render(w, r, http.StatusOK, "wellbeing", d)
}

// wellbeingModel is the model the service scores with.
func (s *Server) wellbeingModel() *wellbeing.Model {
	return s.opts.Welfare.WellbeingModel()
}

// fill tells res in the page's language with the titles of model m.
func (d *wellbeingData) fill(m *wellbeing.Model, res *wellbeing.Result) {
	l := d.L
	d.Has = true
	d.Cutoff = ratText(l, res.Cutoff, 3)
	d.Total = indexOf(l, res.Total)
	for _, b := range res.Regions {
		d.Regions = append(d.Regions, indexOf(l, b))
	}
	levels := map[string]wellbeing.Level{}
	for _, lv := range m.Levels {
		levels[lv.ID] = lv
	}
	for _, lc := range res.Total.Levels {
		lv := levels[lc.Level]
		d.Levels = append(d.Levels, levelLine{ID: lc.Level, Title: lv.Title.In(l.Lang), Description: lv.Description.In(l.Lang),
			Households: int(lc.Households), Share: l.Percent(int(lc.Households), int(res.Total.Households))})
	}
	dims := map[string]string{}
	for _, dim := range m.Dimensions {
		dims[dim.ID] = dim.Title.In(l.Lang)
	}
	byID := map[string]wellbeing.Indicator{}
	for _, ind := range m.Indicators {
		byID[ind.ID] = ind
	}
	for _, ir := range res.Total.Indicators {
		ind := byID[ir.ID]
		line := indicatorLine{ID: ir.ID, Title: ind.Title.In(l.Lang), Dimension: dims[ind.Dimension], Cutoff: ind.Cutoff.In(l.Lang),
			Deprived: int(ir.Deprived), Censored: int(ir.Censored), CensoredH: pctText(l, ir.CensoredH),
			Contribution: pctText(l, ir.Contribution), Fill: ratText(view.Locale{Lang: "en"}, scale(ir.Contribution, 100), 1)}
		if ind.Weight != nil {
			line.Weight = ratText(l, ind.Weight, 3)
		}
		if line.Title == "" {
			line.Title = ir.ID
		}
		d.Indicators = append(d.Indicators, line)
	}
}

func indexOf(l view.Locale, b wellbeing.Breakdown) indexLine {
	return indexLine{Region: l.Region(b.Region), Households: int(b.Households), Poor: int(b.Poor),
		M0: ratText(l, b.M0, 3), H: pctText(l, b.H), A: pctText(l, b.A)}
}

// ratText shows an exact ratio with digits after the point, as readers of
// l write decimals.
func ratText(l view.Locale, r *big.Rat, digits int) string {
	if r == nil {
		return "—"
	}
	return l.Num(r.FloatString(digits))
}

// pctText shows a ratio as a percentage with one digit after the point.
func pctText(l view.Locale, r *big.Rat) string {
	if r == nil {
		return "—"
	}
	return ratText(l, scale(r, 100), 1) + "\u00a0%"
}

func scale(r *big.Rat, by int64) *big.Rat {
	if r == nil {
		return new(big.Rat)
	}
	return new(big.Rat).Mul(r, big.NewRat(by, 1))
}
