package audit

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// officialRead is an official's read of the person testRecord(i) names.
func officialRead(i int, kind string) Record {
	r := testRecord(i)
	r.Subsystem, r.Service, r.Fields, r.LegalBasis = "console", "entity", nil, ""
	r.Kind, r.Role, r.Case = kind, "data_officer", "MOH-2026-0042"
	return r
}

// TestKindsRoundTrip appends exchange decisions and officials' and
// systems' reads to one log and reads them back through every reader (the
// record, a person's history, receipts, Verify) on both databases: kind,
// role and case survive, version-2 receipts verify, and a changed kind,
// role or case is caught as an edit.
func TestKindsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s, v := mustKey(t, testOrigin)
		l := mustOpen(t, st, s, Options{})
		in := []Record{testRecord(0), officialRead(0, KindOfficialRead), officialRead(0, KindBreakGlass), testRecord(1000),
			testRecord(2000)}
		in[3].Kind = KindSystemRead
		in[4].Kind, in[4].Service, in[4].Case, in[4].Decision, in[4].Reason = KindMerchant, "wallet.purchase", "M123456789012",
			Refused, "code_invalid"
		out, err := l.Append(ctx, in...)
		if err != nil {
			t.Fatal(err)
		}
		hist, err := l.History(ctx, in[0].Subject, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != len(in) {
			t.Fatalf("history holds %d records, want %d", len(hist), len(in))
		}
		for i, want := range out {
			if diff := cmp.Diff(want, hist[len(hist)-1-i]); diff != "" {
				t.Errorf("history record %d (-appended +read):\n%s", i, diff)
			}
			rc, err := l.Receipt(ctx, want.Index)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, rc.Record); diff != "" {
				t.Errorf("receipt record %d (-appended +read):\n%s", i, diff)
			}
			// As its holder would: through JSON, with the key alone.
			b, err := json.Marshal(rc)
			if err != nil {
				t.Fatal(err)
			}
			var back Receipt
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if err := back.Verify(v); err != nil {
				t.Errorf("receipt %d (kind %q) does not verify: %v", i, want.Kind, err)
			}
			if back.Record.ByOfficial() != (i == 1 || i == 2) {
				t.Errorf("record %d (kind %q): ByOfficial = %v", i, want.Kind, back.Record.ByOfficial())
			}
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		rep, err := Verify(ctx, st, v, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			t.Fatalf("Verify of an untouched log:\n%s", describe(rep))
		}

		// An insider relabels the exchange decision as an official's read,
		// clears a break-glass flag, and edits a stated case.
		mustExec(t, st, `UPDATE audit_records SET kind = 'official-read', role = 'auditor' WHERE idx = 0`)
		mustExec(t, st, `UPDATE audit_records SET kind = 'official-read' WHERE idx = 2`)
		mustExec(t, st, `UPDATE audit_records SET case_ref = 'MOH-2026-0001' WHERE idx = 1`)
		rep, err = Verify(ctx, st, v, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []uint64
		for _, p := range rep.Problems {
			if p.Kind != ProblemEdited {
				t.Errorf("unexpected problem %s at %d: %s", p.Kind, p.Index, p.Detail)
			}
			got = append(got, p.Index)
		}
		if diff := cmp.Diff([]uint64{0, 1, 2}, got); diff != "" {
			t.Fatalf("edited records (-want +got):\n%s\n%s", diff, describe(rep))
		}
	})
}
