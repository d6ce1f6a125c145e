package synth

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// agency is a state body in sources.yaml.
type agency struct{ code, en, kk, ru string }

var agencies = []agency{
	{"moj", "Ministry of Justice", "Әділет министрлігі", "Министерство юстиции"},
	{"moh", "Ministry of Health", "Денсаулық сақтау министрлігі", "Министерство здравоохранения"},
	{"moa", "Ministry of Agriculture", "Ауыл шаруашылығы министрлігі", "Министерство сельского хозяйства"},
	{"mlsp", "Ministry of Labour and Social Protection of the Population", "Еңбек және халықты әлеуметтік қорғау министрлігі", "Министерство труда и социальной защиты населения"},
	{"kgd", "State Revenue Committee of the Ministry of Finance", "Қаржы министрлігінің Мемлекеттік кірістер комитеті", "Комитет государственных доходов Министерства финансов"},
	{"edu", "Ministry of Education", "Оқу-ағарту министрлігі", "Министерство просвещения"},
}

// sourceSpec is one source's entry in sources.yaml (docs/sources.md).
type sourceSpec struct {
	name, agency, title, entity string
	trust                       string // survivorship trust, 1..100 (docs/sources.md)
	file, format, delimiter     string
	encoding                    string
	id                          string
	dateFormat                  string
	fields                      []fieldSpec
	header                      []string // the file's columns, in order
}

// fieldSpec maps one canonical or extra attribute onto columns.
type fieldSpec struct {
	attr    string
	columns []string    // one column, or several joined with a space
	typ     string      // explicit type, "" to derive it from attr
	format  string      // date format overriding the source's
	values  [][2]string // raw -> canonical recoding, in order
	allowed []string
	match   string // how entity resolution compares it (docs/sources.md), "" for auto
}

// col is the short form: attr mapped onto column.
func col(attr string, columns ...string) fieldSpec { return fieldSpec{attr: attr, columns: columns} }

// writeContract writes DIR/sources.yaml describing every extract, as
// written for a clean nation or not.
func writeContract(dir string, asOf date, clean bool) error {
	var b []byte
	b = append(b, "# Sources contract for a synthetic nation written by \"ortaq synth\".\n"...)
	b = append(b, "# Ground truth for scoring is in truth/ (see truth/README.md).\n"...)
	b = append(b, "agencies:\n"...)
	for _, a := range agencies {
		b = append(b, "  - code: "...)
		b = appendYAML(b, a.code)
		b = append(b, "\n    name: "...)
		b = appendYAML(b, a.en)
		b = append(b, "\n    names: {kk: "...)
		b = appendYAML(b, a.kk)
		b = append(b, ", ru: "...)
		b = appendYAML(b, a.ru)
		b = append(b, "}\n"...)
	}
	b = append(b, "\nsources:\n"...)
	for _, e := range extracts {
		s := e.specFor(clean)
		kv := func(k, v string) {
			if v == "" {
				return
			}
			b = append(b, "    "...)
			b = append(b, k...)
			b = append(b, ": "...)
			b = appendYAML(b, v)
			b = append(b, '\n')
		}
		b = append(b, "  - name: "...)
		b = appendYAML(b, s.name)
		b = append(b, '\n')
		kv("agency", s.agency)
		if t, ok := sourceTexts[s.name]; ok {
			b = append(b, "    title: "...)
			b = appendTr(b, t.title)
			b = append(b, "\n    description: "...)
			b = appendTr(b, t.desc)
			b = append(b, '\n')
		} else {
			kv("title", s.title)
		}
		kv("entity", s.entity)
		kv("file", s.file)
		kv("format", s.format)
		kv("delimiter", s.delimiter)
		kv("encoding", s.encoding)
		kv("mode", "full")
		kv("id", s.id)
		kv("date_format", s.dateFormat)
		if s.trust != "" {
			b = append(b, "    trust: "+s.trust+"\n"...)
		}
		b = append(b, "    as_of: "...)
		b = appendDate(b, asOf, layoutISO)
		b = append(b, "\n    fields:\n"...)
		for _, f := range s.fields {
			b = append(b, "      "...)
			b = appendYAML(b, f.attr)
			b = append(b, ": "...)
			b = appendFieldYAML(b, f)
			b = append(b, '\n')
		}
	}
	return os.WriteFile(filepath.Join(dir, "sources.yaml"), b, 0o644)
}

func appendFieldYAML(b []byte, f fieldSpec) []byte {
	cols := func(b []byte) []byte {
		if len(f.columns) == 1 {
			return appendYAML(b, f.columns[0])
		}
		return appendFlowList(b, f.columns)
	}
	label, labelled := fieldLabels[f.attr]
	values := valueLabels[f.attr]
	if f.typ == "" && f.format == "" && f.values == nil && f.allowed == nil && f.match == "" && !labelled && values == nil {
		return cols(b)
	}
	if len(f.columns) == 1 {
		b = append(b, "{column: "...)
	} else {
		b = append(b, "{columns: "...)
	}
	b = cols(b)
	if f.typ != "" {
		b = append(b, ", type: "...)
		b = appendYAML(b, f.typ)
	}
	if f.format != "" {
		b = append(b, ", format: "...)
		b = appendYAML(b, f.format)
	}
	if f.values != nil {
		b = append(b, ", values: {"...)
		for i, v := range f.values {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendYAML(b, v[0])
			b = append(b, ": "...)
			b = appendYAML(b, v[1])
		}
		b = append(b, '}')
	}
	if f.allowed != nil {
		b = append(b, ", allowed: "...)
		b = appendFlowList(b, f.allowed)
	}
	if f.match != "" {
		b = append(b, ", match: "...)
		b = appendYAML(b, f.match)
	}
	if labelled {
		b = append(b, ", label: "...)
		b = appendTr(b, label)
	}
	if values != nil {
		b = append(b, ", value_labels: {"...)
		for i, v := range slices.Sorted(maps.Keys(values)) {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendYAML(b, v)
			b = append(b, ": "...)
			b = appendTr(b, values[v])
		}
		b = append(b, '}')
	}
	return append(b, '}')
}

func appendFlowList(b []byte, items []string) []byte {
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendYAML(b, it)
	}
	return append(b, ']')
}

var plainYAML = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_./-]*$`)

// appendYAML writes a scalar plain when that is unambiguous, else as a
// double-quoted string (JSON string syntax is valid YAML).
func appendYAML(b []byte, s string) []byte {
	if plainYAML.MatchString(s) {
		switch strings.ToLower(s) {
		case "y", "n", "yes", "no", "true", "false", "on", "off", "null":
		default:
			return append(b, s...)
		}
	}
	return appendJSONString(b, s)
}
