package store

import (
	"context"
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
// compress a little better and cost more to read one row from: 256 rows
// are ~100 KB before compression, read in about 0.1 ms.
const rawBlockRows = 256

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

// rawWriter gathers one run's raw rows into blocks.
type rawWriter struct {
	next int64  // number of the block being filled
	buf  []byte // its rows, each a uvarint length and the bytes
	n    int    // rows in buf
	full []rawBlock
}

// add queues raw and returns its raw_ref (nil for the empty object).
func (w *rawWriter) add(raw []byte) (any, error) {
	if string(raw) == emptyRaw {
		return nil, nil
	}
	ref := w.next<<rawRowBits | int64(w.n)
	w.buf = binary.AppendUvarint(w.buf, uint64(len(raw)))
	w.buf = append(w.buf, raw...)
	w.n++
	if w.n == rawBlockRows {
		return ref, w.seal()
	}
	return ref, nil
}

// seal compresses the block being filled, if it holds a row, and starts
// the next one.
func (w *rawWriter) seal() error {
	if w.n == 0 {
		return nil
	}
	enc, err := zstdEncoder()
	if err != nil {
		return fmt.Errorf("raw block: %w", err)
	}
	w.full = append(w.full, rawBlock{block: w.next, data: enc.EncodeAll(w.buf, nil)})
	w.next++
	w.buf, w.n = w.buf[:0], 0
	return nil
}

// write stores the sealed blocks of run in t.
func (w *rawWriter) write(ctx context.Context, t *tx, run int64) error {
	for _, b := range w.full {
		if _, err := t.exec(ctx, `INSERT INTO raw_blocks (run_id, block, data) VALUES (?, ?, ?)`, run, b.block, b.data); err != nil {
			return fmt.Errorf("raw block %d: %w", b.block, err)
		}
	}
	w.full = w.full[:0]
	return nil
}

// rawRows reads the raw rows that refs (raw_ref values, nil for none) of
// run name, decompressing each block once, in the order of refs.
func rawRows(ctx context.Context, q queryer, d dialect, runs []int64, refs []*int64) ([][]byte, error) {
	type key struct{ run, block int64 }
	blocks := map[key][]byte{}
	out := make([][]byte, len(refs))
	for i, ref := range refs {
		if ref == nil {
			out[i] = []byte(emptyRaw)
			continue
		}
		k := key{runs[i], *ref >> rawRowBits}
		b, ok := blocks[k]
		if !ok {
			var err error
			if b, err = readRawBlock(ctx, q, d, k.run, k.block); err != nil {
				return nil, err
			}
			blocks[k] = b
		}
		row, err := rawRow(b, int(*ref&(1<<rawRowBits-1)))
		if err != nil {
			return nil, fmt.Errorf("raw row %d of run %d block %d: %w", *ref&(1<<rawRowBits-1), k.run, k.block, err)
		}
		out[i] = row
	}
	return out, nil
}

// readRawBlock reads and decompresses one block.
func readRawBlock(ctx context.Context, q queryer, d dialect, run, block int64) ([]byte, error) {
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT data FROM raw_blocks WHERE run_id = ? AND block = ?`), run, block)
	if err != nil {
		return nil, fmt.Errorf("raw block %d of run %d: %w", block, run, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("raw block %d of run %d: %w", block, run, err)
		}
		return nil, fmt.Errorf("raw block %d of run %d: missing", block, run)
	}
	var data []byte
	if err := rows.Scan(&data); err != nil {
		return nil, fmt.Errorf("raw block %d of run %d: %w", block, run, err)
	}
	dec, err := zstdDecoder()
	if err != nil {
		return nil, fmt.Errorf("raw block %d of run %d: %w", block, run, err)
	}
	out, err := dec.DecodeAll(data, nil)
	if err != nil {
		return nil, fmt.Errorf("raw block %d of run %d: %w", block, run, err)
	}
	return out, nil
}

// rawRow returns row i of a decompressed block.
func rawRow(b []byte, i int) ([]byte, error) {
	for {
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < l {
			return nil, errors.New("block cut short")
		}
		if i == 0 {
			return b[n : n+int(l)], nil
		}
		b = b[n+int(l):]
		i--
	}
}
