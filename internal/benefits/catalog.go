package benefits

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed programmes/*.yaml programmes/samples.ndjson
var embedded embed.FS

// Text is one text in each language: "kk", "ru", "en".
type Text map[string]string

// Plural is a text whose wording depends on a count: language → CLDR
// plural category ("one", "few", "many", "other") → text. A plain string
// in YAML is that text for every count.
type Plural map[string]map[string]string

// UnmarshalYAML reads either {lang: text} or {lang: {form: text}}.
func (p *Plural) UnmarshalYAML(n *yaml.Node) error {
	var raw map[string]yaml.Node
	if err := n.Decode(&raw); err != nil {
		return err
	}
	*p = Plural{}
	for lang, v := range raw {
		if v.Kind == yaml.ScalarNode {
			(*p)[lang] = map[string]string{"other": v.Value}
			continue
		}
		var forms map[string]string
		if err := v.Decode(&forms); err != nil {
			return err
		}
		if forms["other"] == "" {
			return fmt.Errorf("line %d: %s has no \"other\" form", v.Line, lang)
		}
		(*p)[lang] = forms
	}
	return nil
}

// Law is a legal reference: Ref as it is cited (English, for machines
// and the record) and its Title in each language for readers. A
// programme version names its law by ID (one of the catalog's Laws) or
// gives Ref and Title itself.
type Law struct {
	ID string `yaml:"id" json:"id,omitempty"`
	// IDs names several catalog laws at once, cited together in order.
	IDs   []string `yaml:"ids" json:"-"`
	Ref   string   `yaml:"ref" json:"ref"`
	Title Text     `yaml:"title" json:"title,omitempty"`
}

// ParamValue is one dated value of a parameter: a scalar Value or table
// Rows keyed by "key1/key2". Law is the reference as cited; LawID is the
// catalog law it names, empty for a free-text reference (a rule change a
// ministry stored with its own wording).
type ParamValue struct {
	From  Date
	Value *Money
	Rows  map[string]Money
	Law   string
	LawID string
}

// Parameter is a named value that changes over time; each value is in
// force from its date until the next one.
type Parameter struct {
	Name   string
	Title  Text
	Values []ParamValue // ascending by From
}

// At returns the value in force on d.
func (p *Parameter) At(d Date) (*ParamValue, bool) {
	i := sort.Search(len(p.Values), func(i int) bool { return p.Values[i].From > d })
	if i == 0 {
		return nil, false
	}
	return &p.Values[i-1], true
}

// Step is one named step of a programme version: a programme-level let
// (Let and Expr) or a per-person step (Each, Where, Amount) that counts
// the persons it keeps into Count and sums their amounts into Sum.
// Among (all, children, parents, disabled) limits a per-person step to a
// set of persons before Where is evaluated, which saves evaluations; Where
// must imply it.
type Step struct {
	Let     string `yaml:"let"`
	Expr    string `yaml:"expr"`
	Each    string `yaml:"each"`
	Among   string `yaml:"among"`
	Where   string `yaml:"where"`
	Amount  string `yaml:"amount"`
	Count   string `yaml:"count"`
	Sum     string `yaml:"sum"`
	Plural  string `yaml:"plural"`
	Explain Plural `yaml:"explain"`
}

// Name returns the step's name.
func (s Step) Name() string { return s.Let + s.Each }

// Change is the "what would change the outcome" figure of a version:
// Explain is said when the figure is positive, Otherwise when it is
// negative, each with {change} the figure's absolute value; nothing is
// said at zero.
type Change struct {
	Expr      string `yaml:"expr"`
	Explain   Plural `yaml:"explain"`
	Otherwise Plural `yaml:"otherwise"`
}

// Version is one dated version of a programme's rules: in force from
// From until the next version.
type Version struct {
	ID       string  `yaml:"id"`
	FromText string  `yaml:"from"`
	From     Date    `yaml:"-"`
	Law      Law     `yaml:"law"`
	Steps    []Step  `yaml:"steps"`
	Eligible string  `yaml:"eligible"`
	Change   *Change `yaml:"change"`
	Then     []Step  `yaml:"then"`
	Amount   string  `yaml:"amount"`
	// Arithmetic says the amount with its numbers filled in, in each
	// language: {name} placeholders take step values, parameters (by
	// name, for one without a key), {amount} the amount and {step+} a
	// per-person step's amounts joined with " + ".
	Arithmetic *Arithmetic `yaml:"arithmetic"`
}

// Arithmetic is the explained amount of a version; Plural names the
// value whose count picks the plural form.
type Arithmetic struct {
	Explain Plural `yaml:"explain"`
	Plural  string `yaml:"plural"`
}

// Programme is a benefit programme with its dated versions.
type Programme struct {
	ID          string     `yaml:"id"`
	Period      string     `yaml:"period"` // month or once
	Title       Text       `yaml:"title"`
	Description Text       `yaml:"description"`
	Versions    []*Version `yaml:"versions"` // ascending by From
}

// Catalog is the set of programmes and parameters an engine decides
// with. A Catalog is immutable once built; With returns a new one.
type Catalog struct {
	Programmes []*Programme // in the order results list them
	Params     map[string]*Parameter
	// Laws are the legal acts parameters and versions cite, by id.
	Laws map[string]Law
	// Words name the keys of tables (a disability's cause, an age band)
	// in each language, for explanations.
	Words map[string]Text
}

// LawTitle is the title in lang of the law a parameter value or a version
// cites: the catalog law id when known, else ref as given (a free-text
// reference stays as its author wrote it).
func (c *Catalog) LawTitle(id, ref, lang string) string {
	if id == "" {
		return ref
	}
	if l, ok := c.lawOf(id); ok {
		return pick(l.Title, lang, l.Ref)
	}
	return ref
}

// programmeOrder is the order of RULES.md's results; programmes not
// named here follow, by id.
var programmeOrder = []string{"asp", "large_family", "birth", "childcare", "disability"}

// DefaultCatalog returns the programmes and parameters built into the
// binary.
func DefaultCatalog() (*Catalog, error) {
	sub, err := fs.Sub(embedded, "programmes")
	if err != nil {
		return nil, err
	}
	return LoadCatalog(sub)
}

// LoadCatalog reads parameters.yaml and every other *.yaml file (one
// programme each) at the root of fsys.
func LoadCatalog(fsys fs.FS) (*Catalog, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	var files []File
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: n, Data: b})
	}
	return (&Catalog{Params: map[string]*Parameter{}}).With(files...)
}

// File is one catalog file: parameters.yaml (or any name starting with
// "parameters") holds parameters, any other a programme.
type File struct {
	Name string
	Data []byte
}

// With returns a new catalog with files laid over c: a programme file
// adds its versions to the programme of the same id (a version with an
// existing id replaces it) or adds a new programme; a parameters file
// adds dated values (a value with an existing date replaces it). c is
// not changed. The result is checked for shape here; NewEngine compiles
// and type-checks it, and Validate runs it.
func (c *Catalog) With(files ...File) (*Catalog, error) {
	n := &Catalog{Params: make(map[string]*Parameter, len(c.Params)), Laws: maps.Clone(c.Laws), Words: maps.Clone(c.Words)}
	if n.Laws == nil {
		n.Laws = map[string]Law{}
	}
	if n.Words == nil {
		n.Words = map[string]Text{}
	}
	for k, p := range c.Params {
		cp := *p
		cp.Values = slices.Clone(p.Values)
		n.Params[k] = &cp
	}
	for _, p := range c.Programmes {
		cp := *p
		cp.Versions = slices.Clone(p.Versions)
		n.Programmes = append(n.Programmes, &cp)
	}
	// Parameters files first: they hold the laws programme files cite.
	files = slices.Clone(files)
	sort.SliceStable(files, func(i, j int) bool { return isParams(files[i].Name) && !isParams(files[j].Name) })
	for _, f := range files {
		var err error
		if isParams(f.Name) {
			err = n.addParams(f.Data)
		} else {
			err = n.addProgramme(f.Data)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
	}
	sort.SliceStable(n.Programmes, func(i, j int) bool {
		a, b := slices.Index(programmeOrder, n.Programmes[i].ID), slices.Index(programmeOrder, n.Programmes[j].ID)
		if a < 0 {
			a = len(programmeOrder)
		}
		if b < 0 {
			b = len(programmeOrder)
		}
		return a < b || a == b && n.Programmes[i].ID < n.Programmes[j].ID
	})
	return n, nil
}

// lawOf reads a parameter value's law: catalog law ids joined with ";"
// give their law; anything else is a free-text reference.
func (c *Catalog) lawOf(s string) (Law, bool) {
	var ids []string
	for _, id := range strings.Split(s, ";") {
		id = strings.TrimSpace(id)
		if _, ok := c.Laws[id]; !ok {
			return Law{}, false
		}
		ids = append(ids, id)
	}
	l := Law{IDs: ids}
	return l, c.resolveLaw(&l) == nil
}

// resolveLaw fills a version's law from the catalog laws it names by ID
// or IDs: their references and titles joined with "; ".
func (c *Catalog) resolveLaw(l *Law) error {
	ids := l.IDs
	if l.ID != "" {
		ids = append([]string{l.ID}, ids...)
	}
	if len(ids) == 0 {
		return nil
	}
	out := Law{ID: strings.Join(ids, ";"), Title: Text{}}
	var refs []string
	for _, id := range ids {
		law, ok := c.Laws[id]
		if !ok {
			return fmt.Errorf("no law %q", id)
		}
		refs = append(refs, law.Ref)
		for _, lang := range Languages {
			if out.Title[lang] != "" {
				out.Title[lang] += "; "
			}
			out.Title[lang] += law.Title[lang]
		}
	}
	out.Ref = strings.Join(refs, "; ")
	*l = out
	return nil
}

func isParams(name string) bool { return strings.HasPrefix(path.Base(name), "parameters") }

func strictYAML(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}

type yamlParam struct {
	Title  Text `yaml:"title"`
	Values []struct {
		From  string            `yaml:"from"`
		Value *string           `yaml:"value"`
		Rows  map[string]string `yaml:"rows"`
		Law   string            `yaml:"law"`
	} `yaml:"values"`
}

// paramsFile is a parameters file: laws and words by id, and parameters
// by name.
type paramsFile struct {
	Laws   map[string]Law       `yaml:"laws"`
	Words  map[string]Text      `yaml:"words"`
	Params map[string]yamlParam `yaml:",inline"`
}

func (c *Catalog) addParams(b []byte) error {
	var f paramsFile
	if err := strictYAML(b, &f); err != nil {
		return err
	}
	for id, l := range f.Laws {
		if l.Ref == "" || l.Title["kk"] == "" || l.Title["ru"] == "" || l.Title["en"] == "" {
			return fmt.Errorf("law %s: ref and a title in kk, ru and en are required", id)
		}
		l.ID = id
		c.Laws[id] = l
	}
	maps.Copy(c.Words, f.Words)
	for name, rp := range f.Params {
		p := c.Params[name]
		if p == nil {
			p = &Parameter{Name: name}
			c.Params[name] = p
		}
		if rp.Title != nil {
			p.Title = rp.Title
		}
		for _, v := range rp.Values {
			from, err := ParseDate(v.From)
			if err != nil {
				return fmt.Errorf("%s: from %q: %w", name, v.From, err)
			}
			if v.Law == "" {
				return fmt.Errorf("%s from %s: no law", name, v.From)
			}
			pv := ParamValue{From: from, Law: v.Law}
			if l, ok := c.lawOf(v.Law); ok {
				pv.Law, pv.LawID = l.Ref, l.ID
			}
			switch {
			case v.Value != nil && v.Rows == nil:
				m, err := ParseMoney(*v.Value)
				if err != nil {
					return fmt.Errorf("%s from %s: value %q: %w", name, v.From, *v.Value, err)
				}
				pv.Value = &m
			case v.Value == nil && v.Rows != nil:
				pv.Rows = make(map[string]Money, len(v.Rows))
				for k, s := range v.Rows {
					m, err := ParseMoney(s)
					if err != nil {
						return fmt.Errorf("%s from %s: row %s: %q: %w", name, v.From, k, s, err)
					}
					pv.Rows[k] = m
				}
			default:
				return fmt.Errorf("%s from %s: needs exactly one of value and rows", name, v.From)
			}
			i := slices.IndexFunc(p.Values, func(x ParamValue) bool { return x.From == from })
			if i >= 0 {
				p.Values[i] = pv
			} else {
				p.Values = append(p.Values, pv)
			}
		}
		sort.Slice(p.Values, func(i, j int) bool { return p.Values[i].From < p.Values[j].From })
	}
	return nil
}

func (c *Catalog) addProgramme(b []byte) error {
	var p Programme
	if err := strictYAML(b, &p); err != nil {
		return err
	}
	if p.ID == "" {
		return errors.New("programme without id")
	}
	for i, v := range p.Versions {
		if v == nil {
			// "versions: [null]", or a dash with nothing after it.
			return fmt.Errorf("version %d is empty", i+1)
		}
		d, err := ParseDate(v.FromText)
		if err != nil {
			return fmt.Errorf("version %s: from %q: %w", v.ID, v.FromText, err)
		}
		v.From = d
		if err := c.resolveLaw(&v.Law); err != nil {
			return fmt.Errorf("version %s: %w", v.ID, err)
		}
		if v.ID == "" || v.Law.Ref == "" || v.Eligible == "" || v.Amount == "" {
			return fmt.Errorf("version %q: id, law, eligible and amount are required", v.ID)
		}
	}
	i := slices.IndexFunc(c.Programmes, func(x *Programme) bool { return x.ID == p.ID })
	if i < 0 {
		if p.Period != "month" && p.Period != "once" {
			return fmt.Errorf("%s: period must be month or once, not %q", p.ID, p.Period)
		}
		c.Programmes = append(c.Programmes, &p)
		sort.Slice(p.Versions, func(i, j int) bool { return p.Versions[i].From < p.Versions[j].From })
		return nil
	}
	old := c.Programmes[i]
	if p.Title != nil {
		old.Title = p.Title
	}
	if p.Description != nil {
		old.Description = p.Description
	}
	for _, v := range p.Versions {
		j := slices.IndexFunc(old.Versions, func(x *Version) bool { return x.ID == v.ID })
		if j >= 0 {
			old.Versions[j] = v
		} else {
			old.Versions = append(old.Versions, v)
		}
	}
	sort.SliceStable(old.Versions, func(i, j int) bool { return old.Versions[i].From < old.Versions[j].From })
	return nil
}
