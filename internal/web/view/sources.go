package view

import (
	"context"
	"fmt"

	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// SourceIndex finds sources by name, and their agencies' names in the
// reader's language.
type SourceIndex struct {
	Agencies []store.AgencyStats // by code
	ByName   map[string]store.SourceStats
	ByID     map[int64]store.SourceStats
	// Agency maps an agency code to its name in the reader's language.
	Agency map[string]string
}

// LoadSources reads every source and agency: two queries whatever the page
// shows, instead of one per row.
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
		Agency: map[string]string{}}
	for _, src := range srcs {
		ix.ByName[src.Name] = src
		ix.ByID[src.ID] = src
	}
	for _, a := range agencies {
		ix.Agency[a.Code] = l.Name(a.Name, a.Names)
	}
	return ix, nil
}

// Title is a source's title, or its name when it has none.
func (ix SourceIndex) Title(name string) string {
	if src, ok := ix.ByName[name]; ok && src.Title != "" {
		return src.Title
	}
	return name
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
