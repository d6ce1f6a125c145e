package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"
)

// AuditRecord is one row of audit_records. It mirrors audit.Record field
// for field (names, types and order), so that the audit package converts
// between the two with a plain type conversion; keep them in step.
type AuditRecord struct {
	Index      uint64
	Time       time.Time
	Member     string
	Subsystem  string
	Auth       string
	User       string
	Service    string
	Subject    string
	Fields     []string
	Purpose    string
	LegalBasis string
	RequestID  string
	Decision   string
	Status     int
	Reason     string
	Kind       string
	Role       string
	Case       string
	Salt       []byte
}

// AuditNode is a stored node of the audit log's Merkle tree: the root of
// the perfect subtree Index at tree Level (a multiple of 8, at least 8).
type AuditNode struct {
	Level uint64
	Index uint64
	Hash  []byte
}

// AuditCheckpoint is a signed checkpoint of the audit log: the tree of the
// first Size leaves has root Root, and Note is the signed note saying so.
type AuditCheckpoint struct {
	Size uint64
	Root []byte
	Note []byte
	Time time.Time
}

// AuditBatch is what one audit-log transaction writes: records and their
// leaves (Leaves[i] is the commitment of Records[i], at Records[i].Index),
// the tree nodes the batch completed, and optionally a checkpoint.
type AuditBatch struct {
	Records    []AuditRecord
	Leaves     [][]byte
	Nodes      []AuditNode
	Checkpoint *AuditCheckpoint
}

// AuditEntry is one index of the stored log as Verify reads it: the leaf
// and the record stored there, either of which may be missing (nil) when
// the store was tampered with.
type AuditEntry struct {
	Index  uint64
	Leaf   []byte
	Record *AuditRecord
}

var auditRecordColumnList = []string{"idx", "at", "member", "subsystem", "auth", "user_id", "service", "subject",
	"fields", "purpose", "legal_basis", "request_id", "decision", "status", "reason", "kind", "role", "case_ref", "salt"}

var auditRecordColumns = strings.Join(auditRecordColumnList, ", ")

// AuditWriter writes audit-log batches on a connection of its own. On
// SQLite that connection runs with synchronous=FULL, so a committed batch
// survives a power cut, not only a crash of the process (the rest of the
// store trades that for speed with synchronous=NORMAL). PostgreSQL commits
// are durable as configured by the server (synchronous_commit, on by
// default). An AuditWriter is not safe for concurrent use: the audit log
// has a single writer.
type AuditWriter struct {
	s    *Store
	conn *sql.Conn
}

// AuditWriter opens the audit log's writer.
func (s *Store) AuditWriter(ctx context.Context) (*AuditWriter, error) {
	w := &AuditWriter{s: s}
	if err := w.connect(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *AuditWriter) connect(ctx context.Context) error {
	conn, err := w.s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("audit writer: %w", err)
	}
	if w.s.dialect == sqliteDialect {
		if _, err := conn.ExecContext(ctx, `PRAGMA synchronous=FULL`); err != nil {
			conn.Close()
			return fmt.Errorf("audit writer: synchronous=FULL: %w", err)
		}
	}
	w.conn = conn
	return nil
}

// Commit writes b in one transaction: all of it or, on error, none of it.
func (w *AuditWriter) Commit(ctx context.Context, b *AuditBatch) error {
	if len(b.Leaves) != len(b.Records) {
		return fmt.Errorf("audit commit: %d leaves for %d records", len(b.Leaves), len(b.Records))
	}
	if w.conn == nil {
		// The last transaction left the connection unusable; take a new one.
		if err := w.connect(ctx); err != nil {
			return err
		}
	}
	t, err := w.s.beginOn(ctx, w.conn)
	if err != nil {
		w.discard()
		return fmt.Errorf("audit commit: %w", err)
	}
	defer func() {
		// A connection that could not even roll back was dropped: the
		// next Commit starts on a clean one.
		t.rollback()
		if t.bad {
			w.discard()
		}
	}()
	if err := w.write(ctx, newApplyTx(t), b); err != nil {
		return fmt.Errorf("audit commit: %w", err)
	}
	if err := t.commit(ctx); err != nil {
		return fmt.Errorf("audit commit: %w", err)
	}
	return nil
}

func (w *AuditWriter) write(ctx context.Context, a *applyTx, b *AuditBatch) error {
	d := w.s.dialect
	fields := make([]string, len(b.Records))
	for i := range b.Records {
		f, err := encodeFields(b.Records[i].Fields)
		if err != nil {
			return fmt.Errorf("record %d: %w", b.Records[i].Index, err)
		}
		fields[i] = f
	}
	err := a.insertRows(ctx, "audit_records", auditRecordColumnList, len(b.Records), func(args []any, i int) []any {
		r := &b.Records[i]
		return append(args, int64(r.Index), d.timeArg(r.Time), r.Member, r.Subsystem, r.Auth, r.User, r.Service,
			r.Subject, fields[i], r.Purpose, r.LegalBasis, r.RequestID, r.Decision, r.Status, r.Reason, r.Kind, r.Role, r.Case, r.Salt)
	})
	if err != nil {
		return fmt.Errorf("records: %w", err)
	}
	err = a.insertRows(ctx, "audit_leaves", []string{"idx", "leaf"}, len(b.Leaves), func(args []any, i int) []any {
		return append(args, int64(b.Records[i].Index), b.Leaves[i])
	})
	if err != nil {
		return fmt.Errorf("leaves: %w", err)
	}
	err = a.insertRows(ctx, "audit_nodes", []string{"level", "idx", "hash"}, len(b.Nodes), func(args []any, i int) []any {
		n := &b.Nodes[i]
		return append(args, int64(n.Level), int64(n.Index), n.Hash)
	})
	if err != nil {
		return fmt.Errorf("nodes: %w", err)
	}
	if c := b.Checkpoint; c != nil {
		if _, err := a.exec(ctx, `INSERT INTO audit_checkpoints (size, root, note, at) VALUES (?, ?, ?, ?)`,
			int64(c.Size), c.Root, string(c.Note), d.timeArg(c.Time)); err != nil {
			return fmt.Errorf("checkpoint %d: %w", c.Size, err)
		}
	}
	return nil
}

func (w *AuditWriter) discard() {
	w.conn.Raw(func(any) error { return driver.ErrBadConn })
	w.conn.Close()
	w.conn = nil
}

// Close returns the writer's connection to the pool, with the pool's
// synchronous setting back.
func (w *AuditWriter) Close() error {
	if w.conn == nil {
		return nil
	}
	if w.s.dialect == sqliteDialect {
		if _, err := w.conn.ExecContext(context.Background(), `PRAGMA synchronous=NORMAL`); err != nil {
			w.discard()
			return nil
		}
	}
	err := w.conn.Close()
	w.conn = nil
	return err
}

// encodeFields stores a record's field list as a JSON array.
func encodeFields(fields []string) (string, error) {
	if len(fields) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(fields)
	if err != nil {
		return "", fmt.Errorf("fields: %w", err)
	}
	return string(b), nil
}

// decodeFields reads what encodeFields wrote. Field names are plain words,
// so the common case (no escapes) is split by hand: Verify decodes every
// record of the log and json.Unmarshal would dominate its profile.
func decodeFields(s string) ([]string, error) {
	if s == "[]" || s == "" {
		return nil, nil
	}
	if len(s) >= 4 && s[0] == '[' && s[1] == '"' && s[len(s)-2] == '"' && s[len(s)-1] == ']' && !strings.Contains(s, `\`) {
		inner := s[2 : len(s)-2]
		out := strings.Split(inner, `","`)
		// Raw control characters are not JSON; let json refuse them.
		ok := utf8.ValidString(inner) && strings.IndexFunc(inner, func(r rune) bool { return r < 0x20 }) < 0
		for _, f := range out {
			// A quote left inside a part means the text was not the
			// simple list it looked like.
			if strings.Contains(f, `"`) {
				ok = false
				break
			}
		}
		if ok {
			return out, nil
		}
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("fields %q: %w", s, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

type scanner interface{ Scan(...any) error }

func scanAuditRecord(sc scanner) (AuditRecord, error) {
	var (
		r      AuditRecord
		idx    int64
		fields string
	)
	err := sc.Scan(&idx, timeValue{&r.Time}, &r.Member, &r.Subsystem, &r.Auth, &r.User, &r.Service, &r.Subject,
		&fields, &r.Purpose, &r.LegalBasis, &r.RequestID, &r.Decision, &r.Status, &r.Reason, &r.Kind, &r.Role, &r.Case, &r.Salt)
	if err != nil {
		return r, err
	}
	r.Index = uint64(idx)
	if r.Fields, err = decodeFields(fields); err != nil {
		return r, fmt.Errorf("record %d: %w", idx, err)
	}
	return r, nil
}

// AuditState is what the audit log needs to start: its size (one past the
// highest stored leaf index) and its latest checkpoint (nil when none).
type AuditState struct {
	Size       uint64
	Checkpoint *AuditCheckpoint
}

// AuditState reads the audit log's size and latest checkpoint with two
// index lookups.
func (s *Store) AuditState(ctx context.Context) (AuditState, error) {
	var st AuditState
	var top sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(idx) FROM audit_leaves`).Scan(&top); err != nil {
		return st, fmt.Errorf("audit state: %w", err)
	}
	if top.Valid {
		st.Size = uint64(top.Int64) + 1
	}
	cps, err := s.auditCheckpoints(ctx, `SELECT size, root, note, at FROM audit_checkpoints ORDER BY size DESC LIMIT 1`)
	if err != nil {
		return st, fmt.Errorf("audit state: %w", err)
	}
	if len(cps) > 0 {
		st.Checkpoint = &cps[0]
	}
	return st, nil
}

// AuditLeaves returns the stored leaves (commitments) at indices [from,
// from+n), in index order; fewer when some are missing, and the caller
// knows how many it expects.
func (s *Store) AuditLeaves(ctx context.Context, from, n uint64) ([][]byte, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT leaf FROM audit_leaves WHERE idx >= ? AND idx < ? ORDER BY idx`),
		int64(from), int64(from+n))
	if err != nil {
		return nil, fmt.Errorf("audit leaves %d+%d: %w", from, n, err)
	}
	defer rows.Close()
	out := make([][]byte, 0, n)
	for rows.Next() {
		var leaf []byte
		if err := rows.Scan(&leaf); err != nil {
			return nil, fmt.Errorf("audit leaves %d+%d: %w", from, n, err)
		}
		out = append(out, leaf)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit leaves %d+%d: %w", from, n, err)
	}
	return out, nil
}

// AuditNodes returns the stored nodes at tree level with indices [from,
// from+n), in index order; fewer when some are missing.
func (s *Store) AuditNodes(ctx context.Context, level, from, n uint64) ([][]byte, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT hash FROM audit_nodes
		WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx`), int64(level), int64(from), int64(from+n))
	if err != nil {
		return nil, fmt.Errorf("audit nodes %d/%d+%d: %w", level, from, n, err)
	}
	defer rows.Close()
	out := make([][]byte, 0, min(n, 1<<16))
	for rows.Next() {
		var h []byte
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("audit nodes %d/%d+%d: %w", level, from, n, err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit nodes %d/%d+%d: %w", level, from, n, err)
	}
	return out, nil
}

// EachAuditNode calls fn with every stored node, by level then index.
// There are about size/255 of them.
func (s *Store) EachAuditNode(ctx context.Context, fn func(AuditNode) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT level, idx, hash FROM audit_nodes ORDER BY level, idx`)
	if err != nil {
		return fmt.Errorf("audit nodes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var level, idx int64
		var n AuditNode
		if err := rows.Scan(&level, &idx, &n.Hash); err != nil {
			return fmt.Errorf("audit nodes: %w", err)
		}
		n.Level, n.Index = uint64(level), uint64(idx)
		if err := fn(n); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("audit nodes: %w", err)
	}
	return nil
}

// AuditRecord returns the record at index, or ErrNotFound.
func (s *Store) AuditRecord(ctx context.Context, index uint64) (AuditRecord, []byte, error) {
	r, err := scanAuditRecord(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+auditRecordColumns+`
		FROM audit_records WHERE idx = ?`), int64(index)))
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil, fmt.Errorf("audit record %d: %w", index, ErrNotFound)
	}
	if err != nil {
		return r, nil, fmt.Errorf("audit record %d: %w", index, err)
	}
	var leaf []byte
	err = s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT leaf FROM audit_leaves WHERE idx = ?`), int64(index)).Scan(&leaf)
	if errors.Is(err, sql.ErrNoRows) {
		return r, nil, fmt.Errorf("audit leaf %d: %w", index, ErrNotFound)
	}
	if err != nil {
		return r, nil, fmt.Errorf("audit leaf %d: %w", index, err)
	}
	return r, leaf, nil
}

// AuditBySubject returns up to limit records naming subject, newest first,
// from the (subject, idx) index.
func (s *Store) AuditBySubject(ctx context.Context, subject string, limit int) ([]AuditRecord, error) {
	return s.AuditBySubjects(ctx, []string{subject}, limit)
}

// AuditBySubjects returns up to limit records naming any of subjects (a
// person's IIN and their animals' tags), newest first. Records of the
// ledger's batches (kind 'ledger') name no subject and are never listed,
// even for an empty subject.
func (s *Store) AuditBySubjects(ctx context.Context, subjects []string, limit int) ([]AuditRecord, error) {
	if limit <= 0 || len(subjects) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(subjects)+1)
	for _, sub := range subjects {
		args = append(args, sub)
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+auditRecordColumns+`
		FROM audit_records WHERE subject IN (`+placeholders(len(subjects))+`) AND kind <> 'ledger'
		ORDER BY idx DESC LIMIT ?`),
		append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("audit history: %w", err)
	}
	defer rows.Close()
	var out []AuditRecord
	for rows.Next() {
		r, err := scanAuditRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("audit history: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit history: %w", err)
	}
	return out, nil
}

// AuditCheckpoints returns up to limit stored checkpoints of size at least
// from, by size, so that a reader can page through all of them.
func (s *Store) AuditCheckpoints(ctx context.Context, from uint64, limit int) ([]AuditCheckpoint, error) {
	cps, err := s.auditCheckpoints(ctx, s.dialect.rebind(`SELECT size, root, note, at FROM audit_checkpoints
		WHERE size >= ? ORDER BY size LIMIT ?`), int64(from), limit)
	if err != nil {
		return nil, fmt.Errorf("audit checkpoints: %w", err)
	}
	return cps, nil
}

func (s *Store) auditCheckpoints(ctx context.Context, q string, args ...any) ([]AuditCheckpoint, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditCheckpoint
	for rows.Next() {
		var (
			c    AuditCheckpoint
			size int64
			note string
		)
		if err := rows.Scan(&size, &c.Root, &note, timeValue{&c.Time}); err != nil {
			return nil, err
		}
		c.Size, c.Note = uint64(size), []byte(note)
		out = append(out, c)
	}
	return out, rows.Err()
}

// auditChunk is how many indices one worker of EachAuditRecord reads at a
// time: large enough that a query's cost is spread over many rows, small
// enough that the chunks in flight stay a few megabytes.
const auditChunk = 8192

// EachAuditRecord calls fn, in index order, with every index that holds a
// leaf or a record, up to the highest one stored when it starts (what is
// appended meanwhile is left for the next run). The log is read in chunks
// by parallel workers, two range scans per chunk and no query per record,
// while fn runs on the calling goroutine; nothing is held in memory beyond
// the chunks in flight. An error from fn stops the walk and is returned.
func (s *Store) EachAuditRecord(ctx context.Context, fn func(AuditEntry) error) error {
	var topRec, topLeaf sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT (SELECT MAX(idx) FROM audit_records), (SELECT MAX(idx) FROM audit_leaves)`).
		Scan(&topRec, &topLeaf); err != nil {
		return fmt.Errorf("audit records: %w", err)
	}
	var end uint64
	for _, t := range []sql.NullInt64{topRec, topLeaf} {
		if t.Valid && t.Int64 >= 0 {
			end = max(end, uint64(t.Int64)+1)
		}
	}
	if end == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type chunk struct {
		entries []AuditEntry
		err     error
	}
	workers := min(max(runtime.GOMAXPROCS(0), 2), 8)
	// Each chunk gets its own result channel, queued in index order, so
	// that fn sees the chunks in order whichever worker finishes first.
	queue := make(chan chan chunk, workers*2)
	go func() {
		defer close(queue)
		sem := make(chan struct{}, workers)
		for from := uint64(0); from < end; from += auditChunk {
			res := make(chan chunk, 1)
			select {
			case queue <- res:
			case <-ctx.Done():
				return
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func(from, to uint64) {
				defer func() { <-sem }()
				es, err := s.auditChunk(ctx, from, to)
				res <- chunk{es, err}
			}(from, min(from+auditChunk, end))
		}
	}()
	for res := range queue {
		var c chunk
		select {
		case c = <-res:
		case <-ctx.Done():
			return ctx.Err()
		}
		if c.err != nil {
			return c.err
		}
		for _, e := range c.entries {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// auditChunk reads the leaves and records at indices [from, to) and merges
// them by index.
func (s *Store) auditChunk(ctx context.Context, from, to uint64) ([]AuditEntry, error) {
	type leaf struct {
		idx  uint64
		hash []byte
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT idx, leaf FROM audit_leaves WHERE idx >= ? AND idx < ? ORDER BY idx`),
		int64(from), int64(to))
	if err != nil {
		return nil, fmt.Errorf("audit leaves %d-%d: %w", from, to, err)
	}
	leaves := make([]leaf, 0, to-from)
	for rows.Next() {
		var (
			idx int64
			l   leaf
		)
		if err := rows.Scan(&idx, &l.hash); err != nil {
			rows.Close()
			return nil, fmt.Errorf("audit leaves %d-%d: %w", from, to, err)
		}
		l.idx = uint64(idx)
		leaves = append(leaves, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit leaves %d-%d: %w", from, to, err)
	}

	rows, err = s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+auditRecordColumns+` FROM audit_records
		WHERE idx >= ? AND idx < ? ORDER BY idx`), int64(from), int64(to))
	if err != nil {
		return nil, fmt.Errorf("audit records %d-%d: %w", from, to, err)
	}
	defer rows.Close()
	recs := make([]AuditRecord, 0, to-from)
	for rows.Next() {
		r, err := scanAuditRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("audit records %d-%d: %w", from, to, err)
		}
		recs = append(recs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit records %d-%d: %w", from, to, err)
	}

	out := make([]AuditEntry, 0, max(len(leaves), len(recs)))
	i, j := 0, 0
	for i < len(leaves) || j < len(recs) {
		switch {
		case j == len(recs) || i < len(leaves) && leaves[i].idx < recs[j].Index:
			out = append(out, AuditEntry{Index: leaves[i].idx, Leaf: leaves[i].hash})
			i++
		case i == len(leaves) || recs[j].Index < leaves[i].idx:
			out = append(out, AuditEntry{Index: recs[j].Index, Record: &recs[j]})
			j++
		default:
			out = append(out, AuditEntry{Index: leaves[i].idx, Leaf: leaves[i].hash, Record: &recs[j]})
			i++
			j++
		}
	}
	return out, nil
}
