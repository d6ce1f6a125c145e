package wallet

import (
	"context"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// csvWords are the words of the CSV export in the reader's language: the
// catalogue's for columns, sections and family ties, and the sources'
// own labels, as the pages show them, for agencies, sources, fields and
// coded values.
type csvWords struct {
	l  view.Locale
	ix view.SourceIndex
}

func newCSVWords(ctx context.Context, st *store.Store, l view.Locale) (*csvWords, error) {
	ix, err := view.LoadSources(ctx, st, l)
	if err != nil {
		return nil, err
	}
	return &csvWords{l: l, ix: ix}, nil
}

func (w *csvWords) Header() []string {
	return []string{w.l.T("csv.section"), w.l.T("csv.agency"), w.l.T("csv.source"), w.l.T("csv.record"),
		w.l.T("csv.version"), w.l.T("csv.observed"), w.l.T("csv.field"), w.l.T("csv.value")}
}

func (w *csvWords) Section(section string) string        { return w.l.Label("csv.section.", section) }
func (w *csvWords) Relation(kind string) string          { return w.l.Label("rel.", kind) }
func (w *csvWords) Source(name string) string            { return w.ix.Title(name) }
func (w *csvWords) Field(src, attr string) string        { return w.ix.Field(src, attr) }
func (w *csvWords) Value(src, attr, value string) string { return w.ix.Value(src, attr, value) }

func (w *csvWords) Agency(code string) string {
	if n := w.ix.Agency[code]; n != "" {
		return n
	}
	return code
}
