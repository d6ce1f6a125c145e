package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// memNamer numbers attribute names in memory, as attrWriter does in a
// transaction.
type memNamer struct{ dict attrDict }

func (m *memNamer) position(_ context.Context, name []byte) (int, error) {
	for i, r := range m.dict.raw {
		if r == string(name) {
			return i, nil
		}
	}
	u, err := unquote(name)
	if err != nil {
		return 0, err
	}
	m.dict.raw = append(m.dict.raw, string(name))
	m.dict.names = append(m.dict.names, u)
	return len(m.dict.raw) - 1, nil
}

// storeWith is a store whose source 1 has the names of n.
func storeWith(n *memNamer) *Store {
	s := &Store{}
	s.dicts.m = map[int64]*attrDict{1: &n.dict}
	return s
}

var attrCases = []struct {
	name    string
	json    string
	compact bool
}{
	{"empty", `{}`, true},
	{"one", `{"family_name":"Ахметов"}`, true},
	{"several", `{"national_id":"880123333077","full_name":"Ерғалиев Ерлан","period":"2024-11"}`, true},
	{"escapes", `{"employer":"ТОО \"Сұңқар\" \\ \u00e9\n","x":""}`, true},
	{"repeated name", `{"a":"1","a":"2"}`, true},
	{"whitespace", `{ "a": "1" }`, false},
	{"number", `{"a":1}`, false},
	{"null", `{"a":null}`, false},
	{"nested", `{"a":{"b":"c"}}`, false},
	{"trailing", `{"a":"1"}x`, false},
	{"not an object", `[]`, false},
}

func TestAttrsRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, c := range attrCases {
		t.Run(c.name, func(t *testing.T) {
			n := &memNamer{}
			b, err := encodeAttrs(ctx, nil, []byte(c.json), n)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(b) > 0 && b[0] == attrsCompact; got != c.compact {
				t.Errorf("compact = %v; want %v (stored %q)", got, c.compact, b)
			}
			if c.compact && len(b) >= len(c.json) && c.json != `{}` {
				t.Errorf("compact form %d bytes, JSON %d", len(b), len(c.json))
			}
			s := storeWith(n)
			js, err := s.decodeAttrsJSON(ctx, 1, b)
			if err != nil || string(js) != c.json {
				t.Errorf("decodeAttrsJSON = %s, %v; want %s", js, err, c.json)
			}
			var want map[string]string
			wantErr := json.Unmarshal([]byte(c.json), &want)
			got := map[string]string{"stale": "x"}
			err = s.decodeAttrsMap(ctx, 1, b, got)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("decodeAttrsMap error %v; json.Unmarshal's %v", err, wantErr)
			}
			if wantErr == nil && fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("decodeAttrsMap = %v; want %v", got, want)
			}
		})
	}
}

func TestRawBlocksRoundTrip(t *testing.T) {
	rows := []string{
		`{"ID":"1","FIO":"Ахметов","BD":"1990-01-02"}`,
		`{"ID":"2","FIO":"O\"Brien \\","BD":""}`,
		`{"ID":"3","FIO":"x"}`,             // other columns
		`{"ID":"4","BD":"1990","FIO":"y"}`, // other order
		`{"ID":5,"FIO":"n","BD":"1990"}`,   // not all strings
		``,                                 // as some callers store
		`{"ID":"6","FIO":"z","BD":"2000"}`,
	}
	for _, first := range []int{0, 2, 5} {
		t.Run(fmt.Sprint("first ", first), func(t *testing.T) {
			w := &rawWriter{}
			var refs []int64
			in := append(append([]string{}, rows[first:]...), rows[:first]...)
			for i := range rawBlockRows + 3 {
				ref, err := w.add([]byte(in[i%len(in)]))
				if err != nil {
					t.Fatal(err)
				}
				refs = append(refs, ref.(int64))
			}
			if ref, _ := w.add([]byte(emptyRaw)); ref != nil {
				t.Errorf("ref of {} = %v; want nil", ref)
			}
			if err := w.seal(); err != nil {
				t.Fatal(err)
			}
			if err := w.compress(w.full); err != nil {
				t.Fatal(err)
			}
			if len(w.full) != 2 {
				t.Fatalf("%d blocks; want 2", len(w.full))
			}
			dec, err := zstdDecoder()
			if err != nil {
				t.Fatal(err)
			}
			for i, ref := range refs {
				data, err := dec.DecodeAll(w.full[ref>>rawRowBits].data, nil)
				if err != nil {
					t.Fatal(err)
				}
				got, err := rawRow(data, int(ref&(1<<rawRowBits-1)))
				if want := in[i%len(in)]; err != nil || !bytes.Equal(got, []byte(want)) {
					t.Fatalf("row %d = %s, %v; want %s", i, got, err, want)
				}
			}
		})
	}
}

// FuzzAttrs: whatever JSON a caller hands the store comes back byte for
// byte, and decoding never panics on a stored value.
func FuzzAttrs(f *testing.F) {
	for _, c := range attrCases {
		f.Add([]byte(c.json))
	}
	f.Fuzz(func(t *testing.T, js []byte) {
		ctx := context.Background()
		n := &memNamer{}
		b, err := encodeAttrs(ctx, nil, js, n)
		if err != nil {
			return // a name that does not unquote
		}
		s := storeWith(n)
		got, err := s.decodeAttrsJSON(ctx, 1, b)
		if err != nil || !bytes.Equal(got, js) {
			t.Fatalf("decodeAttrsJSON(%q) = %q, %v", js, got, err)
		}
		_ = s.decodeAttrsMap(ctx, 1, b, map[string]string{})
		// Any bytes as a stored value, when the names it uses exist (else
		// the store would read them from its database).
		if len(js) == 0 {
			return
		}
		if high, err := maxPos(js[1:]); err != nil || high < len(n.dict.names) {
			_ = s.decodeAttrsMap(ctx, 1, js[1:], map[string]string{})
		}
	})
}

// FuzzRawRow: reading a row of any block fails or returns, never panics.
func FuzzRawRow(f *testing.F) {
	w := &rawWriter{}
	for _, r := range []string{`{"a":"1","b":"2"}`, `{"a":"3","b":""}`, `x`} {
		if _, err := w.add([]byte(r)); err != nil {
			f.Fatal(err)
		}
	}
	f.Add(append(append([]byte{2, 1, 'a', 1, 'b'}, w.buf...), 0), 1)
	f.Fuzz(func(t *testing.T, b []byte, i int) {
		if i < 0 || i > 1000 {
			return
		}
		_, _ = rawRow(b, i)
	})
}
