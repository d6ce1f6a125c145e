package audit

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

const testOrigin = "ortaq.test/audit"

// mustKey makes a fresh note key pair.
func mustKey(tb testing.TB, name string) (note.Signer, note.Verifier) {
	tb.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		tb.Fatal(err)
	}
	return s, v
}

// mustOpen opens the log on st and closes it when the test ends.
func mustOpen(tb testing.TB, st *store.Store, s note.Signer, opts Options) *Log {
	tb.Helper()
	if opts.Origin == "" {
		opts.Origin = testOrigin
	}
	l, err := Open(context.Background(), st, s, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}

// testRecord is a plausible exchange decision, different for every i.
func testRecord(i int) Record {
	dec, status := Allowed, 200
	if i%7 == 3 {
		dec, status = Refused, 403
	}
	return Record{
		Member:     "GOV-" + fmt.Sprint(i%5),
		Subsystem:  "registry",
		Auth:       fmt.Sprintf("cert:%04X", i%97),
		User:       fmt.Sprintf("officer%d", i%13),
		Service:    "person-lookup",
		Subject:    fmt.Sprintf("9001%08d", i%1000),
		Fields:     []string{"last_name", "first_name", "birth_date"}[:1+i%3],
		Purpose:    "benefit-eligibility",
		LegalBasis: "law-2020-art-5",
		RequestID:  fmt.Sprintf("req-%d", i),
		Decision:   dec,
		Status:     status,
		Reason:     map[bool]string{true: "no access right", false: ""}[dec == Refused],
	}
}

func testRecords(from, n int) []Record {
	out := make([]Record, n)
	for i := range out {
		out[i] = testRecord(from + i)
	}
	return out
}

func TestAppendConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, v := mustKey(t, testOrigin)
		l := mustOpen(t, st, s, Options{CheckpointInterval: 20 * time.Millisecond, MaxBatch: 64})
		const goroutines, each = 16, 40
		var (
			mu  sync.Mutex
			got []uint64
			wg  sync.WaitGroup
		)
		errs := make(chan error, goroutines)
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					// Mix single records and small groups, as handlers would.
					recs := testRecords(g*each+i, 1+i%3)
					out, err := l.Append(ctx, recs...)
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					for k, r := range out {
						got = append(got, r.Index)
						if len(r.Salt) != saltSize || r.Time.IsZero() || r.RequestID != recs[k].RequestID {
							t.Errorf("record %d: salt %x, time %v, request %q", r.Index, r.Salt, r.Time, r.RequestID)
						}
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		slices.Sort(got)
		for i, idx := range got {
			if idx != uint64(i) {
				t.Fatalf("indices not dense and unique: position %d holds %d", i, idx)
			}
		}
		if l.Size() != uint64(len(got)) {
			t.Fatalf("Size = %d, appended %d", l.Size(), len(got))
		}
		cp, err := l.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, size, _, err := openCheckpoint(cp, v); err != nil || size != uint64(len(got)) {
			t.Fatalf("checkpoint size %d, %v; want %d", size, err, len(got))
		}
		rep, err := Verify(ctx, st, v, [][]byte{cp}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.Records != uint64(len(got)) {
			t.Fatalf("verify: %+v", rep)
		}
	})
}

func TestRestartContinues(t *testing.T) {
	// Tens of thousands of leaves: slow under the race detector, so it
	// shares the time with the other large tests.
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, v := mustKey(t, testOrigin)
		var cps [][]byte
		// Sizes cross tile boundaries at both levels, so that the restart
		// rebuilds the range from stored nodes and partial leaves.
		for _, n := range []int{1, 254, 1, 300, 65536 - 556, 5} {
			l, err := Open(ctx, st, s, Options{Origin: testOrigin, MaxBatch: 4096})
			if err != nil {
				t.Fatal(err)
			}
			before := l.Size()
			recs, err := l.Append(ctx, testRecords(int(before), n)...)
			if err != nil {
				t.Fatal(err)
			}
			if recs[0].Index != before {
				t.Fatalf("after restart at %d, first index %d", before, recs[0].Index)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			state, err := st.AuditState(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if state.Checkpoint == nil || state.Checkpoint.Size != before+uint64(n) {
				t.Fatalf("after Close: checkpoint %+v, want size %d", state.Checkpoint, before+uint64(n))
			}
			cps = append(cps, state.Checkpoint.Note)
		}
		rep, err := Verify(ctx, st, v, cps, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			t.Fatalf("verify: %+v", rep.Problems)
		}
	})
}

func TestOpenRefusesAlteredLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, _ := mustKey(t, testOrigin)
		l, err := Open(ctx, st, s, Options{Origin: testOrigin})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Append(ctx, testRecords(0, 10)...); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := storetest.Exec(t, st, `UPDATE audit_leaves SET leaf = ? WHERE idx = 9`, bytes.Repeat([]byte{7}, 32)); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(ctx, st, s, Options{Origin: testOrigin}); err == nil {
			t.Fatal("Open accepted a log whose last leaf was rewritten")
		}
	})
}

func TestReceiptProves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, v := mustKey(t, testOrigin)
		l := mustOpen(t, st, s, Options{MaxBatch: 8192})
		recs, err := l.Append(ctx, testRecords(0, 600)...)
		if err != nil {
			t.Fatal(err)
		}
		for _, idx := range []uint64{0, 1, 254, 255, 256, 257, 511, 599} {
			rc, err := l.Receipt(ctx, idx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(recs[idx], rc.Record, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("receipt %d record (-appended +receipt):\n%s", idx, diff)
			}
			n, err := note.Open([]byte(rc.Checkpoint), note.VerifierList(v))
			if err != nil {
				t.Fatalf("receipt %d checkpoint: %v", idx, err)
			}
			_, size, root, err := parseCheckpoint(n.Text)
			if err != nil || size != rc.TreeSize {
				t.Fatalf("receipt %d: checkpoint size %d (%v), tree size %d", idx, size, err, rc.TreeSize)
			}
			c := rc.Record.Commitment()
			if !bytes.Equal(c, rc.Commitment) || !bytes.Equal(rfc6962.DefaultHasher.HashLeaf(c), rc.LeafHash) {
				t.Fatalf("receipt %d: commitment or leaf hash does not match the record", idx)
			}
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, idx, rc.TreeSize, rc.LeafHash, rc.Proof, root); err != nil {
				t.Errorf("receipt %d: %v", idx, err)
			}
		}
		if _, err := l.Receipt(ctx, 600); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Receipt(600) = %v, want ErrNotFound", err)
		}
	})
}

func TestHistoryNewestFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, _ := mustKey(t, testOrigin)
		l := mustOpen(t, st, s, Options{})
		// testRecord cycles subjects every 1000; 2500 records give three
		// entries for subject 0.
		if _, err := l.Append(ctx, testRecords(0, 2500)...); err != nil {
			t.Fatal(err)
		}
		got, err := l.History(ctx, testRecord(0).Subject, 10)
		if err != nil {
			t.Fatal(err)
		}
		var idx []uint64
		for _, r := range got {
			idx = append(idx, r.Index)
		}
		if diff := cmp.Diff([]uint64{2000, 1000, 0}, idx); diff != "" {
			t.Fatalf("history indices (-want +got):\n%s", diff)
		}
		if got, _ := l.History(ctx, testRecord(0).Subject, 2); len(got) != 2 {
			t.Fatalf("limit 2 gave %d", len(got))
		}
	})
}

func TestIdleCheckpointWithinInterval(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	s, _ := mustKey(t, testOrigin)
	l := mustOpen(t, st, s, Options{CheckpointInterval: 50 * time.Millisecond})
	// Two quick appends: the second commits within the interval of the
	// first's checkpoint, so only the timer can cover it.
	for i := range 2 {
		if _, err := l.Append(ctx, testRecord(i)); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for l.latest().size < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no checkpoint of size 2 after 2s; latest is %d", l.latest().size)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFailedCommitRollsBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, v := mustKey(t, testOrigin)
		l := mustOpen(t, st, s, Options{})
		if _, err := l.Append(ctx, testRecords(0, 5)...); err != nil {
			t.Fatal(err)
		}
		// A row squatting on the next index makes the next batch fail.
		if _, err := storetest.Exec(t, st, `INSERT INTO audit_leaves (idx, leaf) VALUES (5, ?)`, make([]byte, 32)); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Append(ctx, testRecords(5, 3)...); err == nil {
			t.Fatal("append over a squatted index succeeded")
		}
		if l.Size() != 5 {
			t.Fatalf("size after failed commit = %d, want 5", l.Size())
		}
		if _, err := storetest.Exec(t, st, `DELETE FROM audit_leaves WHERE idx = 5`); err != nil {
			t.Fatal(err)
		}
		out, err := l.Append(ctx, testRecords(5, 3)...)
		if err != nil {
			t.Fatal(err)
		}
		if out[0].Index != 5 {
			t.Fatalf("after rollback, first index %d, want 5", out[0].Index)
		}
		cp, err := l.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Verify(ctx, st, v, [][]byte{cp}, nil)
		if err != nil || !rep.OK() {
			t.Fatalf("verify: %v %+v", err, rep)
		}
	})
}

func TestAppendRefusesBadInput(t *testing.T) {
	st := storetest.SQLite(t)
	s, _ := mustKey(t, testOrigin)
	l := mustOpen(t, st, s, Options{})
	ctx := context.Background()
	for _, r := range []Record{
		{Member: "a\x00b"},
		{Purpose: string([]byte{0xff, 0xfe})},
		{Fields: []string{"ok", "\x00"}},
		{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{Kind: "official-reed"},
		{Kind: KindOfficialRead, Case: "a\x00"},
	} {
		if _, err := l.Append(ctx, r); err == nil {
			t.Errorf("Append(%+v) succeeded", r)
		}
	}
	if l.Size() != 0 {
		t.Fatalf("size %d after refused appends", l.Size())
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(ctx, testRecord(0)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Append after Close = %v, want ErrClosed", err)
	}
}

// TestReceiptVerify checks that Verify accepts a true receipt and names
// each way a receipt can be doctored.
func TestReceiptVerify(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	s, v := mustKey(t, testOrigin)
	_, other := mustKey(t, testOrigin)
	l := mustOpen(t, st, s, Options{})
	if _, err := l.Append(ctx, testRecords(0, 300)...); err != nil {
		t.Fatal(err)
	}
	good, err := l.Receipt(ctx, 257)
	if err != nil {
		t.Fatal(err)
	}
	if err := good.Verify(v); err != nil {
		t.Fatalf("a true receipt does not verify: %v", err)
	}
	for _, tc := range []struct {
		name   string
		edit   func(r *Receipt)
		key    note.Verifier
		reason string
	}{
		{"record edited", func(r *Receipt) { r.Record.Member = "someone-else" }, v, "does not open"},
		{"index moved", func(r *Receipt) { r.Record.Index = 258 }, v, "does not match"},
		{"leaf hash swapped", func(r *Receipt) { r.LeafHash = append([]byte{r.LeafHash[0] ^ 1}, r.LeafHash[1:]...) }, v, "leaf hash"},
		{"proof cut", func(r *Receipt) { r.Proof = r.Proof[1:] }, v, "receipt 257"},
		{"tree size changed", func(r *Receipt) { r.TreeSize++ }, v, "checkpoint is of"},
		{"checkpoint of another key", func(*Receipt) {}, other, "checkpoint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := good
			r.Proof = slices.Clone(good.Proof)
			tc.edit(&r)
			err := r.Verify(tc.key)
			if err == nil || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("Verify = %v, want an error about %q", err, tc.reason)
			}
		})
	}
}

// TestReceiptJSONFields checks that a record refused before any field was
// chosen (an unknown service) is served with "fields": [], as the API's
// schema promises, and that a receipt handed out before with "fields":
// null still verifies, as does the stored log: the change is on the way
// out only.
func TestReceiptJSONFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, v := mustKey(t, testOrigin)
		l := mustOpen(t, st, s, Options{})
		rec := testRecord(0)
		rec.Service, rec.Fields, rec.Decision, rec.Status, rec.Reason = "no-such", nil, Refused, 404, "unknown_service: no service"
		if _, err := l.Append(ctx, testRecord(1), rec); err != nil {
			t.Fatal(err)
		}
		rc, err := l.Receipt(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(rc)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(`"fields":[]`)) {
			t.Fatalf("receipt JSON does not carry \"fields\":[]:\n%s", b)
		}
		for name, doc := range map[string][]byte{
			"served now":    b,
			"served before": bytes.Replace(b, []byte(`"fields":[]`), []byte(`"fields":null`), 1),
		} {
			var got Receipt
			if err := json.Unmarshal(doc, &got); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if err := got.Verify(v); err != nil {
				t.Errorf("%s: receipt does not verify: %v", name, err)
			}
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		rep, err := Verify(ctx, st, v, [][]byte{[]byte(rc.Checkpoint)}, nil)
		if err != nil || !rep.OK() {
			t.Fatalf("Verify = %+v, %v", rep, err)
		}
	})
}
