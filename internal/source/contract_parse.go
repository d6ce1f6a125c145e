package source

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ortaq/ortaq/internal/yamlerr"
)

// ContractError is one mistake in a sources.yaml. Load and Parse report every
// mistake in the file at once, joined with errors.Join; errors.As finds the
// first, and the joined message has one "file:line: key path: problem" per
// line so an editor can jump to each.
type ContractError = yamlerr.Error

// Load reads and checks the contract at path. Relative extract paths in it
// are resolved against the directory of path.
func Load(path string) (*Contract, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load contract: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a contract from r; path names it in errors and anchors relative
// extract paths. Either the whole contract is valid and returned, or the
// error lists every problem found (see ContractError).
func Parse(r io.Reader, path string) (*Contract, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read contract %s: %w", path, err)
	}
	name := path
	if name == "" {
		name = "sources.yaml"
	}
	p := &parser{dir: filepath.Dir(path), errs: yamlerr.List{File: name}}
	c := p.document(data)
	if c != nil {
		c.Path = path
	}
	if err := p.errs.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// Source returns the source called name, or nil.
func (c *Contract) Source(name string) *Source {
	for _, s := range c.Sources {
		if s.Name == name {
			return s
		}
	}
	return nil
}

var codePattern = regexp.MustCompile(`^[a-z0-9_]+$`)

type parser struct {
	dir  string
	errs yamlerr.List
}

func (p *parser) errorf(n *yaml.Node, ctx, format string, args ...any) {
	p.errs.At(n, ctx, format, args...)
}

func (p *parser) yamlError(err error) { p.errs.YAML(err) }

func (p *parser) document(data []byte) *Contract {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			p.errorf(nil, "", "empty contract: expected a mapping with sources:")
		} else {
			p.yamlError(err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		p.errorf(&extra, "", "a contract is one YAML document; found another")
	} else if err != io.EOF {
		p.yamlError(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			p.errorf(nil, "", "empty contract: expected a mapping with sources:")
			return nil
		}
		root = root.Content[0]
	}
	root = yamlerr.Deref(root)
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "", "expected a mapping with agencies: and sources:")
		return nil
	}
	c := &Contract{}
	var sourcesNode *yaml.Node
	p.mapping(root, "", []string{"agencies", "sources"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "agencies":
			c.Agencies = p.agencies(v)
		case "sources":
			sourcesNode = v
		}
	})
	if sourcesNode == nil {
		p.errorf(root, "", "missing sources:")
		return c
	}
	c.Sources = p.sources(sourcesNode)

	// Agencies named only by sources still need a row to own the source.
	known := map[string]bool{}
	for _, a := range c.Agencies {
		known[a.Code] = true
	}
	for _, s := range c.Sources {
		if s.Agency != "" && !known[s.Agency] {
			known[s.Agency] = true
			c.Agencies = append(c.Agencies, Agency{Code: s.Agency, Name: s.Agency})
		}
	}
	return c
}

func (p *parser) mapping(n *yaml.Node, ctx string, known []string, fn func(key string, k, v *yaml.Node)) {
	p.errs.Mapping(n, ctx, known, fn)
}

// suggestOption is suggest for a value of an enumerated option, where the
// words are short and a prefix (non for none) says more than an edit count.
func suggestOption(v string, options []string) string {
	for _, o := range options {
		if v != "" && strings.HasPrefix(o, v) {
			return o
		}
	}
	return yamlerr.Suggest(v, options)
}

// str reads a scalar; null reads as "" so that "title:" with nothing after it
// is an empty title, not a type error.
func (p *parser) str(n *yaml.Node, ctx, key string) (string, bool) {
	if yamlerr.IsNull(n) {
		return "", true
	}
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, ctx, "%s: expected a string", key)
		return "", false
	}
	return n.Value, true
}

// strList reads a string or a list of strings.
// code reads a string that must be a stable identifier, as agency codes and
// source names are: they appear in URLs and other contracts refer to them.
func (p *parser) code(n *yaml.Node, ctx, key string) string {
	v, ok := p.str(n, ctx, key)
	if ok && !codePattern.MatchString(v) {
		p.errorf(n, ctx, "%s %q must match [a-z0-9_]+", key, v)
	}
	return v
}

func (p *parser) strList(n *yaml.Node, ctx, key string) ([]string, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if yamlerr.IsNull(n) {
			return nil, true
		}
		return []string{n.Value}, true
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		ok := true
		for _, e := range n.Content {
			e = yamlerr.Deref(e)
			if e.Kind != yaml.ScalarNode || yamlerr.IsNull(e) {
				p.errorf(e, ctx, "%s: expected a string or a list of strings", key)
				ok = false
				continue
			}
			out = append(out, e.Value)
		}
		return out, ok
	}
	p.errorf(n, ctx, "%s: expected a string or a list of strings", key)
	return nil, false
}

func (p *parser) agencies(n *yaml.Node) []Agency {
	n = yamlerr.Deref(n)
	if yamlerr.IsNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "", "agencies: expected a list")
		return nil
	}
	var out []Agency
	seen := map[string]int{}
	for i, e := range n.Content {
		e = yamlerr.Deref(e)
		ctx := fmt.Sprintf("agency #%d", i+1)
		if e.Kind == yaml.MappingNode {
			if code := lookupScalar(e, "code"); code != "" {
				ctx = fmt.Sprintf("agency %q", code)
			}
		}
		var a Agency
		p.mapping(e, ctx, []string{"code", "name", "names"}, func(key string, k, v *yaml.Node) {
			switch key {
			case "code":
				a.Code = p.code(v, ctx, key)
			case "name":
				a.Name, _ = p.str(v, ctx, key)
			case "names":
				a.Names = map[string]string{}
				p.mapping(v, ctx+": names", nil, func(lang string, k, v *yaml.Node) {
					a.Names[lang], _ = p.str(v, ctx+": names", lang)
				})
			}
		})
		if e.Kind != yaml.MappingNode {
			continue
		}
		if a.Code == "" {
			if lookupNode(e, "code") == nil {
				p.errorf(e, ctx, "missing code")
			}
			continue
		}
		if first, dup := seen[a.Code]; dup {
			p.errorf(e, ctx, "duplicate agency %q (first at line %d)", a.Code, first)
			continue
		}
		seen[a.Code] = e.Line
		if a.Name == "" {
			a.Name = a.Code
		}
		out = append(out, a)
	}
	return out
}

// lookupNode returns the value of key in mapping n, or nil.
func lookupNode(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := yamlerr.Deref(n.Content[i]); k.Kind == yaml.ScalarNode && k.Value == key {
			return yamlerr.Deref(n.Content[i+1])
		}
	}
	return nil
}

func lookupScalar(n *yaml.Node, key string) string {
	if v := lookupNode(n, key); v != nil && v.Kind == yaml.ScalarNode && !yamlerr.IsNull(v) {
		return v.Value
	}
	return ""
}

var sourceKeys = []string{
	"name", "agency", "title", "description", "entity", "file", "format", "delimiter",
	"encoding", "mode", "id", "date_format", "observed_at", "as_of", "missing", "trust", "fields",
}

func (p *parser) sources(n *yaml.Node) []*Source {
	n = yamlerr.Deref(n)
	if yamlerr.IsNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "", "sources: expected a list")
		return nil
	}
	var out []*Source
	seen := map[string]int{}
	for i, e := range n.Content {
		e = yamlerr.Deref(e)
		s := p.source(e, i)
		if s == nil {
			continue
		}
		if s.Name != "" {
			if first, dup := seen[s.Name]; dup {
				p.errorf(e, fmt.Sprintf("source %q", s.Name), "duplicate source name (first at line %d)", first)
				continue
			}
			seen[s.Name] = e.Line
		}
		out = append(out, s)
	}
	return out
}

func (p *parser) source(n *yaml.Node, idx int) *Source {
	ctx := fmt.Sprintf("source #%d", idx+1)
	if name := lookupScalar(n, "name"); name != "" {
		ctx = fmt.Sprintf("source %q", name)
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, ctx, "expected a mapping")
		return nil
	}
	s := &Source{Line: n.Line, Entity: EntityPerson, Delimiter: ',', Encoding: "utf-8"}
	var delimNode, formatNode, fieldsNode *yaml.Node
	p.mapping(n, ctx, sourceKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			s.Name = p.code(v, ctx, key)
		case "agency":
			s.Agency = p.code(v, ctx, key)
		case "title":
			t, plain := p.text(v, ctx, key)
			if plain {
				s.Title = t[""]
			} else if len(t) > 0 {
				s.Titles = t
				s.Title = cmp.Or(t["en"], t["ru"], t["kk"])
			}
		case "description":
			s.Description, _ = p.text(v, ctx, key)
		case "trust":
			s.Trust, _ = p.trust(v, ctx)
		case "entity":
			e, ok := p.str(v, ctx, key)
			if !ok {
				return
			}
			switch e {
			case EntityPerson, EntityAnimal, EntityEvent, EntityOrganisation, EntityOther:
				s.Entity = e
			default:
				p.errorf(v, ctx, "unknown entity %q (want person, animal, event, organisation or other)", e)
			}
		case "file":
			f, _ := p.str(v, ctx, key)
			if f != "" {
				s.File = p.resolve(f)
			}
		case "format":
			formatNode = v
		case "delimiter":
			delimNode = v
		case "encoding":
			e, ok := p.str(v, ctx, key)
			if !ok {
				return
			}
			switch strings.ToLower(e) {
			case "utf-8", "utf8":
				s.Encoding = "utf-8"
			case "windows-1251", "cp1251":
				s.Encoding = "windows-1251"
			default:
				p.errorf(v, ctx, "unknown encoding %q (want utf-8 or windows-1251)", e)
			}
		case "mode":
			m, ok := p.str(v, ctx, key)
			if !ok {
				return
			}
			switch m {
			case "full", "delta", "":
				s.Mode = m
			default:
				p.errorf(v, ctx, "unknown mode %q (want full or delta)", m)
			}
		case "id":
			ids, ok := p.strList(v, ctx, key)
			if !ok {
				s.ID = []string{""} // reported; keep "missing id" quiet
				return
			}
			for _, id := range ids {
				if strings.TrimSpace(id) == "" {
					p.errorf(v, ctx, "id: empty column name")
				}
			}
			s.ID = ids
		case "date_format":
			df, ok := p.str(v, ctx, key)
			if !ok {
				return
			}
			if _, err := parseDateFormat(df); err != nil {
				p.errorf(v, ctx, "date_format: %v", err)
				return
			}
			s.DateFormat = strings.ToUpper(df)
		case "observed_at":
			s.ObservedAt, _ = p.str(v, ctx, key)
		case "as_of":
			a, ok := p.str(v, ctx, key)
			if !ok || a == "" {
				return
			}
			t, err := time.Parse(time.DateOnly, a)
			if err != nil {
				p.errorf(v, ctx, "as_of %q: expected a date YYYY-MM-DD", a)
				return
			}
			s.AsOf = t
		case "missing":
			s.Missing, _ = p.missing(v, ctx)
		case "fields":
			fieldsNode = v
		}
	})
	if n.Kind != yaml.MappingNode {
		return nil
	}
	if lookupNode(n, "name") == nil {
		p.errorf(n, ctx, "missing name")
	}
	if len(s.ID) == 0 {
		p.errorf(n, ctx, "missing id (the column that identifies a record)")
	}
	if s.Agency == "" && codePattern.MatchString(s.Name) {
		s.Agency = s.Name
	}

	s.Format = "csv"
	if ext := strings.ToLower(filepath.Ext(s.File)); ext == ".ndjson" || ext == ".jsonl" {
		s.Format = "ndjson"
	}
	if formatNode != nil {
		f, ok := p.str(formatNode, ctx, "format")
		switch strings.ToLower(f) {
		case "csv":
			s.Format = "csv"
		case "ndjson", "jsonl":
			s.Format = "ndjson"
		case "":
		default:
			if ok {
				p.errorf(formatNode, ctx, "unknown format %q (want csv or ndjson)", f)
			}
		}
	}
	if delimNode != nil {
		d, ok := p.str(delimNode, ctx, "delimiter")
		if ok {
			if s.Format != "csv" {
				p.errorf(delimNode, ctx, "delimiter applies only to csv sources")
			} else if r, err := parseDelimiter(d); err != nil {
				p.errorf(delimNode, ctx, "delimiter %q: %v", d, err)
			} else {
				s.Delimiter = r
			}
		}
	}
	if fieldsNode != nil && !yamlerr.IsNull(fieldsNode) {
		p.mapping(fieldsNode, ctx, nil, func(name string, k, v *yaml.Node) {
			if f, ok := p.field(name, k, v, ctx); ok {
				s.Fields = append(s.Fields, f)
			}
		})
	}
	return s
}

// resolve anchors a relative extract path at the contract's directory, so
// that a contract and its extracts can be moved together.
func (p *parser) resolve(f string) string {
	if !filepath.IsAbs(f) {
		f = filepath.Join(p.dir, f)
	}
	if abs, err := filepath.Abs(f); err == nil {
		return abs
	}
	return f
}

// parseDelimiter accepts one ASCII character, or a tab written as "\t" in
// YAML's double quotes, as a literal \t, or as the word tab. The CSV reader
// works on bytes, and a quote or line break cannot delimit anything.
func parseDelimiter(d string) (rune, error) {
	switch strings.ToLower(d) {
	case "\t", `\t`, "tab":
		return '\t', nil
	}
	if len(d) != 1 || d[0] >= 0x80 {
		return 0, errors.New("must be one ASCII character (or tab)")
	}
	switch d[0] {
	case '"', '\n', '\r':
		return 0, errors.New("cannot be a quote or a line break")
	}
	return rune(d[0]), nil
}

var fieldKeys = []string{"column", "columns", "type", "values", "allowed", "required", "format", "missing", "match", "trust",
	"label", "value_labels"}

// matchOptions are the spellings of Field.Match; auto is stored as "".
var matchOptions = []string{"auto", MatchID, MatchText, MatchExact, MatchNone}

// missing reads a list of markers that mean "no value". YAML reads an
// unquoted NULL, null or ~ as a null, but in this list the author plainly
// means the text an extract holds, so such entries keep their spelling.
func (p *parser) missing(n *yaml.Node, ctx string) ([]string, bool) {
	if yamlerr.IsNull(n) {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, ctx, "missing: expected a list of strings, e.g. [NA, \"-\"]")
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	ok := true
	for _, e := range n.Content {
		e = yamlerr.Deref(e)
		if e.Kind != yaml.ScalarNode {
			p.errorf(e, ctx, "missing: expected a list of strings, e.g. [NA, \"-\"]")
			ok = false
			continue
		}
		m := strings.TrimSpace(e.Value)
		if m == "" {
			p.errorf(e, ctx, "missing: an empty marker (an empty value is always missing)")
			ok = false
			continue
		}
		out = append(out, m)
	}
	return out, ok
}

// defaultType derives a field's type from its canonical attribute name, as
// docs/sources.md tabulates.
func defaultType(name string) Type {
	switch {
	case name == "national_id" || strings.HasSuffix(name, "_iin"):
		return TypeIIN
	case strings.HasSuffix(name, "_bin"):
		return TypeBIN
	case name == "birth_date" || strings.HasSuffix(name, "_date"):
		return TypeDate
	case name == "sex":
		return TypeSex
	case name == "email":
		return TypeEmail
	}
	return TypeString
}

func validType(t Type) bool {
	switch t {
	case TypeString, TypeIIN, TypeBIN, TypeDate, TypeSex, TypeInt, TypeNumber, TypeEmail:
		return true
	}
	return false
}

func (p *parser) field(name string, k, v *yaml.Node, sctx string) (Field, bool) {
	ctx := fmt.Sprintf("%s: field %q", sctx, name)
	f := Field{Name: name, Line: k.Line}
	ok := true
	if !codePattern.MatchString(name) {
		p.errorf(k, ctx, "attribute name must match [a-z0-9_]+")
		ok = false
	}
	var typeNode, formatNode, vlNode *yaml.Node
	switch v.Kind {
	case yaml.ScalarNode, yaml.SequenceNode:
		cols, good := p.strList(v, ctx, "columns")
		ok = ok && good
		f.Columns = cols
	case yaml.MappingNode:
		var colNode *yaml.Node
		p.mapping(v, ctx, fieldKeys, func(key string, kn, vn *yaml.Node) {
			switch key {
			case "column", "columns":
				if colNode != nil {
					p.errorf(kn, ctx, "give column or columns, not both")
					ok = false
					return
				}
				colNode = vn
				cols, good := p.strList(vn, ctx, key)
				ok = ok && good
				f.Columns = cols
			case "type":
				typeNode = vn
			case "values":
				f.Values = map[string]string{}
				vctx := ctx + ": values"
				lines := map[string]int{}
				p.mapping(vn, vctx, nil, func(raw string, rk, rv *yaml.Node) {
					canon, good := p.str(rv, vctx, raw)
					ok = ok && good
					key := strings.ToLower(strings.TrimSpace(raw))
					if first, dup := lines[key]; dup {
						p.errorf(rk, vctx, "%q and an earlier key (line %d) are the same ignoring case", raw, first)
						ok = false
						return
					}
					lines[key] = rk.Line
					f.Values[key] = strings.TrimSpace(canon)
				})
			case "allowed":
				if vn.Kind != yaml.SequenceNode {
					p.errorf(vn, ctx, "allowed: expected a list")
					ok = false
					return
				}
				list, good := p.strList(vn, ctx, key)
				ok = ok && good
				if len(list) == 0 {
					p.errorf(vn, ctx, "allowed: empty list would reject every value")
					ok = false
				}
				f.Allowed = list
			case "required":
				var b bool
				if vn.Kind != yaml.ScalarNode || vn.Decode(&b) != nil {
					p.errorf(vn, ctx, "required: expected true or false")
					ok = false
					return
				}
				f.Required = b
			case "format":
				formatNode = vn
			case "missing":
				list, good := p.missing(vn, ctx)
				ok = ok && good
				f.Missing = list
			case "trust":
				t, good := p.trust(vn, ctx)
				ok = ok && good
				f.Trust = t
			case "label":
				f.Label, _ = p.text(vn, ctx, key)
			case "value_labels":
				vlNode = vn
				f.ValueLabels = map[string]Text{}
				vctx := ctx + ": value_labels"
				p.mapping(vn, vctx, nil, func(value string, vk, vv *yaml.Node) {
					if t, _ := p.text(vv, vctx, value); len(t) > 0 {
						f.ValueLabels[value] = t
					}
				})
			case "match":
				m, good := p.str(vn, ctx, key)
				if !good {
					ok = false
					return
				}
				switch lm := strings.ToLower(m); lm {
				case "auto", "":
					f.Match = MatchAuto
				case MatchID, MatchText, MatchExact, MatchNone:
					f.Match = lm
				default:
					msg := fmt.Sprintf("unknown match %q (want auto, id, text, exact or none", m)
					if s := suggestOption(lm, matchOptions); s != "" {
						msg += fmt.Sprintf("; did you mean %q?", s)
					}
					p.errorf(vn, ctx, "%s)", msg)
					ok = false
				}
			}
		})
	default:
		p.errorf(v, ctx, "expected a column, a list of columns or a mapping")
		return f, false
	}
	if len(f.Columns) == 0 && ok {
		p.errorf(v, ctx, "no column given")
		ok = false
	}
	for _, c := range f.Columns {
		if strings.TrimSpace(c) == "" {
			p.errorf(v, ctx, "empty column name")
			ok = false
			break
		}
	}

	f.Type = defaultType(name)
	if typeNode != nil {
		t, good := p.str(typeNode, ctx, "type")
		if good {
			if tt := Type(strings.ToLower(t)); validType(tt) {
				f.Type = tt
			} else {
				p.errorf(typeNode, ctx, "unknown type %q (want string, iin, bin, date, sex, int, number or email)", t)
				ok = false
			}
		} else {
			ok = false
		}
	}
	if formatNode != nil {
		df, good := p.str(formatNode, ctx, "format")
		switch {
		case !good:
			ok = false
		case f.Type != TypeDate:
			p.errorf(formatNode, ctx, "format applies only to date fields (this one is %s; add type: date)", f.Type)
			ok = false
		default:
			if _, err := parseDateFormat(df); err != nil {
				p.errorf(formatNode, ctx, "format: %v", err)
				ok = false
			} else {
				f.DateFormat = strings.ToUpper(df)
			}
		}
	}
	if vlNode != nil && len(f.Allowed) > 0 {
		for _, v := range slices.Sorted(maps.Keys(f.ValueLabels)) {
			if !slices.Contains(f.Allowed, v) {
				// The labels name canonical values, which allowed lists.
				p.errorf(vlNode, ctx, "value_labels: %q is not one of allowed %v", v, f.Allowed)
				ok = false
			}
		}
	}
	return f, ok
}

// text reads a phrase: a plain string (returned under the key "", plain
// true) or a mapping from language (kk, ru, en) to the phrase.
func (p *parser) text(n *yaml.Node, ctx, key string) (t Text, plain bool) {
	n = yamlerr.Deref(n)
	if n.Kind != yaml.MappingNode {
		s, ok := p.str(n, ctx, key)
		if !ok || s == "" {
			return nil, ok
		}
		return Text{"": s}, true
	}
	t = Text{}
	tctx := ctx + ": " + key
	p.mapping(n, tctx, Languages, func(lang string, k, v *yaml.Node) {
		if s, ok := p.str(v, tctx, lang); ok && s != "" {
			t[lang] = s
		}
	})
	return t, false
}

// trust reads a survivorship trust level: a whole number from 1 to 100.
func (p *parser) trust(n *yaml.Node, ctx string) (int, bool) {
	var t int
	if n.Kind != yaml.ScalarNode || n.Decode(&t) != nil || t < 1 || t > 100 {
		p.errorf(n, ctx, "trust: expected a whole number from 1 to 100")
		return 0, false
	}
	return t, true
}
