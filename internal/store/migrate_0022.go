package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// compactVersions is migration 0022's data step: it moves every version of
// record_versions_0021 into the compact record_versions (see the migration's
// SQL), then drops the old table. It reads the old table in primary-key
// order a page at a time, so its memory does not grow with the store; each
// run's raw rows go into blocks of their own, sealed early when too many
// runs have a block open.
func compactVersions(ctx context.Context, t *tx) error {
	c := &compactor{t: t, d: t.s.dialect, names: map[int64]*attrWriter{}, raws: map[int64]*rawWriter{},
		next: map[int64]int64{}, observed: map[int64]time.Time{}}
	if err := c.loadObserved(ctx); err != nil {
		return fmt.Errorf("compact versions: observation times: %w", err)
	}
	var (
		after oldVersion
		first = true
	)
	for {
		page, err := c.page(ctx, after, first)
		if err != nil {
			return fmt.Errorf("compact versions: read: %w", err)
		}
		if len(page) == 0 {
			break
		}
		if err := c.move(ctx, page); err != nil {
			return fmt.Errorf("compact versions: %w", err)
		}
		after, first = page[len(page)-1], false
	}
	if err := c.sealAll(ctx); err != nil {
		return fmt.Errorf("compact versions: %w", err)
	}
	if _, err := t.ExecContext(ctx, `DROP TABLE record_versions_0021`); err != nil {
		return fmt.Errorf("compact versions: drop the old table: %w", err)
	}
	return nil
}

// compactPage is how many old versions compactVersions reads at a time;
// maxOpenBlocks is how many runs may have a raw block being filled.
const (
	compactPage   = 2000
	maxOpenBlocks = 64
)

type compactor struct {
	t        *tx
	d        dialect
	names    map[int64]*attrWriter // by source
	raws     map[int64]*rawWriter  // by run, blocks being filled
	next     map[int64]int64       // by run, the next block of a run whose writer was closed
	observed map[int64]time.Time   // by run
}

// oldVersion is a row of record_versions_0021.
type oldVersion struct {
	source              int64
	record              string
	version             int
	run                 int64
	deleted             bool
	attrs, invalid, raw []byte
	hash                []byte
	line                int
	observed            time.Time
}

func (c *compactor) loadObserved(ctx context.Context) error {
	rows, err := c.t.QueryContext(ctx, `SELECT id, observed_at FROM ingest_runs WHERE observed_at IS NOT NULL`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id int64
			at time.Time
		)
		if err := rows.Scan(&id, timeValue{&at}); err != nil {
			return err
		}
		c.observed[id] = at
	}
	return rows.Err()
}

// page reads the old versions after the one given (from the first when
// first), in primary-key order.
func (c *compactor) page(ctx context.Context, after oldVersion, first bool) ([]oldVersion, error) {
	q := `SELECT source_id, record_id, version, run_id, deleted, attrs, invalid, raw, hash, line, observed_at
		FROM record_versions_0021`
	var args []any
	if !first {
		q += ` WHERE (source_id, record_id, version) > (?, ?, ?)`
		args = []any{after.source, after.record, after.version}
	}
	q += ` ORDER BY source_id, record_id, version LIMIT ` + fmt.Sprint(compactPage)
	if c.d == postgresDialect {
		// PostgreSQL refuses this read prepared in the transaction that
		// renamed its table ("cached plan must not change result type");
		// the simple protocol plans it afresh.
		args = append([]any{pgx.QueryExecModeSimpleProtocol}, args...)
	}
	rows, err := c.t.QueryContext(ctx, c.d.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []oldVersion
	for rows.Next() {
		var v oldVersion
		if err := rows.Scan(&v.source, &v.record, &v.version, &v.run, &v.deleted, jsonValue{&v.attrs}, jsonValue{&v.invalid},
			jsonValue{&v.raw}, &v.hash, &v.line, timeValue{&v.observed}); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// move writes a page of old versions in the new layout.
func (c *compactor) move(ctx context.Context, page []oldVersion) error {
	rows := make([][]any, 0, len(page))
	var buf []byte
	for i := range page {
		v := &page[i]
		names := c.names[v.source]
		if names == nil {
			var err error
			if names, err = newAttrWriter(ctx, c.t, v.source); err != nil {
				return err
			}
			c.names[v.source] = names
		}
		start := len(buf)
		var err error
		if buf, err = encodeAttrs(ctx, buf, v.attrs, names); err != nil {
			return fmt.Errorf("record %d:%s version %d: %w", v.source, v.record, v.version, err)
		}
		attrs := append([]byte(nil), buf[start:]...)
		raw, err := c.rawWriter(ctx, v.run)
		if err != nil {
			return err
		}
		ref, err := raw.add(v.raw)
		if err != nil {
			return err
		}
		var observed any
		if def, ok := c.observed[v.run]; !ok || !def.Equal(v.observed) {
			observed = c.d.timeArg(v.observed)
		}
		var invalid any
		if v.invalid != nil {
			invalid = string(v.invalid)
		}
		rows = append(rows, []any{v.source, v.record, v.version, v.run, v.deleted, attrs, invalid, ref, v.hash, v.line, observed})
	}
	if err := c.insert(ctx, rows); err != nil {
		return err
	}
	for run, w := range c.raws {
		if err := w.write(ctx, c.t, run); err != nil {
			return err
		}
	}
	return nil
}

var compactColumns = []string{"source_id", "record_id", "version", "run_id", "deleted", "attrs", "invalid", "raw_ref", "hash", "line", "observed_at"}

func (c *compactor) insert(ctx context.Context, rows [][]any) error {
	if c.d == postgresDialect {
		return c.t.copyFrom(ctx, "record_versions", compactColumns, pgx.CopyFromRows(rows))
	}
	st, err := c.t.conn.PrepareContext(ctx, `INSERT INTO record_versions
		(source_id, record_id, version, run_id, deleted, attrs, invalid, raw_ref, hash, line, observed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range rows {
		if _, err := st.ExecContext(ctx, r...); err != nil {
			return err
		}
	}
	return nil
}

// rawWriter returns the raw block writer of run, sealing every open block
// first when too many are open.
func (c *compactor) rawWriter(ctx context.Context, run int64) (*rawWriter, error) {
	if w := c.raws[run]; w != nil {
		return w, nil
	}
	if len(c.raws) >= maxOpenBlocks {
		if err := c.sealAll(ctx); err != nil {
			return nil, err
		}
	}
	w := &rawWriter{next: c.next[run]}
	c.raws[run] = w
	return w, nil
}

// sealAll writes every open block and closes its writer.
func (c *compactor) sealAll(ctx context.Context) error {
	for run, w := range c.raws {
		if err := w.seal(); err != nil {
			return err
		}
		if err := w.write(ctx, c.t, run); err != nil {
			return err
		}
		c.next[run] = w.next
		delete(c.raws, run)
	}
	return nil
}
