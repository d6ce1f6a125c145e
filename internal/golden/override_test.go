package golden

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store"
)

func TestOverrides(t *testing.T) {
	accepted := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	fix := func(src int64, record, attr, value string) store.Override {
		return store.Override{CorrectionID: "r-1", SourceID: src, RecordID: record, Attr: attr, Value: value, Version: 2,
			RunID: 20, AcceptedAt: accepted, Status: store.OverrideActive}
	}
	register := func(version int, run int64, lastName string) store.LiveRecord {
		return store.LiveRecord{RecordRef: store.RecordRef{RecordID: "R1"}, Version: version, RunID: run, EntityID: "P1",
			Attrs: map[string]string{"last_name": lastName, "first_name": "Айгүл"}}
	}
	for _, tc := range []struct {
		name     string
		register store.LiveRecord
		fix      store.Override
		// want: the golden last and full name, the correction the last
		// name comes from, and the retirements.
		last, full, from string
		retiring         []store.OverrideRetirement
	}{
		{name: "the agency's extract still holds the old value", register: register(3, 30, "Есимва"),
			fix: fix(1, "R1", "last_name", "Есімова"), last: "Есімова", full: "Есімова Айгүл", from: "r-1"},
		{name: "the version the acceptance stored is not the agency's", register: register(2, 20, "Есімова"),
			fix: fix(1, "R1", "last_name", "Есімова"), last: "Есімова", full: "Есімова Айгүл", from: "r-1"},
		{name: "a spelling that folds to the same name is not the value", register: register(3, 30, "Есимова"),
			fix: fix(1, "R1", "last_name", "Есімова"), last: "Есімова", full: "Есімова Айгүл", from: "r-1"},
		{name: "the agency's data agrees", register: register(3, 30, "Есімова"),
			fix: fix(1, "R1", "last_name", "Есімова"), last: "Есімова", full: "Есімова Айгүл",
			retiring: []store.OverrideRetirement{{CorrectionID: "r-1", RunID: 30, Version: 3}}},
		{name: "a correction beats a more trusted source", register: register(3, 30, "Есимва"),
			fix: fix(2, "C1", "full_name", "Есімова Айгүл"), last: "Есімова", full: "Есімова Айгүл", from: "r-1"},
		{name: "a deleted record's correction applies to nothing", register: register(3, 30, "Есимва"),
			fix: fix(1, "R9", "last_name", "Есімова"), last: "Есимва", full: "Есимва Айгүл"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pop := src(1, "population_register", "moj", "person", 90, tc.register)
			health := src(2, "health_cards", "moh", "person", 40, store.LiveRecord{RecordRef: store.RecordRef{RecordID: "C1"},
				Version: 1, RunID: 10, EntityID: "P1", Attrs: map[string]string{"full_name": "ЕСИМВА АЙГҮЛ"}})
			ov := &overrideSet{bySource: map[int64][]store.Override{tc.fix.SourceID: {tc.fix}}, correctionRuns: map[int64]bool{20: true}}
			d := newDataset(newer, []*Source{pop, health}, ov)
			e := d.Entities["P1"]
			last, _ := e.Value("last_name")
			full, _ := e.Value("full_name")
			if last.Value != tc.last || full.Value != tc.full || last.Correction != tc.from || full.Correction != tc.from {
				t.Errorf("last name %+v, full name %+v; want %q, %q from correction %q", last, full, tc.last, tc.full, tc.from)
			}
			if d := cmp.Diff(tc.retiring, d.Retiring()); d != "" {
				t.Errorf("retiring (-want +got):\n%s", d)
			}
			if tc.from != "" {
				// The correction's provenance: the record it corrects, the
				// version the acceptance stored, when it was accepted.
				if last.Source != map[int64]string{1: "population_register", 2: "health_cards"}[tc.fix.SourceID] ||
					last.RecordID != tc.fix.RecordID || last.Version != 2 || !last.Observed.Equal(accepted) {
					t.Errorf("provenance %+v", last)
				}
				// What the agency still says shows as a conflict, when it is
				// another name.
				reg := tc.register.Attrs["last_name"]
				if cs := e.Conflicts["last_name"]; compareKey("last_name", reg) != compareKey("last_name", tc.last) &&
					(len(cs) < 2 || cs[0].Correction != "r-1" ||
						!slices.ContainsFunc(cs, func(v Value) bool { return v.Value == reg })) {
					t.Errorf("conflicts %+v", cs)
				}
				// The stored form keeps the provenance.
				doc := e.Doc()
				b, err := doc.Encode()
				if err != nil {
					t.Fatal(err)
				}
				back, err := DecodeDoc(b)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(doc.Values, back.Values); d != "" {
					t.Errorf("decoded values (-want +got):\n%s", d)
				}
			}
		})
	}
}
