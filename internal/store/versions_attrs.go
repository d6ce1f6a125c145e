package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
)

// How record_versions keeps a version's attributes. Callers hand the store
// and get back a JSON object of strings ({"family_name":"Ахметов",…}); the
// store keeps the same object without its names: a format byte, then for
// each attribute the uvarint position of its name in the source's list of
// attribute names (table attr_names), the uvarint length of its value and
// the value as it was written between the JSON quotes, escapes included.
// A health card's attributes shrink from ~320 bytes to ~230, and the JSON
// comes back byte for byte. An object the compact form cannot hold exactly
// (whitespace, a value that is not a string) is kept as its JSON text,
// which never starts with the format byte, a control character.

// attrsCompact is the format byte of the compact form.
const attrsCompact = 0x01

// errNotCompact says a JSON object is not in the one form the compact
// encoding reproduces byte for byte.
var errNotCompact = errors.New("attrs not in compact form")

// jsonString returns the bytes between the quotes of the JSON string that
// starts at b[i] (a '"'), escapes kept, and the index after its closing
// quote.
func jsonString(b []byte, i int) (s []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return b[i+1 : j], j + 1, true
		}
	}
	return nil, 0, false
}

// eachJSONPair calls fn with the raw name and value of each member of a
// JSON object written as {"name":"value",…} with no whitespace, in order.
// Anything else is errNotCompact.
func eachJSONPair(b []byte, fn func(name, value []byte) error) error {
	if len(b) < 2 || b[0] != '{' {
		return errNotCompact
	}
	if len(b) == 2 && b[1] == '}' {
		return nil
	}
	i := 1
	for {
		name, j, ok := jsonString(b, i)
		if !ok || j >= len(b) || b[j] != ':' {
			return errNotCompact
		}
		value, k, ok := jsonString(b, j+1)
		if !ok || k >= len(b) {
			return errNotCompact
		}
		if err := fn(name, value); err != nil {
			return err
		}
		switch {
		case b[k] == '}' && k == len(b)-1:
			return nil
		case b[k] == ',':
			i = k + 1
		default:
			return errNotCompact
		}
	}
}

// attrNamer gives the position of an attribute name in a source's list,
// adding the name if it is new.
type attrNamer interface {
	position(ctx context.Context, name []byte) (int, error)
}

// encodeAttrs appends the stored form of a JSON attributes object to dst.
func encodeAttrs(ctx context.Context, dst, js []byte, names attrNamer) ([]byte, error) {
	start := len(dst)
	dst = append(dst, attrsCompact)
	err := eachJSONPair(js, func(name, value []byte) error {
		pos, err := names.position(ctx, name)
		if err != nil {
			return err
		}
		dst = binary.AppendUvarint(dst, uint64(pos))
		dst = binary.AppendUvarint(dst, uint64(len(value)))
		dst = append(dst, value...)
		return nil
	})
	if errors.Is(err, errNotCompact) {
		if len(js) > 0 && js[0] == attrsCompact {
			return nil, errors.New("attrs: not JSON")
		}
		return append(dst[:start], js...), nil
	}
	return dst, err
}

// eachStoredAttr calls fn with each attribute of a compact stored form: its
// name's position and its raw (escaped) value.
func eachStoredAttr(b []byte, fn func(pos int, value []byte) error) error {
	if len(b) == 0 || b[0] != attrsCompact {
		return errors.New("attrs: unknown stored form")
	}
	for i := 1; i < len(b); {
		pos, n := binary.Uvarint(b[i:])
		if n <= 0 {
			return errors.New("attrs: bad name position")
		}
		i += n
		l, n := binary.Uvarint(b[i:])
		if n <= 0 || uint64(len(b)-i-n) < l {
			return errors.New("attrs: bad value length")
		}
		i += n
		if err := fn(int(pos), b[i:i+int(l)]); err != nil {
			return err
		}
		i += int(l)
	}
	return nil
}

// unquote returns the string a raw JSON string body stands for.
func unquote(raw []byte) (string, error) {
	for _, c := range raw {
		if c == '\\' {
			var s string
			err := json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &s)
			return s, err
		}
	}
	return string(raw), nil
}

// attrDict is a source's attribute names by position, as committed.
type attrDict struct {
	raw   []string // as written between JSON quotes
	names []string // what they stand for
}

// attrDicts caches each source's attribute names. Names are only ever
// appended to a source's list, in the transaction of the run that first
// stores them, so a list read from committed rows stays right: a longer
// one replaces it when a version names a position beyond it.
type attrDicts struct {
	mu sync.RWMutex
	m  map[int64]*attrDict
}

// attrDict returns the attribute names of source holding at least
// position need, reading them again if the cached list is shorter.
func (s *Store) attrDict(ctx context.Context, source int64, need int) (*attrDict, error) {
	s.dicts.mu.RLock()
	d := s.dicts.m[source]
	s.dicts.mu.RUnlock()
	if d != nil && need < len(d.names) {
		return d, nil
	}
	d, err := s.cacheAttrDict(ctx, source)
	if err != nil {
		return nil, err
	}
	if need >= len(d.names) {
		return nil, fmt.Errorf("attribute names of source %d: no name at position %d", source, need)
	}
	return d, nil
}

// cacheAttrDict reads the attribute names of source into the cache and
// returns them.
func (s *Store) cacheAttrDict(ctx context.Context, source int64) (*attrDict, error) {
	d, err := loadAttrDict(ctx, s.db, s.dialect, source)
	if err != nil {
		return nil, fmt.Errorf("attribute names of source %d: %w", source, err)
	}
	s.dicts.mu.Lock()
	if s.dicts.m == nil {
		s.dicts.m = map[int64]*attrDict{}
	}
	if old := s.dicts.m[source]; old == nil || len(old.names) < len(d.names) {
		s.dicts.m[source] = d
	}
	s.dicts.mu.Unlock()
	return d, nil
}

func loadAttrDict(ctx context.Context, q queryer, d dialect, source int64) (*attrDict, error) {
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT pos, name FROM attr_names WHERE source_id = ? ORDER BY pos`), source)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	dict := &attrDict{}
	for rows.Next() {
		var (
			pos  int
			name string
		)
		if err := rows.Scan(&pos, &name); err != nil {
			return nil, err
		}
		if pos != len(dict.raw) {
			return nil, fmt.Errorf("attribute name %d missing", len(dict.raw))
		}
		u, err := unquote([]byte(name))
		if err != nil {
			return nil, fmt.Errorf("attribute name %d: %w", pos, err)
		}
		dict.raw = append(dict.raw, name)
		dict.names = append(dict.names, u)
	}
	return dict, rows.Err()
}

// maxPos is the highest name position a stored form uses, or -1.
func maxPos(b []byte) (int, error) {
	high := -1
	err := eachStoredAttr(b, func(pos int, _ []byte) error {
		high = max(high, pos)
		return nil
	})
	return high, err
}

// decodeAttrsMap fills m (cleared first) from a stored attributes value of
// source.
func (s *Store) decodeAttrsMap(ctx context.Context, source int64, b []byte, m map[string]string) error {
	clear(m)
	if len(b) == 0 || b[0] != attrsCompact {
		return json.Unmarshal(b, &m)
	}
	high, err := maxPos(b)
	if err != nil || high < 0 {
		return err
	}
	d, err := s.attrDict(ctx, source, high)
	if err != nil {
		return err
	}
	return eachStoredAttr(b, func(pos int, value []byte) error {
		v, err := unquote(value)
		if err != nil {
			return fmt.Errorf("attrs: %w", err)
		}
		m[d.names[pos]] = v
		return nil
	})
}

// decodeAttrsJSON returns the JSON object a stored attributes value of
// source was made from, byte for byte.
func (s *Store) decodeAttrsJSON(ctx context.Context, source int64, b []byte) ([]byte, error) {
	if len(b) == 0 || b[0] != attrsCompact {
		return b, nil
	}
	high, err := maxPos(b)
	if err != nil {
		return nil, err
	}
	var d *attrDict
	if high >= 0 {
		if d, err = s.attrDict(ctx, source, high); err != nil {
			return nil, err
		}
	}
	out := make([]byte, 0, 2*len(b)+2)
	out = append(out, '{')
	err = eachStoredAttr(b, func(pos int, value []byte) error {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, '"')
		out = append(out, d.raw[pos]...)
		out = append(out, '"', ':', '"')
		out = append(out, value...)
		out = append(out, '"')
		return nil
	})
	return append(out, '}'), err
}

// attrWriter numbers the attribute names of one source inside a write
// transaction, adding new names to attr_names as it meets them. Runs of a
// source are serialised (see Run), so no two writers add to one list.
type attrWriter struct {
	t      *tx
	source int64
	pos    map[string]int
	n      int
}

func newAttrWriter(ctx context.Context, t *tx, source int64) (*attrWriter, error) {
	d, err := loadAttrDict(ctx, t, t.s.dialect, source)
	if err != nil {
		return nil, fmt.Errorf("attribute names of source %d: %w", source, err)
	}
	w := &attrWriter{t: t, source: source, pos: make(map[string]int, len(d.raw)), n: len(d.raw)}
	for i, r := range d.raw {
		w.pos[r] = i
	}
	return w, nil
}

func (w *attrWriter) position(ctx context.Context, name []byte) (int, error) {
	if p, ok := w.pos[string(name)]; ok {
		return p, nil
	}
	p := w.n
	if _, err := w.t.exec(ctx, `INSERT INTO attr_names (source_id, pos, name) VALUES (?, ?, ?)`, w.source, p, string(name)); err != nil {
		return 0, fmt.Errorf("attribute name %q: %w", name, err)
	}
	w.pos[string(name)] = p
	w.n++
	return p, nil
}
