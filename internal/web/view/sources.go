package view

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// SourceIndex finds sources by name, and their agencies' names, titles,
// field labels and coded values in the reader's language.
type SourceIndex struct {
	Agencies []store.AgencyStats // by code
	ByName   map[string]store.SourceStats
	ByID     map[int64]store.SourceStats
	// Agency maps an agency code to its name in the reader's language.
	Agency map[string]string
	// Lang is the reader's language.
	Lang string
	// contracts are the sources' decoded contracts by name, read once
	// per index rather than once per label a page asks for.
	contracts map[string]*source.Source
}

// LoadSources reads every source and agency: two queries whatever the page
// shows, instead of one per row. It also teaches the locale the labels the
// contracts give their attributes and coded values (see Locale.Label).
func LoadSources(ctx context.Context, st *store.Store, l Locale) (SourceIndex, error) {
	srcs, err := st.Sources(ctx)
	if err != nil {
		return SourceIndex{}, err
	}
	agencies, err := st.Agencies(ctx)
	if err != nil {
		return SourceIndex{}, err
	}
	ix := SourceIndex{Agencies: agencies, ByName: map[string]store.SourceStats{}, ByID: map[int64]store.SourceStats{},
		Agency: map[string]string{}, Lang: l.Lang, contracts: map[string]*source.Source{}}
	for _, src := range srcs {
		ix.ByName[src.Name] = src
		ix.ByID[src.ID] = src
		c, err := source.Stored(src.ID, src.Definition)
		if err != nil {
			// Its pages show names rather than fail.
			slog.WarnContext(ctx, "stored contract does not decode", "source", src.Name, "err", err)
			continue
		}
		ix.contracts[src.Name] = c
	}
	for _, a := range agencies {
		ix.Agency[a.Code] = l.Name(a.Name, a.Names)
	}
	learnLabels(ix)
	return ix, nil
}

// Source is the contract of the source named name, or nil when there is
// no such source or its stored contract does not decode (its pages then
// show names rather than fail).
func (ix SourceIndex) Source(name string) *source.Source {
	return ix.contracts[name]
}

// Title is a source's title in the reader's language, or its name in words
// when it has none.
func (ix SourceIndex) Title(name string) string {
	if src := ix.Source(name); src != nil && src.Name != "" {
		return src.TitleIn(ix.Lang)
	}
	if s, ok := ix.ByName[name]; ok && s.Title != "" {
		return s.Title
	}
	return source.Humanise(name)
}

// Field is how the reader should see attribute attr of the source named
// name (which may be "" or unknown): the contract's label, else the
// catalogue's, else ortaq's canonical label, else the name in words.
func (ix SourceIndex) Field(name, attr string) string {
	src := ix.Source(name)
	if f := src.Field(attr); f != nil && f.Label[ix.Lang] != "" {
		return src.FieldLabel(attr, ix.Lang)
	}
	return Locale{Lang: ix.Lang}.Label("attr.", attr)
}

// Value is how the reader should see value, a value of attribute attr of
// the source named name: the contract's value label, else ortaq's words
// for the values of its type (sex M, F), else a number (an amount, a
// count) with the language's digit grouping and decimal mark, else the
// value as it is.
func (ix SourceIndex) Value(name, attr, value string) string {
	if value == "" {
		return ""
	}
	src := ix.Source(name)
	if l := src.ValueLabel(attr, value, ix.Lang); l != value {
		return l
	}
	l := Locale{Lang: ix.Lang}
	if f := src.Field(attr); f != nil {
		switch f.Type {
		case source.TypeNumber, source.TypeInt:
			return l.Num(value)
		case source.TypeDate:
			return l.dateValue(value)
		}
	}
	return l.Value(attr, value)
}

// contractLabels are the labels every registered contract gives its
// attributes and coded values, for pages that show an attribute of no
// particular source (a golden record's, a service's). Contracts change
// only when a source is registered again; LoadSources refreshes these.
var contractLabels = struct {
	sync.RWMutex
	attrs  map[string]source.Text
	values map[string]map[string]source.Text
}{attrs: map[string]source.Text{}, values: map[string]map[string]source.Text{}}

// learnLabels records the labels of ix's contracts, the first source (by
// name) that labels an attribute or value in a language winning.
func learnLabels(ix SourceIndex) {
	names := make([]string, 0, len(ix.ByName))
	for n := range ix.ByName {
		names = append(names, n)
	}
	slices.Sort(names)
	attrs := map[string]source.Text{}
	values := map[string]map[string]source.Text{}
	for _, n := range names {
		src := ix.Source(n)
		if src == nil {
			continue
		}
		for _, f := range src.Fields {
			a := attrs[f.Name]
			if a == nil {
				a = source.Text{}
				attrs[f.Name] = a
			}
			for lang, l := range f.Label {
				if a[lang] == "" {
					a[lang] = l
				}
			}
			for v, t := range f.ValueLabels {
				if values[f.Name] == nil {
					values[f.Name] = map[string]source.Text{}
				}
				vt := values[f.Name][v]
				if vt == nil {
					vt = source.Text{}
					values[f.Name][v] = vt
				}
				for lang, l := range t {
					if vt[lang] == "" {
						vt[lang] = l
					}
				}
			}
		}
	}
	contractLabels.Lock()
	contractLabels.attrs, contractLabels.values = attrs, values
	contractLabels.Unlock()
}

// contractAttr is a contract's label of attr in lang, or "".
func contractAttr(attr, lang string) string {
	contractLabels.RLock()
	defer contractLabels.RUnlock()
	if l := contractLabels.attrs[attr][lang]; l != "" {
		return l
	}
	return ""
}

// Value is how a reader of the locale's language should see value, a
// coded value of attribute attr of no particular source: a contract's
// label of it, else a region's name in the language, else ortaq's words
// for the values of the attribute's type (sex M, F), else the value as it
// is.
func (l Locale) Value(attr, value string) string {
	contractLabels.RLock()
	t := contractLabels.values[attr][value]
	contractLabels.RUnlock()
	if s := t.In(l.Lang); s != "" {
		return s
	}
	if attr == "region" {
		if _, ok := RegionOf(value); ok {
			return l.Region(value)
		}
	}
	if attr == "birth_date" || strings.HasSuffix(attr, "_date") {
		return l.dateValue(value)
	}
	return (*source.Source)(nil).ValueLabel(attr, value, l.Lang)
}

// dateValue shows a stored date (ingest keeps dates as ISO 8601) as the
// reader writes days; anything else, as it is.
func (l Locale) dateValue(value string) string {
	if t, err := time.Parse(time.DateOnly, value); err == nil {
		return l.Date(t)
	}
	return value
}

// Animal reports whether a source holds animals: its findings are the
// virtual cows.
func (ix SourceIndex) Animal(name string) bool {
	return ix.ByName[name].Entity == source.EntityAnimal
}

// UnknownSource is the error for a source name nobody registered: a
// store.ErrNotFound, so that it answers 404.
func UnknownSource(name string) error {
	return fmt.Errorf("no source named %q: %w", name, store.ErrNotFound)
}

// Golden is g as a reader of the locale's language should see it: an
// animal's name, which resolution writes as its tag and species code
// ("KZ0200001206 cattle"), names the species in words.
func (l Locale) Golden(g store.GoldenRow) store.GoldenRow {
	if g.Kind != source.EntityAnimal {
		return g
	}
	if tag, species, ok := strings.Cut(g.Name, " "); ok && species != "" {
		g.Name = tag + " " + l.Value("species", species)
	}
	return g
}
