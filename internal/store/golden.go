package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/events"
)

// GoldenRow is the stored golden record of one entity: the columns the
// console lists and searches by, and Doc, the whole record with provenance
// as JSON (see golden.Doc).
type GoldenRow struct {
	EntityID   string
	Kind       string
	Name       string
	NationalID string
	BirthDate  string
	DeathDate  string
	Region     string
	Household  string
	Owner      string // an animal's owner's entity id
	Members    int
	Conflicts  int
	Doc        []byte
	BuiltAt    time.Time
}

// SearchTerm indexes one folded word of an entity's names.
type SearchTerm struct {
	Term     string
	EntityID string
}

var goldenColumnList = []string{"entity_id", "kind", "name", "national_id", "birth_date", "death_date", "region",
	"household", "owner_id", "members", "conflicts", "doc", "built_at"}

var goldenColumns = strings.Join(goldenColumnList, ", ")

func scanGolden(sc interface{ Scan(...any) error }) (GoldenRow, error) {
	var g GoldenRow
	err := sc.Scan(&g.EntityID, &g.Kind, &g.Name, &g.NationalID, &g.BirthDate, &g.DeathDate, &g.Region, &g.Household,
		&g.Owner, &g.Members, &g.Conflicts, docValue{&g.Doc}, timeValue{&g.BuiltAt})
	return g, err
}

// GoldenWriter replaces every golden record and search term in one
// transaction, taking records a batch at a time so that a nation's golden
// records never sit in memory all at once: readers see the old build until
// Commit, then the new one. Search terms are small; they are kept until
// Commit and written in index order, which appends to the index instead of
// inserting at random places in it.
type GoldenWriter struct {
	a     *applyTx
	rows  []GoldenRow
	terms []SearchTerm
}

// goldenBatch is how many golden records a GoldenWriter holds before
// writing them.
const goldenBatch = 5000

// ReplaceGolden starts replacing the golden records. The caller must Commit
// or Abort it.
func (s *Store) ReplaceGolden(ctx context.Context) (*GoldenWriter, error) {
	a, err := s.beginApply(ctx)
	if err != nil {
		return nil, fmt.Errorf("replace golden records: %w", err)
	}
	for _, t := range []string{"golden_records", "search_terms"} {
		if _, err := a.exec(ctx, `DELETE FROM `+t); err != nil {
			a.rollback()
			return nil, fmt.Errorf("replace golden records: %w", err)
		}
	}
	return &GoldenWriter{a: a}, nil
}

// Add queues one golden record and its search terms; each (term, entity)
// must come once.
func (w *GoldenWriter) Add(ctx context.Context, g GoldenRow, terms []SearchTerm) error {
	w.rows = append(w.rows, g)
	w.terms = append(w.terms, terms...)
	if len(w.rows) >= goldenBatch {
		return w.flush(ctx)
	}
	return nil
}

func (w *GoldenWriter) flush(ctx context.Context) error {
	if err := w.a.insertGolden(ctx, w.rows); err != nil {
		w.Abort()
		return fmt.Errorf("replace golden records: %w", err)
	}
	w.rows = w.rows[:0]
	return nil
}

// insertGolden inserts rows, built now, their documents compressed.
func (a *applyTx) insertGolden(ctx context.Context, rows []GoldenRow) error {
	docs, err := packDocs(rows)
	if err != nil {
		return err
	}
	built := a.s.dialect.timeArg(a.now)
	return a.insertRows(ctx, "golden_records", goldenColumnList, len(rows), func(args []any, i int) []any {
		g := &rows[i]
		return append(args, g.EntityID, g.Kind, g.Name, g.NationalID, g.BirthDate, g.DeathDate, g.Region,
			g.Household, g.Owner, g.Members, g.Conflicts, docs[i], built)
	})
}

// Commit writes what is queued and makes the new build visible.
func (w *GoldenWriter) Commit(ctx context.Context) error {
	if err := w.flush(ctx); err != nil {
		return err
	}
	terms := w.terms
	slices.SortFunc(terms, func(x, y SearchTerm) int {
		return cmp.Or(strings.Compare(x.Term, y.Term), strings.Compare(x.EntityID, y.EntityID))
	})
	err := w.a.insertRows(ctx, "search_terms", []string{"term", "entity_id"}, len(terms),
		func(args []any, i int) []any { return append(args, terms[i].Term, terms[i].EntityID) })
	if err != nil {
		w.Abort()
		return fmt.Errorf("replace golden records: %w", err)
	}
	if err := w.a.emit(ctx, events.NewChanged(events.GoldenChange, events.AllKinds, 0, "full", true, nil)); err != nil {
		w.Abort()
		return fmt.Errorf("replace golden records: %w", err)
	}
	if err := w.a.commit(ctx); err != nil {
		return fmt.Errorf("replace golden records: %w", err)
	}
	return nil
}

// Progress makes the writer tell fn how many rows it just wrote after each
// batch: golden records as Add writes them, then, at Commit, search terms,
// as many as were added.
func (w *GoldenWriter) Progress(fn func(rows int)) { w.a.progress = fn }

// Abort leaves the old build in place; it is safe after Commit.
func (w *GoldenWriter) Abort() { w.a.rollback() }

// UpdateGolden replaces the golden record of one entity and the search
// terms that find it, in one transaction, leaving every other entity's as
// it is; row nil removes the golden record. search_terms is keyed by term,
// so the caller names the terms that may find the entity now (stale; a
// superset is fine): they are removed, then terms (each once, all of
// entityID) are added.
func (s *Store) UpdateGolden(ctx context.Context, entityID string, row *GoldenRow, stale []string, terms []SearchTerm) error {
	if row != nil && row.EntityID != entityID {
		return fmt.Errorf("update golden record %s: row of %s", entityID, row.EntityID)
	}
	drop := slices.Clone(stale)
	for _, t := range terms {
		if t.EntityID != entityID {
			return fmt.Errorf("update golden record %s: search term of %s", entityID, t.EntityID)
		}
		drop = append(drop, t.Term)
	}
	a, err := s.beginApply(ctx)
	if err != nil {
		return fmt.Errorf("update golden record %s: %w", entityID, err)
	}
	defer a.rollback()
	if _, err := a.exec(ctx, `DELETE FROM golden_records WHERE entity_id = ?`, entityID); err != nil {
		return fmt.Errorf("update golden record %s: %w", entityID, err)
	}
	for chunk := range slices.Chunk(distinct(drop), refChunk) {
		args := make([]any, 0, len(chunk)+1)
		args = append(args, entityID)
		for _, t := range chunk {
			args = append(args, t)
		}
		if _, err := a.exec(ctx, `DELETE FROM search_terms WHERE entity_id = ? AND term IN (`+placeholders(len(chunk))+`)`, args...); err != nil {
			return fmt.Errorf("update golden record %s: %w", entityID, err)
		}
	}
	if row != nil {
		if err := a.insertGolden(ctx, []GoldenRow{*row}); err != nil {
			return fmt.Errorf("update golden record %s: %w", entityID, err)
		}
	}
	err = a.insertRows(ctx, "search_terms", []string{"term", "entity_id"}, len(terms),
		func(args []any, i int) []any { return append(args, terms[i].Term, terms[i].EntityID) })
	if err != nil {
		return fmt.Errorf("update golden record %s: %w", entityID, err)
	}
	evs, err := a.goldenEvents(ctx, entityID, row)
	if err == nil {
		err = a.emit(ctx, evs)
	}
	if err != nil {
		return fmt.Errorf("update golden record %s: %w", entityID, err)
	}
	if err := a.commit(ctx); err != nil {
		return fmt.Errorf("update golden record %s: %w", entityID, err)
	}
	return nil
}

// Golden returns the golden record of an entity, or ErrNotFound.
func (s *Store) Golden(ctx context.Context, entityID string) (GoldenRow, error) {
	g, err := scanGolden(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+goldenColumns+`
		FROM golden_records WHERE entity_id = ?`), entityID))
	if errors.Is(err, sql.ErrNoRows) {
		return g, fmt.Errorf("golden record %s: %w", entityID, ErrNotFound)
	}
	if err != nil {
		return g, fmt.Errorf("golden record %s: %w", entityID, err)
	}
	return g, nil
}

// GoldenBy lists the golden records whose household or owner_id column
// (by) equals value, by name, at most limit.
func (s *Store) GoldenBy(ctx context.Context, by, value string, limit int) ([]GoldenRow, error) {
	if by != "household" && by != "owner_id" {
		return nil, fmt.Errorf("golden records by %q: unknown column", by)
	}
	if value == "" {
		return nil, nil
	}
	return s.goldenRows(ctx, `SELECT `+goldenColumns+` FROM golden_records WHERE `+by+` = ? ORDER BY name, entity_id LIMIT ?`,
		value, limit)
}

func (s *Store) goldenRows(ctx context.Context, q string, args ...any) ([]GoldenRow, error) {
	rows, err := s.queryPrepared(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("golden records: %w", err)
	}
	defer rows.Close()
	var out []GoldenRow
	for rows.Next() {
		g, err := scanGolden(rows)
		if err != nil {
			return nil, fmt.Errorf("golden records: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// maxTermMatches bounds the entities one search word may match before the
// words are intersected; a search is for finding someone, not for listing
// everyone called Ali.
const maxTermMatches = 20000

// GoldenByNationalID returns the golden records whose national id is iin,
// at most limit.
func (s *Store) GoldenByNationalID(ctx context.Context, iin string, limit int) ([]GoldenRow, error) {
	return s.goldenRows(ctx, `SELECT `+goldenColumns+` FROM golden_records WHERE national_id = ? ORDER BY entity_id LIMIT ?`,
		iin, limit)
}

// GoldenCounts returns how many golden records there are of each kind.
func (s *Store) GoldenCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, COUNT(*) FROM golden_records GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("count golden records: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			k string
			n int
		)
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("count golden records: %w", err)
		}
		out[k] = n
	}
	return out, rows.Err()
}

// SampleNationalIDs returns up to n national ids of living people that
// have a golden record, for examples and load tests. A golden record keeps
// an invalid IIN when it has no valid one; callers that need valid ids
// check them (kz.ValidIIN).
func (s *Store) SampleNationalIDs(ctx context.Context, n int) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT national_id FROM golden_records
		WHERE kind = 'person' AND national_id <> '' AND death_date = '' ORDER BY entity_id LIMIT ?`), n)
	if err != nil {
		return nil, fmt.Errorf("sample national ids: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sample national ids: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
