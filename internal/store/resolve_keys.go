package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Blocking keys are stored one row per record, the record's 64-bit key
// hashes packed in a blob (8 bytes each, big-endian), and are never looked
// up by key in the database: a resolver reads all the keys of a kind once,
// with BlockingKeys, into an index in memory, and a server keeps that index
// as it resolves. One row per key and record, with an index on the key and
// one on the record, made a full resolve of 1M people write about 25M rows
// into three b-trees; this way it writes 3.5M rows into one.

// RecordKeys is the blocking keys of one record.
type RecordKeys struct {
	Ref  RecordRef
	Keys []uint64
}

// packKeys is the stored form of keys.
func packKeys(keys []uint64) []byte {
	b := make([]byte, 0, 8*len(keys))
	for _, k := range keys {
		b = binary.BigEndian.AppendUint64(b, k)
	}
	return b
}

// unpackKeys appends the keys packed in b to dst.
func unpackKeys(dst []uint64, b []byte) ([]uint64, error) {
	if len(b)%8 != 0 {
		return dst, fmt.Errorf("packed keys of %d bytes: want a multiple of 8", len(b))
	}
	for ; len(b) > 0; b = b[8:] {
		dst = append(dst, binary.BigEndian.Uint64(b))
	}
	return dst, nil
}

// BlockingKeys streams to fn the stored keys of every record of the kind's
// sources, by source and record id (bytewise), with one query. The Keys
// slice fn gets is reused by the next call: fn must copy what it keeps. An
// error from fn stops the stream and is returned as is.
func (s *Store) BlockingKeys(ctx context.Context, kind string, fn func(RecordKeys) error) error {
	srcs, err := sourceInfos(ctx, s.db)
	if err != nil {
		return fmt.Errorf("%s blocking keys: %w", kind, err)
	}
	ids := kindSourceIDs(srcs, kind)
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT source_id, record_id, keys FROM resolve_record_keys
		WHERE source_id IN (`+placeholders(len(ids))+`) ORDER BY source_id, record_id`), args...)
	if err != nil {
		return fmt.Errorf("%s blocking keys: %w", kind, err)
	}
	defer rows.Close()
	var (
		rk     RecordKeys
		packed sql.RawBytes // unpacked before the next row: no copy
	)
	for rows.Next() {
		if err := rows.Scan(&rk.Ref.SourceID, &rk.Ref.RecordID, &packed); err != nil {
			return fmt.Errorf("%s blocking keys: %w", kind, err)
		}
		if rk.Keys, err = unpackKeys(rk.Keys[:0], packed); err != nil {
			return fmt.Errorf("%s blocking keys of %d:%s: %w", kind, rk.Ref.SourceID, rk.Ref.RecordID, err)
		}
		if err := fn(rk); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s blocking keys: %w", kind, err)
	}
	return nil
}

// LastResolveRun returns the id of the latest resolve run of kind, 0 when
// there is none: a resolver holding the kind's keys in memory compares it
// with the run it last applied, to know whether another process resolved
// meanwhile.
func (s *Store) LastResolveRun(ctx context.Context, kind string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT COALESCE(MAX(id), 0) FROM resolve_runs WHERE kind = ?`), kind).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("last %s resolve run: %w", kind, err)
	}
	return id, nil
}

func (a *applyTx) dropKeys(ctx context.Context, ch *ResolveChanges) error {
	if a.useCopy(len(ch.DropKeys)) {
		return a.deleteRefs(ctx, "resolve_record_keys", ch.DropKeys)
	}
	return eachRefChunk(ch.DropKeys, func(src int64, ids []string) error {
		_, err := a.exec(ctx, `DELETE FROM resolve_record_keys WHERE source_id = ? AND record_id IN (`+placeholders(len(ids))+`)`, refArgs(src, ids)...)
		return err
	})
}

func (a *applyTx) insertKeys(ctx context.Context, ch *ResolveChanges) error {
	ks := lastPerRecord(ch.Keys, func(k RecordKeys) RecordRef { return k.Ref })
	sortByRef(ks, func(k *RecordKeys) RecordRef { return k.Ref })
	// After a Reset no record of the kind has keys, so COPY cannot meet a
	// row it would have to replace.
	if ch.Reset && a.useCopy(len(ks)) {
		i := 0
		src := pgx.CopyFromFunc(func() ([]any, error) {
			if i == len(ks) {
				return nil, nil
			}
			k := &ks[i]
			i++
			return []any{k.Ref.SourceID, k.Ref.RecordID, packKeys(k.Keys)}, nil
		})
		return a.copyFrom(ctx, "resolve_record_keys", []string{"source_id", "record_id", "keys"}, src)
	}
	return a.insert(ctx, `INSERT INTO resolve_record_keys (source_id, record_id, keys)`, `(?, ?, ?)`, 3,
		`ON CONFLICT (source_id, record_id) DO UPDATE SET keys = excluded.keys`, len(ks),
		func(args []any, i int) []any {
			k := &ks[i]
			return append(args, k.Ref.SourceID, k.Ref.RecordID, packKeys(k.Keys))
		})
}
