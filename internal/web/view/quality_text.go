package view

import (
	"strings"

	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/store"
)

// sourceNames writes the names in a quality message of one source as its
// contract labels them, in the reader's language.
type sourceNames struct {
	ix     SourceIndex
	source string
}

func (n sourceNames) Attr(attr string) string { return n.ix.Field(n.source, attr) }

// Source quotes the title, as the language quotes a name: a title
// («Государственная база данных…») reads as one name inside a sentence
// whatever case the sentence would put it in.
func (n sourceNames) Source(name string) string {
	if n.ix.Lang == "en" {
		return "“" + n.ix.Title(name) + "”"
	}
	return "«" + n.ix.Title(name) + "»"
}
func (n sourceNames) Value(attr, v string) string {
	return n.ix.Value(n.source, attr, v)
}
func (n sourceNames) Agency(code string) string {
	if a := n.ix.Agency[code]; a != "" {
		return a
	}
	return code
}

// Names writes the names a quality message about the source named source
// carries (attributes, sources, agencies, coded values) in the reader's
// language.
func (ix SourceIndex) Names(source string) quality.Names { return sourceNames{ix: ix, source: source} }

// Reason is why a finding is a defect, in the reader's language; a
// finding stored before reasons were keyed keeps its English text.
func (ix SourceIndex) Reason(f store.Finding) string {
	if f.ReasonKey == "" {
		return f.Reason
	}
	return quality.RenderIn(ix.Lang, f.ReasonKey, f.ReasonArgs, ix.Names(f.Source))
}

// Suggestion is a finding's suggested fix in the reader's language, or "".
func (ix SourceIndex) Suggestion(f store.Finding) string {
	if f.SuggestionKey == "" {
		return f.Suggestion
	}
	return quality.RenderIn(ix.Lang, f.SuggestionKey, f.SuggestionArgs, ix.Names(f.Source))
}

// Description says what passing a check means, in the reader's language;
// a description written in the quality configuration is shown as written.
func (ix SourceIndex) Description(c store.CheckResult) string {
	if c.DescriptionKey == "" {
		return c.Description
	}
	return quality.RenderIn(ix.Lang, c.DescriptionKey, c.DescriptionArgs, ix.Names(c.Source))
}

// CheckTitle names a check for a reader: its kind and the attributes it
// judges ("Missing value: IIN"), as the check's name is an identifier
// its author chose.
func (ix SourceIndex) CheckTitle(c store.CheckResult) string {
	l := Locale{Lang: ix.Lang}
	title := l.Label("kind.", c.Kind)
	if attrs := quality.ArgAttrs(c.DescriptionArgs); len(attrs) > 0 {
		labels := make([]string, len(attrs))
		for i, a := range attrs {
			labels[i] = ix.Field(c.Source, a)
		}
		title += ": " + strings.Join(labels, ", ")
	}
	return title
}
