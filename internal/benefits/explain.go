package benefits

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Explanation is a decision in plain words, in one language: structured
// lines a page, an SMS or a letter lays out as it needs.
type Explanation struct {
	Programme string `json:"programme"`
	Title     string `json:"title"`
	Lang      string `json:"lang"`
	Lines     []Line `json:"lines"`
}

// Line is one sentence of an explanation. Kind says what it is: "rule"
// (the programme version and its law), "step" (a rule's step with its
// values), "fact" (facts of one person, with their source when known),
// "parameter" (a value with its law), "arithmetic" (the amount's
// formula), "outcome", "change" (what would change the outcome) or
// "error".
type Line struct {
	Kind   string `json:"kind"`
	Text   string `json:"text"`
	Person string `json:"person,omitempty"`
	Law    string `json:"law,omitempty"`
}

// Languages are the languages explanations are written in.
var Languages = []string{"kk", "ru", "en"}

// labels are the few fixed words of an explanation.
var labels = map[string]map[string]string{
	"rule":      {"kk": "Ереже: %s, %s нұсқасы (%s).", "ru": "Правило: %s, версия %s (%s).", "en": "Rule: %s, version %s (%s)."},
	"facts":     {"kk": "%s деректері: %s.", "ru": "Сведения о %s: %s.", "en": "Facts of %s: %s."},
	"source":    {"kk": "%s — %s, %s, %s бойынша", "ru": "%s — %s, %s, на %s", "en": "%s — %s, %s, as of %s"},
	"param":     {"kk": "%s = %s (%s бастап; %s).", "ru": "%s = %s (с %s; %s).", "en": "%s = %s (from %s; %s)."},
	"amount":    {"kk": "Сома = %s = %s ₸.", "ru": "Сумма = %s = %s ₸.", "en": "Amount = %s = %s ₸."},
	"month":     {"kk": "Құқығы бар: айына %s ₸.", "ru": "Право есть: %s ₸ в месяц.", "en": "Eligible: %s ₸ a month."},
	"once":      {"kk": "Құқығы бар: біржолғы %s ₸.", "ru": "Право есть: единовременно %s ₸.", "en": "Eligible: %s ₸ once."},
	"no":        {"kk": "Құқығы жоқ.", "ru": "Права нет.", "en": "Not eligible."},
	"error":     {"kk": "Шешім шығару мүмкін болмады: %s", "ru": "Решение не принято: %s", "en": "Could not be decided: %s"},
	"household": {"kk": "отбасы", "ru": "семья", "en": "household"},
}

func label(key, lang string) string {
	if t, ok := labels[key][lang]; ok {
		return t
	}
	return labels[key]["en"]
}

// Explain renders d in lang ("kk", "ru" or "en"; others fall back to
// English) from its trace and the texts of the programme version it
// names. A decision without a trace (decided with NoTrace) explains only
// its outcome: decide again to get the rest.
func (c *Catalog) Explain(d Decision, lang string) Explanation {
	if !slices.Contains(Languages, lang) {
		lang = "en"
	}
	ex := Explanation{Programme: d.Programme, Lang: lang, Title: d.Programme}
	var prog *Programme
	for _, p := range c.Programmes {
		if p.ID == d.Programme {
			prog = p
		}
	}
	var ver *Version
	if prog != nil {
		ex.Title = pick(prog.Title, lang, d.Programme)
		for _, v := range prog.Versions {
			if v.ID == d.Versions.Programme {
				ver = v
			}
		}
	}
	add := func(kind, text, person, law string) {
		ex.Lines = append(ex.Lines, Line{Kind: kind, Text: text, Person: person, Law: law})
	}
	if ver != nil {
		add("rule", fmt.Sprintf(label("rule", lang), ex.Title, ver.ID, pick(ver.Law.Title, lang, ver.Law.Ref)), "", ver.Law.Ref)
	}
	tr := d.Trace
	if tr != nil && ver != nil {
		vals := map[string]Value{varMembers: {int64(tr.Members)}}
		for _, s := range tr.Steps {
			vals[s.Name] = s.Value
		}
		for _, s := range slices.Concat(ver.Steps, ver.Then) {
			for _, ts := range tr.Steps {
				if s.Each != "" && ts.Name == s.Each {
					if s.Count != "" {
						vals[s.Count] = Value{int64(len(ts.Persons))}
					}
					if s.Sum != "" {
						vals[s.Sum] = ts.Value
					}
				}
			}
		}
		for _, s := range slices.Concat(ver.Steps, ver.Then) {
			for _, ts := range tr.Steps {
				if ts.Name != s.Name() || s.Explain == nil {
					continue
				}
				add("step", render(s.Explain, lang, vals, s.Plural), "", "")
			}
		}
		if tr.Change != nil && ver.Change != nil {
			m, ok := asMoney(*tr.Change)
			tmpl := ver.Change.Explain
			if ok && m.Sign() <= 0 {
				tmpl, m = ver.Change.Otherwise, m.Neg()
			}
			if ok && tmpl != nil {
				vals["change"] = Value{m}
				if t := render(tmpl, lang, vals, "change"); t != "" {
					add("change", t, "", "")
				}
			}
		}
	}
	switch {
	case d.Err != "":
		add("error", fmt.Sprintf(label("error", lang), d.Err), "", "")
	case d.Eligible && tr != nil && ver != nil:
		add("arithmetic", fmt.Sprintf(label("amount", lang), ver.Amount, formatMoney(d.Amount, lang)), "", "")
	}
	if tr != nil {
		for _, p := range tr.Parameters {
			title := p.Name
			if par := c.Params[p.Name]; par != nil {
				title = pick(par.Title, lang, p.Name)
			}
			if p.Key != "" {
				title += " [" + p.Key + "]"
			}
			add("parameter", fmt.Sprintf(label("param", lang), title, formatMoney(p.Value, lang), p.From, p.Law), "", p.Law)
		}
		for _, f := range tr.Facts {
			who := f.Person
			if who == "household" {
				who = label("household", lang)
			}
			var parts []string
			for _, field := range f.Fields {
				if src, ok := tr.Sources[f.Person+"."+field]; ok {
					parts = append(parts, fmt.Sprintf(label("source", lang), field, src.Agency, src.Source, src.AsOf))
				} else {
					parts = append(parts, field)
				}
			}
			add("fact", fmt.Sprintf(label("facts", lang), who, strings.Join(parts, "; ")), f.Person, "")
		}
	}
	switch {
	case d.Err != "":
	case d.Eligible:
		add("outcome", fmt.Sprintf(label(map[bool]string{true: "once", false: "month"}[d.Period == "once"], lang), formatMoney(d.Amount, lang)), "", "")
	default:
		add("outcome", label("no", lang), "", "")
	}
	return ex
}

// Explain is Catalog.Explain with the engine's catalog.
func (e *Engine) Explain(d Decision, lang string) Explanation { return e.cat.Explain(d, lang) }

func pick(t Text, lang, fallback string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if s := t["en"]; s != "" {
		return s
	}
	return fallback
}

func asMoney(v Value) (Money, bool) {
	switch x := v.V.(type) {
	case Money:
		return x, true
	case int64:
		return Tenge(x), true
	}
	return Money{}, false
}

// render fills {name} placeholders with step values, choosing the plural
// form by the value of the variable named count.
func render(p Plural, lang string, vals map[string]Value, count string) string {
	forms := p[lang]
	if forms == nil {
		forms = p["en"]
	}
	text := forms["other"]
	if count != "" {
		if m, ok := asMoney(vals[count]); ok && m.IsWhole() {
			if t, ok := forms[Category(lang, m.Int64())]; ok {
				text = t
			}
		}
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		j := strings.IndexByte(text[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		name := text[i+1 : i+j]
		b.WriteString(formatValue(vals[name], lang))
		text = text[i+j+1:]
	}
}

func formatValue(v Value, lang string) string {
	switch x := v.V.(type) {
	case Money:
		return formatMoney(x, lang)
	case int64:
		return formatMoney(Tenge(x), lang)
	case bool:
		yes := map[string][2]string{"kk": {"иә", "жоқ"}, "ru": {"да", "нет"}, "en": {"yes", "no"}}[lang]
		if x {
			return yes[0]
		}
		return yes[1]
	case nil:
		return "?"
	}
	return fmt.Sprint(v.V)
}

// formatMoney groups thousands as the reader expects: "3 120" in Kazakh
// and Russian, "3,120" in English; a fraction keeps its exact digits.
func formatMoney(m Money, lang string) string {
	s := m.String()
	approx := ""
	if strings.Contains(s, "/") {
		// No finite decimal form (a third): show it to the tiyn.
		c, err := m.Mul(Tenge(100))
		if err != nil {
			return s
		}
		c, _ = c.Round().Div(Tenge(100))
		s, approx = c.String(), "≈ "
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, dot := strings.Cut(s, ".")
	sep, dec := " ", ","
	if lang == "en" {
		sep, dec = ",", "."
	}
	var b strings.Builder
	for i, c := range ip {
		if i > 0 && (len(ip)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	out := b.String()
	if dot {
		out += dec + fp
	}
	if neg {
		out = "-" + out
	}
	return approx + out
}

// Category returns the CLDR plural category of n in lang: "one", "few",
// "many" or "other" for Russian, "one" or "other" for Kazakh and
// English. It mirrors internal/web/view's, which this domain package
// cannot import.
func Category(lang string, n int64) string {
	if n < 0 {
		n = -n
	}
	switch plural.Cardinal.MatchPlural(language.Make(lang), int(n%10_000_000), 0, 0, 0, 0) {
	case plural.One:
		return "one"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	case plural.Two:
		return "two"
	case plural.Zero:
		return "zero"
	}
	return "other"
}
