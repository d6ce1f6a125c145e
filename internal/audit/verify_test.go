package audit

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// tamperLog is a log of 600 records with stored checkpoints at 300 and
// 600, as an intruder would find it.
type tamperLog struct {
	signer note.Signer
	v      note.Verifier
	early  []byte // the checkpoint at 300, as a citizen's receipt keeps it
}

func mustTamperLog(t *testing.T, st *store.Store) tamperLog {
	t.Helper()
	ctx := context.Background()
	s, v := mustKey(t, testOrigin)
	l, err := Open(ctx, st, s, Options{Origin: testOrigin, MaxBatch: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(ctx, testRecords(0, 300)...); err != nil {
		t.Fatal(err)
	}
	early, err := l.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(ctx, testRecords(300, 300)...); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return tamperLog{signer: s, v: v, early: early}
}

// rewriteLog rewrites the whole stored log consistently, as an insider
// would: edit changes the records it wants, and every leaf, tree node and
// checkpoint is recomputed and signed again with signer.
func rewriteLog(t *testing.T, st *store.Store, signer note.Signer, edit func(*Record) bool) {
	t.Helper()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := storetest.Exec(t, st, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	var leaves [][]byte
	err := st.EachAuditRecord(ctx, func(e store.AuditEntry) error {
		r := Record(*e.Record)
		if edit(&r) {
			exec(`UPDATE audit_records SET purpose = ?, member = ? WHERE idx = ?`, r.Purpose, r.Member, int64(r.Index))
			c := r.Commitment()
			exec(`UPDATE audit_leaves SET leaf = ? WHERE idx = ?`, c, int64(r.Index))
			e.Leaf = c
		}
		leaves = append(leaves, e.Leaf)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cps, err := st.AuditCheckpoints(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	exec(`DELETE FROM audit_nodes`)
	rng := factory.NewEmptyRange(0)
	for i, leaf := range leaves {
		err := rng.Append(rfc6962.DefaultHasher.HashLeaf(leaf), func(id compact.NodeID, h []byte) {
			if id.Level > 0 && id.Level%tileHeight == 0 {
				exec(`INSERT INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)`, int64(id.Level), int64(id.Index), h)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cps {
			if c.Size == uint64(i+1) {
				root := rootOf(rng)
				msg, err := signCheckpoint(signer, testOrigin, c.Size, root)
				if err != nil {
					t.Fatal(err)
				}
				exec(`UPDATE audit_checkpoints SET root = ?, note = ? WHERE size = ?`, root, string(msg), int64(c.Size))
			}
		}
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	type want struct {
		kind  string
		index uint64
	}
	tests := []struct {
		name    string
		tamper  func(t *testing.T, st *store.Store, tl tamperLog)
		trusted bool // pass the checkpoint at 300 as trusted
		want    []want
		// absent kinds must not be reported: the report names the right
		// problem, not every problem.
		absent []string
	}{
		{
			name: "untouched",
			want: nil,
		},
		{
			name:    "untouched with trusted checkpoint",
			trusted: true,
			want:    nil,
		},
		{
			name: "edit a record's purpose",
			tamper: func(t *testing.T, st *store.Store, _ tamperLog) {
				mustExec(t, st, `UPDATE audit_records SET purpose = 'marketing' WHERE idx = 42`)
			},
			want:   []want{{ProblemEdited, 42}},
			absent: []string{ProblemRewritten, ProblemReordered},
		},
		{
			name: "delete a record",
			tamper: func(t *testing.T, st *store.Store, _ tamperLog) {
				mustExec(t, st, `DELETE FROM audit_records WHERE idx = 100`)
			},
			want:   []want{{ProblemDeleted, 100}},
			absent: []string{ProblemRewritten, ProblemEdited},
		},
		{
			name: "delete a record and its leaf",
			tamper: func(t *testing.T, st *store.Store, _ tamperLog) {
				mustExec(t, st, `DELETE FROM audit_records WHERE idx = 50`)
				mustExec(t, st, `DELETE FROM audit_leaves WHERE idx = 50`)
			},
			want: []want{{ProblemDeleted, 50}},
		},
		{
			name: "truncate the log",
			tamper: func(t *testing.T, st *store.Store, _ tamperLog) {
				mustExec(t, st, `DELETE FROM audit_records WHERE idx >= 590`)
				mustExec(t, st, `DELETE FROM audit_leaves WHERE idx >= 590`)
			},
			want: []want{{ProblemDeleted, 600}},
		},
		{
			name: "swap two records' indices",
			tamper: func(t *testing.T, st *store.Store, _ tamperLog) {
				mustExec(t, st, `UPDATE audit_records SET idx = -1 WHERE idx = 10`)
				mustExec(t, st, `UPDATE audit_records SET idx = 10 WHERE idx = 20`)
				mustExec(t, st, `UPDATE audit_records SET idx = 20 WHERE idx = -1`)
			},
			want:   []want{{ProblemReordered, 10}, {ProblemReordered, 20}},
			absent: []string{ProblemEdited, ProblemRewritten},
		},
		{
			name: "move a record to a fresh index",
			tamper: func(t *testing.T, st *store.Store, _ tamperLog) {
				mustExec(t, st, `UPDATE audit_records SET idx = 700 WHERE idx = 5`)
			},
			want:   []want{{ProblemDeleted, 5}, {ProblemReordered, 700}},
			absent: []string{ProblemInserted, ProblemRewritten},
		},
		{
			name: "insert a record that was never logged",
			tamper: func(t *testing.T, st *store.Store, _ tamperLog) {
				mustExec(t, st, `INSERT INTO audit_records (idx, at, member, subsystem, auth, user_id, service, subject, fields,
					purpose, legal_basis, request_id, decision, status, reason, salt)
					SELECT 600, at, member, subsystem, auth, user_id, service, subject, fields, purpose, legal_basis,
						'forged', decision, status, reason, salt FROM audit_records WHERE idx = 0`)
			},
			want:   []want{{ProblemInserted, 600}},
			absent: []string{ProblemRewritten, ProblemDeleted},
		},
		{
			name: "rewrite a leaf and recompute nothing",
			tamper: func(t *testing.T, st *store.Store, _ tamperLog) {
				mustExec(t, st, `UPDATE audit_leaves SET leaf = ? WHERE idx = 7`, bytes.Repeat([]byte{0xab}, 32))
			},
			want: []want{{ProblemEdited, 7}, {ProblemRewritten, 0}, {ProblemRewritten, 300}, {ProblemRewritten, 600}},
		},
		{
			name: "rewrite the whole log with another key",
			tamper: func(t *testing.T, st *store.Store, _ tamperLog) {
				other, _ := mustKey(t, testOrigin)
				rewriteLog(t, st, other, func(r *Record) bool {
					if r.Index != 42 {
						return false
					}
					r.Purpose = "marketing"
					return true
				})
			},
			want:   []want{{ProblemBadSignature, 300}, {ProblemBadSignature, 600}},
			absent: []string{ProblemEdited, ProblemRewritten},
		},
		{
			name: "rewrite the whole log with the key, caught by a trusted checkpoint",
			tamper: func(t *testing.T, st *store.Store, tl tamperLog) {
				rewriteLog(t, st, tl.signer, func(r *Record) bool {
					if r.Index != 42 {
						return false
					}
					r.Member = "GOV-X"
					return true
				})
			},
			trusted: true,
			want:    []want{{ProblemInconsistent, 300}},
			absent:  []string{ProblemEdited, ProblemRewritten, ProblemBadSignature},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				tl := mustTamperLog(t, st)
				if tt.tamper != nil {
					tt.tamper(t, st, tl)
				}
				var trusted [][]byte
				if tt.trusted {
					trusted = [][]byte{tl.early}
				}
				rep, err := Verify(context.Background(), st, tl.v, trusted, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("problems:\n%s", describe(rep))
				if len(tt.want) == 0 {
					if !rep.OK() {
						t.Fatalf("problems in an untouched log: %+v", rep.Problems)
					}
					if rep.Records != 600 || rep.Checkpoints < 2 || rep.Root == nil {
						t.Fatalf("report: %+v", rep)
					}
					return
				}
				if rep.OK() {
					t.Fatal("tampering went unnoticed")
				}
				for _, w := range tt.want {
					found := false
					for _, p := range rep.Problems {
						if p.Kind == w.kind && p.Index == w.index {
							found = true
						}
					}
					if !found {
						t.Errorf("no %s problem at %d; got:\n%s", w.kind, w.index, describe(rep))
					}
				}
				for _, p := range rep.Problems {
					if w, ok := unfinished(p.Detail); ok {
						t.Errorf("%s problem at %d stops mid-sentence on %q: %s", p.Kind, p.Index, w, p.Detail)
					}
					for _, a := range tt.absent {
						if p.Kind == a {
							t.Errorf("unexpected %s problem: %+v\nall:\n%s", a, p, describe(rep))
						}
					}
				}
			})
		})
	}
}

func TestVerifyRejectsForgedTrustedCheckpoint(t *testing.T) {
	st := storetest.SQLite(t)
	tl := mustTamperLog(t, st)
	other, _ := mustKey(t, testOrigin)
	forged, err := signCheckpoint(other, testOrigin, 300, bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	honestButWrong, err := signCheckpoint(tl.signer, testOrigin, 300, bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(context.Background(), st, tl.v, [][]byte{forged, honestButWrong, []byte("junk")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, p := range rep.Problems {
		kinds[p.Kind]++
	}
	if kinds[ProblemBadSignature] != 2 || kinds[ProblemInconsistent] != 1 || len(rep.Problems) != 3 {
		t.Fatalf("problems:\n%s", describe(rep))
	}
}

func TestVerifyListsAtMostMaxListed(t *testing.T) {
	st := storetest.SQLite(t)
	tl := mustTamperLog(t, st)
	mustExec(t, st, `UPDATE audit_records SET purpose = 'marketing' WHERE idx < 250`)
	rep, err := Verify(context.Background(), st, tl.v, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != maxListed || rep.Unlisted != 150 || rep.Problems[0].Index != 0 || rep.Problems[99].Index != 99 {
		t.Fatalf("listed %d (first %d), unlisted %d", len(rep.Problems), rep.Problems[0].Index, rep.Unlisted)
	}
}

func describe(rep *Report) string {
	var b strings.Builder
	for _, p := range rep.Problems {
		fmt.Fprintf(&b, "  %s %d: %s\n", p.Kind, p.Index, p.Detail)
	}
	return b.String()
}

func mustExec(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := storetest.Exec(t, st, q, args...); err != nil {
		t.Fatal(err)
	}
}

// unfinished reports a detail that ends on a word no English sentence ends
// on, as a message cut short does ("…, or the leaf was").
func unfinished(detail string) (string, bool) {
	words := strings.Fields(detail)
	if len(words) == 0 {
		return "", true
	}
	last := strings.ToLower(strings.TrimRight(words[len(words)-1], ".,;:"))
	switch last {
	case "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "from", "with",
		"is", "are", "was", "were", "be", "been", "its", "their", "no", "not", "than", "that", "which":
		return last, true
	}
	return "", false
}
