package audit

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strings"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"github.com/transparency-dev/tessera/api/layout"

	"github.com/ortaq/ortaq/internal/store"
)

// tilePath is a parsed C2SP tlog-tiles resource path.
type tilePath struct {
	entries bool   // an entry bundle rather than a hash tile
	level   uint64 // tile level of a hash tile: tree level level*8
	index   uint64
	width   uint8 // 0 for a full tile, else the partial tile's width
}

// maxTileLevel is the highest tile level a tree of 2^64 leaves has.
const maxTileLevel = 63 / tileHeight

// parseTilePath reads "tile/<L>/<N>[.p/<W>]" or
// "tile/entries/<N>[.p/<W>]". Only the canonical spelling of a path is
// accepted, so that one resource has one URL (and one cache entry).
func parseTilePath(p string) (tilePath, error) {
	rest, ok := strings.CutPrefix(p, "tile/")
	if !ok {
		return tilePath{}, fmt.Errorf("tile path %q: not under tile/", p)
	}
	var tp tilePath
	if idx, ok := strings.CutPrefix(rest, "entries/"); ok {
		i, w, err := layout.ParseTileIndexPartial(idx)
		if err != nil {
			return tilePath{}, fmt.Errorf("tile path %q: %w", p, err)
		}
		tp = tilePath{entries: true, index: i, width: w}
		if layout.EntriesPath(i, w) != p {
			return tilePath{}, fmt.Errorf("tile path %q: not canonical", p)
		}
		return tp, nil
	}
	lvl, idx, ok := strings.Cut(rest, "/")
	if !ok {
		return tilePath{}, fmt.Errorf("tile path %q: no index", p)
	}
	l, i, w, err := layout.ParseTileLevelIndexPartial(lvl, idx)
	if err != nil {
		return tilePath{}, fmt.Errorf("tile path %q: %w", p, err)
	}
	if l > maxTileLevel {
		return tilePath{}, fmt.Errorf("tile path %q: level %d above %d", p, l, maxTileLevel)
	}
	if layout.TilePath(l, i, w) != p {
		return tilePath{}, fmt.Errorf("tile path %q: not canonical", p)
	}
	return tilePath{level: l, index: i, width: w}, nil
}

// errNoTile means a tile or bundle is not (yet) covered by the checkpoint.
var errNoTile = errors.New("no such tile")

// Handler serves the log in the C2SP tlog-tiles layout, relative to its
// root: "checkpoint", "tile/<L>/<N>[.p/<W>]" and
// "tile/entries/<N>[.p/<W>]". Tiles and bundles are served only as far as
// the latest checkpoint reaches (404 beyond), so that what a client fetches
// always matches a checkpoint it can get. A full tile never changes and is
// cached for a year; the first W hashes of a tile never change either, so
// a partial tile is cached as long.
func (l *Log) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := strings.TrimPrefix(r.URL.Path, "/")
		cp := l.latest()
		if p == layout.CheckpointPath {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Write(cp.note)
			return
		}
		tp, err := parseTilePath(p)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		body, err := l.tile(r.Context(), tp, cp.size)
		switch {
		case errors.Is(err, errNoTile):
			http.NotFound(w, r)
			return
		case err != nil:
			slog.ErrorContext(r.Context(), "audit tile", "path", p, "err", err)
			http.Error(w, "cannot read the audit log", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Write(body)
	})
}

// tile returns a hash tile or entry bundle of the tree of size leaves.
func (l *Log) tile(ctx context.Context, tp tilePath, size uint64) ([]byte, error) {
	width := uint64(tp.width)
	if width == 0 {
		width = tileWidth
	}
	if tp.index > (math.MaxUint64-width)/tileWidth {
		return nil, errNoTile
	}
	first := tp.index * tileWidth
	if first+width > size>>(tileHeight*tp.level) {
		return nil, errNoTile
	}
	if tp.entries {
		leaves, err := l.st.AuditLeaves(ctx, first, width)
		if err != nil {
			return nil, err
		}
		if uint64(len(leaves)) != width {
			return nil, fmt.Errorf("entry bundle %d: %d of %d leaves stored", tp.index, len(leaves), width)
		}
		// An entry bundle is each entry as a 2-byte big-endian length and
		// its bytes.
		out := make([]byte, 0, int(width)*(2+32))
		for _, e := range leaves {
			out = binary.BigEndian.AppendUint16(out, uint16(len(e)))
			out = append(out, e...)
		}
		return out, nil
	}
	row, err := readRow(ctx, l.st, tp.level, first, width)
	if err != nil {
		return nil, err
	}
	return slices.Concat(row...), nil
}

// nodeReader reads the nodes of the tree of a given size from the stored
// tiles, a tile at a time: a node at a level that is not a multiple of 8
// is hashed from the stored level below it, within one tile.
type nodeReader struct {
	st   *store.Store
	size uint64
	rows map[[2]uint64][][]byte
}

func newNodeReader(st *store.Store, size uint64) *nodeReader {
	return &nodeReader{st: st, size: size, rows: make(map[[2]uint64][][]byte)}
}

// node returns the hash of the perfect subtree id, which must lie within
// the tree.
func (nr *nodeReader) node(ctx context.Context, id compact.NodeID) ([]byte, error) {
	level := uint64(id.Level)
	t, span := level/tileHeight, level%tileHeight
	first := id.Index << span
	n := uint64(1) << span
	tile, off := first/tileWidth, first%tileWidth
	key := [2]uint64{t, tile}
	row, ok := nr.rows[key]
	if !ok {
		w := uint64(layout.PartialTileSize(t, tile, nr.size))
		if w == 0 {
			w = tileWidth
		}
		var err error
		if row, err = readRow(ctx, nr.st, t, tile*tileWidth, w); err != nil {
			return nil, err
		}
		nr.rows[key] = row
	}
	if off+n > uint64(len(row)) {
		return nil, fmt.Errorf("node %d/%d: outside the tree of size %d", id.Level, id.Index, nr.size)
	}
	hs := slices.Clone(row[off : off+n])
	for len(hs) > 1 {
		for i := 0; i < len(hs)/2; i++ {
			hs[i] = rfc6962.DefaultHasher.HashChildren(hs[2*i], hs[2*i+1])
		}
		hs = hs[:len(hs)/2]
	}
	return hs[0], nil
}

// inclusionProof returns the RFC 6962 inclusion proof of leaf index in the
// tree of size leaves.
func (nr *nodeReader) inclusionProof(ctx context.Context, index uint64) ([][]byte, error) {
	nodes, err := proof.Inclusion(index, nr.size)
	if err != nil {
		return nil, err
	}
	return nr.fetch(ctx, nodes)
}

// consistencyProof returns the RFC 6962 consistency proof between the tree
// of size smaller and this one.
func (nr *nodeReader) consistencyProof(ctx context.Context, smaller uint64) ([][]byte, error) {
	nodes, err := proof.Consistency(smaller, nr.size)
	if err != nil {
		return nil, err
	}
	return nr.fetch(ctx, nodes)
}

func (nr *nodeReader) fetch(ctx context.Context, nodes proof.Nodes) ([][]byte, error) {
	hashes := make([][]byte, 0, len(nodes.IDs))
	for _, id := range nodes.IDs {
		h, err := nr.node(ctx, id)
		if err != nil {
			return nil, err
		}
		hashes = append(hashes, h)
	}
	return nodes.Rehash(hashes, rfc6962.DefaultHasher.HashChildren)
}
