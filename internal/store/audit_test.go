package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

func auditRow(i uint64) (store.AuditRecord, []byte) {
	r := store.AuditRecord{
		Index: i, Time: time.Date(2026, 1, 2, 3, 4, 5, int(i)*1000, time.UTC), Member: "M", Subsystem: "S",
		Auth: "key:1", User: "u", Service: "svc", Subject: fmt.Sprintf("s%d", i%3), Fields: []string{"a", "b"},
		Purpose: "p", LegalBasis: "l", RequestID: fmt.Sprint(i), Decision: "allowed", Status: 200, Salt: []byte{byte(i)},
	}
	// Every fifth row is an official's read, whose kind, role and case the
	// store must keep as well.
	if i%5 == 0 {
		r.Kind, r.Role, r.Case = "official-read", "data_officer", fmt.Sprintf("case/%d", i)
	}
	return r, bytes.Repeat([]byte{byte(i)}, 32)
}

func TestAuditWriterAndReaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w, err := st.AuditWriter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		// Enough rows to cross EachAuditRecord's chunks.
		const n = 8192 + 100
		b := &store.AuditBatch{Checkpoint: &store.AuditCheckpoint{Size: n, Root: make([]byte, 32), Note: []byte("note"), Time: time.Now()}}
		for i := range uint64(n) {
			r, leaf := auditRow(i)
			b.Records = append(b.Records, r)
			b.Leaves = append(b.Leaves, leaf)
		}
		b.Nodes = []store.AuditNode{{Level: 8, Index: 0, Hash: []byte("h0")}, {Level: 8, Index: 1, Hash: []byte("h1")}}
		if err := w.Commit(ctx, b); err != nil {
			t.Fatal(err)
		}
		// A batch that fails half-way leaves nothing behind.
		r, leaf := auditRow(n)
		bad := &store.AuditBatch{Records: []store.AuditRecord{r, r}, Leaves: [][]byte{leaf, leaf}}
		if err := w.Commit(ctx, bad); err == nil {
			t.Fatal("a batch with a duplicate index committed")
		}
		state, err := st.AuditState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if state.Size != n || state.Checkpoint == nil || state.Checkpoint.Size != n {
			t.Fatalf("state %+v", state)
		}
		// The writer still works after a failed commit.
		if err := w.Commit(ctx, &store.AuditBatch{Records: []store.AuditRecord{r}, Leaves: [][]byte{leaf}}); err != nil {
			t.Fatal(err)
		}

		got, gotLeaf, err := st.AuditRecord(ctx, 5)
		want, wantLeaf := auditRow(5)
		if err != nil || !bytes.Equal(gotLeaf, wantLeaf) {
			t.Fatalf("store.AuditRecord(5): %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("store.AuditRecord(5) (-want +got):\n%s", diff)
		}
		if _, _, err := st.AuditRecord(ctx, 1<<40); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("store.AuditRecord(unknown) = %v", err)
		}
		hist, err := st.AuditBySubject(ctx, "s1", 3)
		if err != nil || len(hist) != 3 || hist[0].Index <= hist[1].Index || hist[0].Subject != "s1" {
			t.Fatalf("AuditBySubject: %v %+v", err, hist)
		}
		for _, h := range hist {
			want, _ := auditRow(h.Index)
			if diff := cmp.Diff(want, h); diff != "" {
				t.Errorf("AuditBySubject row %d (-want +got):\n%s", h.Index, diff)
			}
		}
		leaves, err := st.AuditLeaves(ctx, 10, 5)
		if err != nil || len(leaves) != 5 || leaves[0][0] != 10 {
			t.Fatalf("AuditLeaves: %v %d", err, len(leaves))
		}
		nodes, err := st.AuditNodes(ctx, 8, 1, 5)
		if err != nil || len(nodes) != 1 || string(nodes[0]) != "h1" {
			t.Fatalf("AuditNodes: %v %q", err, nodes)
		}
		cps, err := st.AuditCheckpoints(ctx, 0, 10)
		if err != nil || len(cps) != 1 || string(cps[0].Note) != "note" {
			t.Fatalf("AuditCheckpoints: %v %+v", err, cps)
		}

		// Holes on either side: a record without its leaf, a leaf without
		// its record, and nothing at all at one index.
		for _, q := range []string{`DELETE FROM audit_leaves WHERE idx = 3`, `DELETE FROM audit_records WHERE idx = 4`,
			`DELETE FROM audit_records WHERE idx = 6`, `DELETE FROM audit_leaves WHERE idx = 6`} {
			if _, err := storetest.Exec(t, st, q); err != nil {
				t.Fatal(err)
			}
		}
		var idx []uint64
		seen := 0
		err = st.EachAuditRecord(ctx, func(e store.AuditEntry) error {
			if e.Index < 8 {
				idx = append(idx, e.Index)
				switch {
				case e.Index == 5 && (e.Record == nil || e.Record.Kind != "official-read" || e.Record.Case != "case/5"):
					t.Errorf("entry 5 lost its kind or case: %+v", e.Record)
				case e.Index == 3 && (e.Leaf != nil || e.Record == nil),
					e.Index == 4 && (e.Leaf == nil || e.Record != nil),
					e.Index != 3 && e.Index != 4 && (e.Leaf == nil || e.Record == nil || e.Record.Index != e.Index):
					t.Errorf("entry %d: leaf %x record %v", e.Index, e.Leaf, e.Record)
				}
			}
			seen++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]uint64{0, 1, 2, 3, 4, 5, 7}, idx); diff != "" || seen != n {
			t.Fatalf("EachAuditRecord saw %d; first indices (-want +got):\n%s", seen, diff)
		}
		stop := errors.New("stop")
		if err := st.EachAuditRecord(ctx, func(store.AuditEntry) error { return stop }); !errors.Is(err, stop) {
			t.Fatalf("EachAuditRecord did not return fn's error: %v", err)
		}
	})
}

// FuzzAuditFields stores arbitrary text in a record's fields column and
// reads it back: the store's own reader of that JSON list must agree with
// encoding/json on everything json accepts, and refuse nothing it wrote.
func FuzzAuditFields(f *testing.F) {
	for _, s := range []string{`[]`, `["a"]`, `["a","b"]`, `["a\"b"]`, `["a","b\\"]`, `["a" ,"b"]`, `["","x"]`,
		`["é","\u00e9"]`, `[""]`, `["a"]]`, `["a","b]`, `["a\u0000"]`, "[\"\n\"]"} {
		f.Add(s)
	}
	ctx := context.Background()
	st := storetest.SQLite(f)
	w, err := st.AuditWriter(ctx)
	if err != nil {
		f.Fatal(err)
	}
	r, leaf := auditRow(0)
	err = w.Commit(ctx, &store.AuditBatch{Records: []store.AuditRecord{r}, Leaves: [][]byte{leaf}})
	w.Close()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := storetest.Exec(t, st, `UPDATE audit_records SET fields = ? WHERE idx = 0`, s); err != nil {
			t.Skip(err)
		}
		got, _, err := st.AuditRecord(ctx, 0)
		var want []string
		if jerr := json.Unmarshal([]byte(s), &want); jerr != nil {
			if err == nil && len(got.Fields) > 0 {
				// Accepting what json refuses is only fair when it is the
				// list json itself would write.
				enc, _ := json.Marshal(got.Fields)
				if string(enc) != s {
					t.Fatalf("fields %q read as %q, json refuses it: %v", s, got.Fields, jerr)
				}
			}
			return
		}
		if err != nil {
			t.Fatalf("fields %q: %v; json reads %q", s, err, want)
		}
		if diff := cmp.Diff(want, got.Fields, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("fields %q (-json +store):\n%s", s, diff)
		}
	})
}
