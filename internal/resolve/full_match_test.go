package resolve

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store"
)

func TestClusterOrder(t *testing.T) {
	tests := []struct {
		name         string
		entity       []int32
		recs, bounds []int32
	}{
		{"none", nil, []int32{}, []int32{0}},
		{"singletons in order", []int32{0, 1, 2}, []int32{0, 1, 2}, []int32{0, 1, 2, 3}},
		// Sizes 2, 3, 1: the three first, then the two, then the one.
		{"larger first, ties by first record", []int32{0, 1, 0, 1, 4, 1}, []int32{1, 3, 5, 0, 2, 4}, []int32{0, 3, 5, 6}},
		{"root not its first record", []int32{2, 2, 2, 3}, []int32{0, 1, 2, 3}, []int32{0, 3, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, bounds := clusterOrder(tt.entity)
			if diff := cmp.Diff(tt.recs, recs); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.bounds, bounds); diff != "" {
				t.Errorf("bounds (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMatch maps a full run's clusters onto the entities before it: a tie
// goes to the smaller id, a larger cluster chooses first, an entity whose
// records all went to one entity is merged into it, one spread over
// several is retired.
func TestMatch(t *testing.T) {
	var refs []store.RecordRef
	for i := range 14 {
		refs = append(refs, store.RecordRef{SourceID: 1, RecordID: fmt.Sprintf("r%02d", i)})
	}
	ids := []string{"P1", "P2", "P3", "P4", "P5", "P6", "P7"}
	none := int32(-1)
	prev := previous{ids: ids, of: []int32{0, 0, 1, 1, 2, 2, none, 3, 4, 4, 5, 5, 6, 6}}
	// Clusters choose largest first: records 0-3, then 8, 12, 13, then
	// 9-11, then 5-6, then 4 and 7.
	entity := []int32{
		0, 0, 0, 0, // P1 ×2 and P2 ×2: P1, the smaller; P2's records move
		4,    // P3, which the larger cluster 5-6 took: a new entity
		5, 5, // P3 and a record with no entity: P3
		7,       // P4
		8,       // P5, with 12 and 13 (P7 ×2): P7
		9, 9, 9, // P5 and P6 ×2: P6; P5's records went two ways: retired
		8, 8,
	}
	r := &resolver{kind: "person", next: 100}
	var ch store.ResolveChanges
	if err := r.match(context.Background(), &ch, entity, refs, prev); err != nil {
		t.Fatal(err)
	}
	fresh := fmt.Sprintf("P%0*d", store.EntityDigits, 100)
	want := []string{"P1", "P1", "P1", "P1", fresh, "P3", "P3", "P4", "P7", "P6", "P6", "P6", "P7", "P7"}
	var got []string
	for i, m := range ch.Members {
		if m.RecordRef != refs[i] {
			t.Fatalf("member %d is record %v, want %v", i, m.RecordRef, refs[i])
		}
		got = append(got, m.EntityID)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{fresh}, ch.NewEntities); diff != "" {
		t.Errorf("new entities (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]store.Merge{{From: "P2", Into: "P1"}}, ch.Merges); diff != "" {
		t.Errorf("merges (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"P5"}, ch.Retired); diff != "" {
		t.Errorf("retired (-want +got):\n%s", diff)
	}
	var actions []string
	for _, e := range ch.Lineage {
		actions = append(actions, e.Action+" "+e.EntityID+" "+e.OtherID)
	}
	wantActions := []string{
		"attach P1 P2", "attach P1 P2",
		"attach P7 P5", "attach P6 P5",
		"create " + fresh + " ", "attach " + fresh + " P3",
		"merge P2 P1", "retire P5 ",
	}
	if diff := cmp.Diff(wantActions, actions); diff != "" {
		t.Errorf("lineage (-want +got):\n%s", diff)
	}
	if r.sum.Created != 1 || r.sum.Attached != 5 || r.sum.Merged != 1 {
		t.Errorf("counts %+v, want 1 created, 5 attached, 1 merged", r.sum)
	}
}
