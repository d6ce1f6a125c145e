package wallet

import (
	"context"

	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// csvWords are the words of the CSV export in the reader's language: the
// catalogue's for columns, sections and family ties, the sources' own
// labels for agencies, sources, fields and coded values.
type csvWords struct {
	l       view.Locale
	ix      view.SourceIndex
	sources map[string]*source.Source
}

func newCSVWords(ctx context.Context, st *store.Store, l view.Locale) (*csvWords, error) {
	ix, err := view.LoadSources(ctx, st, l)
	if err != nil {
		return nil, err
	}
	w := &csvWords{l: l, ix: ix, sources: map[string]*source.Source{}}
	for name, s := range ix.ByName {
		if w.sources[name], err = source.Stored(s.ID, s.Definition); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *csvWords) Header() []string {
	return []string{w.l.T("csv.section"), w.l.T("csv.agency"), w.l.T("csv.source"), w.l.T("csv.record"),
		w.l.T("csv.version"), w.l.T("csv.observed"), w.l.T("csv.field"), w.l.T("csv.value")}
}

func (w *csvWords) Section(section string) string { return w.l.Label("csv.section.", section) }
func (w *csvWords) Relation(kind string) string   { return w.l.Label("rel.", kind) }
func (w *csvWords) Agency(code string) string {
	if n := w.ix.Agency[code]; n != "" {
		return n
	}
	return code
}

func (w *csvWords) Source(name string) string {
	if s := w.sources[name]; s != nil {
		return s.TitleIn(w.l.Lang)
	}
	return name
}

// Field labels an attribute by its source's contract; one that came from
// no single source (an animal's, a relative's) by any source that labels
// it, else by ortaq's own words.
func (w *csvWords) Field(src, attr string) string {
	if s := w.sources[src]; s != nil {
		return s.FieldLabel(attr, w.l.Lang)
	}
	if l := w.l.Hint("attr.", attr); l != "" {
		return l
	}
	for _, s := range w.sources {
		if l := s.FieldLabel(attr, w.l.Lang); l != source.Humanise(attr) {
			return l
		}
	}
	return (*source.Source)(nil).FieldLabel(attr, w.l.Lang)
}

// Value shows a coded value as its source labels it; a value from no
// single source as the first source that labels it.
func (w *csvWords) Value(src, attr, value string) string {
	if s := w.sources[src]; s != nil {
		return s.ValueLabel(attr, value, w.l.Lang)
	}
	for _, s := range w.sources {
		if l := s.ValueLabel(attr, value, w.l.Lang); l != value {
			return l
		}
	}
	return value
}
