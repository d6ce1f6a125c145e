package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// The PostgreSQL bulk path of ApplyResolve: COPY on the transaction's own
// connection, so that the rows join the transaction.

func (a *applyTx) copyEntities(ctx context.Context, kind string, ids []string) error {
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(ids) {
			return nil, nil
		}
		i++
		return []any{ids[i-1], kind, a.now}, nil
	})
	return a.copyFrom(ctx, "entities", []string{"entity_id", "kind", "created_at"}, src)
}

// copyMembers upserts through a temporary table: COPY cannot resolve
// conflicts itself. ms holds each record once.
func (a *applyTx) copyMembers(ctx context.Context, ms []Membership) error {
	if _, err := a.conn.ExecContext(ctx, `CREATE TEMP TABLE resolve_members_in (
		source_id BIGINT NOT NULL, record_id TEXT COLLATE "C" NOT NULL,
		entity_id TEXT COLLATE "C" NOT NULL, version INTEGER NOT NULL) ON COMMIT DROP`); err != nil {
		return err
	}
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(ms) {
			return nil, nil
		}
		m := &ms[i]
		i++
		return []any{m.SourceID, m.RecordID, m.EntityID, m.Version}, nil
	})
	if err := a.copyFrom(ctx, "resolve_members_in", []string{"source_id", "record_id", "entity_id", "version"}, src); err != nil {
		return err
	}
	_, err := a.conn.ExecContext(ctx, `INSERT INTO entity_members (source_id, record_id, entity_id, version, linked_at)
		SELECT source_id, record_id, entity_id, version, $1 FROM resolve_members_in `+memberUpsert, a.now)
	if err != nil {
		return err
	}
	_, err = a.conn.ExecContext(ctx, `DROP TABLE resolve_members_in`)
	return err
}

// deleteRefs deletes the rows of refs from table, through a temporary
// table: one hash or index join instead of a statement per refChunk refs.
func (a *applyTx) deleteRefs(ctx context.Context, table string, refs []RecordRef) error {
	if _, err := a.conn.ExecContext(ctx, `CREATE TEMP TABLE resolve_refs_in (
		source_id BIGINT NOT NULL, record_id TEXT COLLATE "C" NOT NULL) ON COMMIT DROP`); err != nil {
		return err
	}
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(refs) {
			return nil, nil
		}
		i++
		return []any{refs[i-1].SourceID, refs[i-1].RecordID}, nil
	})
	if err := a.copyFrom(ctx, "resolve_refs_in", []string{"source_id", "record_id"}, src); err != nil {
		return err
	}
	if _, err := a.conn.ExecContext(ctx, `ANALYZE resolve_refs_in`); err != nil {
		return err
	}
	q := `DELETE FROM ` + table + ` t USING resolve_refs_in r WHERE t.source_id = r.source_id AND t.record_id = r.record_id`
	if _, err := a.conn.ExecContext(ctx, q); err != nil {
		return err
	}
	_, err := a.conn.ExecContext(ctx, `DROP TABLE resolve_refs_in`)
	return err
}

func (a *applyTx) copyLineage(ctx context.Context, es []LineageEvent) error {
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(es) {
			return nil, nil
		}
		i++
		return a.lineageRow(make([]any, 0, len(lineageColumns)), &es[i-1]), nil
	})
	return a.copyFrom(ctx, "entity_lineage", lineageColumns, src)
}

// copyFrom is tx.copyFrom telling the progress hook about the rows sent.
func (a *applyTx) copyFrom(ctx context.Context, table string, cols []string, src pgx.CopyFromSource) error {
	if a.progress != nil {
		src = &countingSource{CopyFromSource: src, a: a}
	}
	return a.tx.copyFrom(ctx, table, cols, src)
}

// copyReport is how many rows a COPY sends between two calls of the
// progress hook.
const copyReport = 10000

// countingSource tells the transaction's progress hook about the rows a
// COPY reads, copyReport at a time and the rest at the end.
type countingSource struct {
	pgx.CopyFromSource
	a *applyTx
	n int
}

// Next counts the row it moves to.
func (c *countingSource) Next() bool {
	if !c.CopyFromSource.Next() {
		c.a.wrote(c.n)
		c.n = 0
		return false
	}
	if c.n++; c.n == copyReport {
		c.a.wrote(c.n)
		c.n = 0
	}
	return true
}
