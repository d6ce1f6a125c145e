package benefits

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/kz"
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
// "conflict" (sources disagree on a fact the decision read: the values,
// the one used and why), "parameter" (a value with its law),
// "arithmetic" (the amount with its numbers), "outcome", "change" (what
// would change the outcome) or "error". Law is the title of the line's law in the explanation's
// language; LawRef and LawID cite it for machines.
type Line struct {
	Kind   string `json:"kind"`
	Text   string `json:"text"`
	Person string `json:"person,omitempty"`
	Law    string `json:"law,omitempty"`
	LawRef string `json:"law_ref,omitempty"`
	LawID  string `json:"law_id,omitempty"`
}

// Languages are the languages explanations are written in.
var Languages = []string{"kk", "ru", "en"}

// labels are the few fixed words of an explanation. The rule line says
// what the rule is, not "Rule:": pages give it their own heading.
var labels = map[string]map[string]string{
	"rule":   {"kk": "%s: %s бастап қолданылатын редакция; құқықтық негізі: %s.", "ru": "%s: редакция, действующая с %s; правовое основание: %s.", "en": "%s: the version in force from %s; legal basis: %s."},
	"facts":  {"kk": "%s: %s.", "ru": "%s: %s.", "en": "%s: %s."},
	"source": {"kk": "%s (%s, %s; %s жағдай бойынша)", "ru": "%s (%s, %s; на %s)", "en": "%s (%s, %s; as of %s)"},
	"param":  {"kk": "%s: %s (%s бастап; %s).", "ru": "%s: %s (с %s; %s).", "en": "%s: %s (from %s; %s)."},
	"amount": {"kk": "Сома: %s ₸.", "ru": "Сумма: %s ₸.", "en": "Amount: %s ₸."},
	"month":  {"kk": "Құқығы бар: айына %s ₸.", "ru": "Право есть: %s ₸ в месяц.", "en": "Eligible: %s ₸ a month."},
	"once":   {"kk": "Құқығы бар: біржолғы %s ₸.", "ru": "Право есть: единовременно %s ₸.", "en": "Eligible: %s ₸ once."},
	"no":     {"kk": "Құқығы жоқ.", "ru": "Права нет.", "en": "Not eligible."},
	"error":  {"kk": "Шешім шығару мүмкін болмады: %s", "ru": "Решение не принято: %s", "en": "Could not be decided: %s"},
	// Facts of the household itself, and of a person who has no name.
	"household": {"kk": "Отбасы", "ru": "Семья", "en": "Household"},
	"member":    {"kk": "Отбасы мүшесі %s", "ru": "Член семьи %s", "en": "Household member %s"},
	"yes":       {"kk": "иә", "ru": "да", "en": "yes"},
	"conflict":  {"kk": "Дереккөздер келіспейді: %s, %s — %s. Қолданылғаны: %s (%s).", "ru": "Источники расходятся: %s, %s — %s. Принято: %s (%s).", "en": "Sources disagree on %s, %s: %s. Used: %s (%s)."},
	"not":       {"kk": "жоқ", "ru": "нет", "en": "no"},
}

func label(key, lang string) string {
	if t, ok := labels[key][lang]; ok {
		return t
	}
	return labels[key]["en"]
}

// Names names what an explanation mentions that the catalog cannot: the
// persons of the household, agencies and sources. A nil function, or one
// that returns "", leaves the id or code as it is.
type Names struct {
	Person func(id string) string
	Agency func(code string) string
	Source func(name string) string
}

func (n Names) name(f func(string) string, s string) string {
	if f != nil {
		if t := f(s); t != "" {
			return t
		}
	}
	return s
}

// Explain renders d in lang ("kk", "ru" or "en"; others fall back to
// English) from its trace and the texts of the programme version it
// names, with persons, agencies and sources by their ids and codes. A
// decision without a trace (decided with NoTrace) explains only its
// outcome: decide again to get the rest.
func (c *Catalog) Explain(d Decision, lang string) Explanation {
	return c.ExplainNamed(d, lang, Names{})
}

// ExplainNamed is Explain with persons, agencies and sources named by
// names.
func (c *Catalog) ExplainNamed(d Decision, lang string, names Names) Explanation {
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
	add := func(l Line) { ex.Lines = append(ex.Lines, l) }
	if ver != nil {
		law := pick(ver.Law.Title, lang, ver.Law.Ref)
		add(Line{Kind: "rule", Text: fmt.Sprintf(label("rule", lang), ex.Title, dateWords(ver.From, lang, "from"), law),
			Law: law, LawRef: ver.Law.Ref, LawID: ver.Law.ID})
	}
	tr := d.Trace
	r := renderer{lang: lang, names: names, vals: map[string]Value{}, persons: map[string][]PersonUse{}}
	if tr != nil && ver != nil {
		r.vals[varMembers] = Value{int64(tr.Members)}
		r.vals["amount"] = Value{d.Amount}
		for _, p := range tr.Parameters {
			if p.Key == "" {
				r.vals[p.Name] = Value{p.Value}
			}
		}
		for _, s := range tr.Steps {
			r.vals[s.Name] = s.Value
			r.persons[s.Name] = s.Persons
		}
		for _, s := range slices.Concat(ver.Steps, ver.Then) {
			for _, ts := range tr.Steps {
				if s.Each != "" && ts.Name == s.Each {
					if s.Count != "" {
						r.vals[s.Count] = Value{int64(len(ts.Persons))}
					}
					if s.Sum != "" {
						r.vals[s.Sum] = ts.Value
					}
				}
			}
		}
		for _, s := range slices.Concat(ver.Steps, ver.Then) {
			for _, ts := range tr.Steps {
				if ts.Name != s.Name() || s.Explain == nil {
					continue
				}
				add(Line{Kind: "step", Text: r.render(s.Explain, s.Plural)})
			}
		}
		if tr.Change != nil && ver.Change != nil {
			if m, ok := asMoney(*tr.Change); ok && m.Sign() != 0 {
				tmpl := ver.Change.Explain
				if m.Sign() < 0 {
					tmpl, m = ver.Change.Otherwise, m.Neg()
				}
				if tmpl != nil {
					r.vals["change"] = Value{m}
					if t := r.render(tmpl, "change"); t != "" {
						add(Line{Kind: "change", Text: t})
					}
				}
			}
		}
	}
	switch {
	case d.Err != "":
		add(Line{Kind: "error", Text: fmt.Sprintf(label("error", lang), d.Err)})
	case d.Eligible && tr != nil && ver != nil && ver.Arithmetic != nil:
		add(Line{Kind: "arithmetic", Text: r.render(ver.Arithmetic.Explain, ver.Arithmetic.Plural)})
	case d.Eligible && tr != nil && ver != nil:
		add(Line{Kind: "arithmetic", Text: fmt.Sprintf(label("amount", lang), formatMoney(d.Amount, lang))})
	}
	if tr != nil {
		for _, p := range tr.Parameters {
			title := p.Name
			if par := c.Params[p.Name]; par != nil {
				title = pick(par.Title, lang, p.Name)
			}
			if p.Key != "" {
				title += " — " + c.KeyWords(p.Key, lang)
			}
			law := c.LawTitle(p.LawID, p.Law, lang)
			add(Line{Kind: "parameter", Text: fmt.Sprintf(label("param", lang), title, formatMoney(p.Value, lang), dateWords(p.From, lang, "from"), law),
				Law: law, LawRef: p.Law, LawID: p.LawID})
		}
		for _, f := range tr.Facts {
			who := label("household", lang)
			if f.Person != "household" {
				who = names.name(names.Person, f.Person)
				if who == f.Person {
					who = fmt.Sprintf(label("member", lang), f.Person)
				}
				who = upperFirst(who)
			}
			// Fields from the same source on the same day are said once:
			// "income for July 2026, income for August 2026 (…)".
			var parts, group []string
			var last *Source
			flush := func() {
				if len(group) == 0 {
					return
				}
				w := strings.Join(group, ", ")
				if last != nil {
					asOf := last.AsOf
					if d, err := ParseDate(asOf); err == nil {
						asOf = dateWords(d, lang, "in")
					}
					w = fmt.Sprintf(label("source", lang), w, names.name(names.Agency, last.Agency), names.name(names.Source, last.Source), asOf)
				}
				parts, group = append(parts, w), nil
			}
			for _, field := range f.Fields {
				if field == "id" {
					continue
				}
				var src *Source
				if s, ok := tr.Sources[f.Person+"."+field]; ok {
					src = &s
				}
				if len(group) > 0 && (src == nil) != (last == nil) || src != nil && last != nil && (src.Agency != last.Agency || src.Source != last.Source || src.AsOf != last.AsOf) {
					flush()
				}
				group, last = append(group, fieldWords(field, lang)), src
			}
			flush()
			if len(parts) > 0 {
				add(Line{Kind: "fact", Text: fmt.Sprintf(label("facts", lang), who, strings.Join(parts, "; ")), Person: f.Person})
			}
		}
		for _, cf := range tr.Conflicts {
			add(Line{Kind: "conflict", Text: c.conflictText(cf, lang, names), Person: cf.Person})
		}
	}
	switch {
	case d.Err != "":
	case d.Eligible:
		add(Line{Kind: "outcome", Text: fmt.Sprintf(label(map[bool]string{true: "once", false: "month"}[d.Period == "once"], lang), formatMoney(d.Amount, lang))})
	default:
		add(Line{Kind: "outcome", Text: label("no", lang)})
	}
	return ex
}

// conflictText says where sources disagree on a fact the decision read:
// every value with the records holding it, the value used and why.
func (c *Catalog) conflictText(cf Conflict, lang string, names Names) string {
	who := label("household", lang)
	if cf.Person != "household" {
		if who = names.name(names.Person, cf.Person); who == cf.Person {
			who = fmt.Sprintf(label("member", lang), cf.Person)
		}
	}
	value := func(v string) string {
		if d, err := ParseDate(v); err == nil {
			return dateWords(d, lang, "")
		}
		return v
	}
	vals := make([]string, 0, len(cf.Values))
	for _, v := range cf.Values {
		var from []string
		for _, s := range v.Sources {
			from = append(from, names.name(names.Agency, s.Agency)+", "+names.name(names.Source, s.Source))
		}
		text := value(v.Value)
		if len(from) > 0 {
			text += " (" + strings.Join(from, "; ") + ")"
		}
		vals = append(vals, text)
	}
	why := cf.Rule
	if t, ok := c.Words["conflict."+cf.Rule]; ok {
		why = pick(t, lang, cf.Rule)
	}
	return fmt.Sprintf(label("conflict", lang), who, fieldWords(cf.Field, lang), strings.Join(vals, "; "), value(cf.Used), why)
}

// upperFirst capitalises the first letter of s, for a name that starts a
// sentence ("ата-ана P1" → "Ата-ана P1").
func upperFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+utf8.RuneLen(r):]
	}
	return s
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

// renderer fills an explanation's templates with a decision's values.
type renderer struct {
	lang    string
	names   Names
	vals    map[string]Value
	persons map[string][]PersonUse
}

// render fills {name} placeholders with step values, choosing the plural
// form by the value of the variable named count. {name:from} and
// {name:in} put a date in the Kazakh ablative or locative; {step+} is a
// per-person step's amounts joined with " + ".
func (r renderer) render(p Plural, count string) string {
	forms := p[r.lang]
	if forms == nil {
		forms = p["en"]
	}
	text := forms["other"]
	if count != "" {
		if m, ok := asMoney(r.vals[count]); ok && m.IsWhole() {
			if t, ok := forms[kz.PluralCategory(r.lang, m.Int64())]; ok {
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
		name, kase, _ := strings.Cut(text[i+1:i+j], ":")
		if step, ok := strings.CutSuffix(name, "+"); ok {
			b.WriteString(r.amounts(step))
		} else {
			b.WriteString(r.format(r.vals[name], kase))
		}
		text = text[i+j+1:]
	}
}

// amounts lists a per-person step's amounts: "152 000 ₸ + 164 350 ₸".
func (r renderer) amounts(step string) string {
	var parts []string
	for _, p := range r.persons[step] {
		if p.Amount != nil {
			parts = append(parts, formatMoney(*p.Amount, r.lang)+" ₸")
		}
	}
	if len(parts) == 0 {
		return "0 ₸"
	}
	return strings.Join(parts, " + ")
}

// format writes a value in the reader's language: money grouped, a
// quarter or a date in words, a person by name, yes or no.
func (r renderer) format(v Value, kase string) string {
	switch x := v.V.(type) {
	case Money:
		return formatMoney(x, r.lang)
	case int64:
		return formatMoney(Tenge(x), r.lang)
	case bool:
		if x {
			return label("yes", r.lang)
		}
		return label("not", r.lang)
	case Date:
		return dateWords(x, r.lang, kase)
	case string:
		if q, err := ParseQuarter(x); err == nil {
			return quarterWords(q, r.lang)
		}
		if d, err := ParseDate(x); err == nil {
			return dateWords(d, r.lang, kase)
		}
		return r.names.name(r.names.Person, x)
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
