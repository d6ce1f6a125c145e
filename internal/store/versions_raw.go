package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// How record_versions keeps the raw rows. A version's raw row (the row as
// received, a JSON object) is read only when one record's history is shown,
// so it is not kept in the version: an ingest run writes its raw rows, in
// the order it stores them, to raw_blocks, rawBlockRows rows to a block,
// each block compressed with zstd; a version's raw_ref names the block and
// the row in it (block<<16 | row), and reading one version's raw row
// decompresses one block. Rows of one run repeat their column names and
// much of their values, so a block holds them in a quarter of their size
// or less (docs/benchmarks.md, "Record versions on disk"). raw_ref is NULL
// for the empty object {}, the raw row of every deleted version.

// rawBlockRows is how many raw rows a block holds at most. Larger blocks
// compress a little better and cost more to read one row from: 256 health
// cards are ~70 KB before compression, read in about 0.1 ms.
const rawBlockRows = 128

// rawRowBits is the bits of raw_ref that hold the row within its block.
const rawRowBits = 16

var (
	zstdEncoder = sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest),
			zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithWindowSize(1<<20))
	})
	zstdDecoder = sync.OnceValues(func() (*zstd.Decoder, error) {
		return zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(64<<20))
	})
)

// emptyRaw is the raw row kept as a NULL raw_ref.
const emptyRaw = "{}"

// rawBlock is a compressed block of raw rows waiting to be written.
type rawBlock struct {
	block int64
	data  []byte
}

// rawWriter gathers one run's raw rows into blocks. A block, before
// compression, is the column names of its first row (a uvarint count, then
// each name as a uvarint length and its bytes, as written between JSON
// quotes), then its rows, each a uvarint length and that many bytes: rawRow
// and the column values in the names' order (each a uvarint length and its
// bytes), or rawJSON and the row's JSON text, for a row whose columns
// differ or that is not a flat object of strings. Leaving out the names
// makes a block a third smaller before zstd, which then compresses faster.
type rawWriter struct {
	next  int64    // number of the block being filled
	names [][]byte // its column names; nil for none
	buf   []byte   // its rows
	n     int      // rows in buf
	row   []byte   // scratch
	full  []rawBlock
}

// The first byte of a row in a block.
const (
	rawJSON   = 0
	rawValues = 1
)

// add queues raw and returns its raw_ref (nil for the empty object).
func (w *rawWriter) add(raw []byte) (any, error) {
	if string(raw) == emptyRaw {
		return nil, nil
	}
	if w.n == 0 {
		w.names = w.names[:0]
		err := eachJSONPair(raw, func(name, _ []byte) error {
			w.names = append(w.names, append([]byte(nil), name...))
			return nil
		})
		if err != nil {
			w.names = w.names[:0]
		}
	}
	w.row = append(w.row[:0], rawValues)
	i := 0
	err := eachJSONPair(raw, func(name, value []byte) error {
		if i >= len(w.names) || string(name) != string(w.names[i]) {
			return errNotCompact
		}
		i++
		w.row = binary.AppendUvarint(w.row, uint64(len(value)))
		w.row = append(w.row, value...)
		return nil
	})
	if err != nil || i != len(w.names) || len(w.names) == 0 {
		w.row = append(w.row[:0], rawJSON)
		w.row = append(w.row, raw...)
	}
	ref := w.next<<rawRowBits | int64(w.n)
	w.buf = binary.AppendUvarint(w.buf, uint64(len(w.row)))
	w.buf = append(w.buf, w.row...)
	w.n++
	if w.n == rawBlockRows {
		return ref, w.seal()
	}
	return ref, nil
}

// seal closes the block being filled, if it holds a row, and starts the
// next one. compress compresses it.
func (w *rawWriter) seal() error {
	if w.n == 0 {
		return nil
	}
	size := len(w.buf) + 1
	for _, n := range w.names {
		size += len(n) + 2
	}
	b := binary.AppendUvarint(make([]byte, 0, size), uint64(len(w.names)))
	for _, n := range w.names {
		b = binary.AppendUvarint(b, uint64(len(n)))
		b = append(b, n...)
	}
	w.full = append(w.full, rawBlock{block: w.next, data: append(b, w.buf...)})
	w.next++
	w.buf, w.n = w.buf[:0], 0
	return nil
}

// compress compresses the sealed blocks. It touches nothing add and seal
// do, so it may run while the next rows are queued: AddVersions runs it
// while the versions are inserted, which keeps zstd off the critical path
// of a load.
func (w *rawWriter) compress(full []rawBlock) error {
	enc, err := zstdEncoder()
	if err != nil {
		return fmt.Errorf("raw block: %w", err)
	}
	for i := range full {
		full[i].data = enc.EncodeAll(full[i].data, make([]byte, 0, len(full[i].data)/3))
	}
	return nil
}

// write compresses the sealed blocks and stores them in t, as run's.
func (w *rawWriter) write(ctx context.Context, t *tx, run int64) error {
	if err := w.compress(w.full); err != nil {
		return err
	}
	return w.store(ctx, t, run)
}

// store stores the sealed blocks, compressed, in t, as run's.
func (w *rawWriter) store(ctx context.Context, t *tx, run int64) error {
	for _, b := range w.full {
		if _, err := t.exec(ctx, `INSERT INTO raw_blocks (run_id, block, data) VALUES (?, ?, ?)`, run, b.block, b.data); err != nil {
			return fmt.Errorf("raw block %d: %w", b.block, err)
		}
	}
	w.full = w.full[:0]
	return nil
}

// rawJoin joins a version v's raw block, whose data rawOf reads.
const rawJoin = ` LEFT JOIN raw_blocks rb ON rb.run_id = v.run_id AND rb.block = v.raw_ref / 65536 `

// rawBlocks holds the blocks decompressed by one read, by run and block.
type rawBlocks map[[2]int64][]byte

// rawOf returns the raw row that ref (a raw_ref) of run names in data, its
// block as stored (read with rawJoin), decompressing each block once.
func (bs rawBlocks) rawOf(run int64, ref sql.NullInt64, data []byte) ([]byte, error) {
	if !ref.Valid {
		return []byte(emptyRaw), nil
	}
	block, row := ref.Int64>>rawRowBits, int(ref.Int64&(1<<rawRowBits-1))
	k := [2]int64{run, block}
	b, ok := bs[k]
	if !ok {
		if data == nil {
			return nil, fmt.Errorf("raw block %d of run %d: missing", block, run)
		}
		dec, err := zstdDecoder()
		if err == nil {
			b, err = dec.DecodeAll(data, nil)
		}
		if err != nil {
			return nil, fmt.Errorf("raw block %d of run %d: %w", block, run, err)
		}
		bs[k] = b
	}
	raw, err := rawRow(b, row)
	if err != nil {
		return nil, fmt.Errorf("raw row %d of run %d block %d: %w", row, run, block, err)
	}
	return raw, nil
}

// rawRow returns row i of a decompressed block as JSON.
func rawRow(b []byte, i int) ([]byte, error) {
	errShort := errors.New("block cut short")
	next := func() ([]byte, error) {
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < l {
			return nil, errShort
		}
		f := b[n : n+int(l)]
		b = b[n+int(l):]
		return f, nil
	}
	count, n := binary.Uvarint(b)
	if n <= 0 || count > uint64(len(b)) {
		return nil, errShort
	}
	b = b[n:]
	names := make([][]byte, count)
	for k := range names {
		var err error
		if names[k], err = next(); err != nil {
			return nil, err
		}
	}
	for ; i > 0; i-- {
		if _, err := next(); err != nil {
			return nil, err
		}
	}
	row, err := next()
	if err != nil || len(row) == 0 {
		return nil, errShort
	}
	if row[0] == rawJSON {
		return row[1:], nil
	}
	b = row[1:]
	out := make([]byte, 0, 2*len(row)+2)
	out = append(out, '{')
	for k, name := range names {
		v, err := next()
		if err != nil {
			return nil, err
		}
		if k > 0 {
			out = append(out, ',')
		}
		out = append(out, '"')
		out = append(out, name...)
		out = append(out, '"', ':', '"')
		out = append(out, v...)
		out = append(out, '"')
	}
	return append(out, '}'), nil
}
