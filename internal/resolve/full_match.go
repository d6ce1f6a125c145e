package resolve

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// previous is where a full run's records were before it: record i
// belonged to entity ids[of[i]], or to none when of[i] < 0. Each entity id
// is held once, not once per record.
type previous struct {
	of  []int32
	ids []string
}

// previous reads the stored entity of each of refs, which MUST be in the
// store's key order, as ChangedSince from run 0 gives them: the two lists
// are merged in one pass, without a map of every record.
func (r *resolver) previous(ctx context.Context, refs []store.RecordRef) (previous, error) {
	if !slices.IsSortedFunc(refs, store.CompareRefs) {
		return previous{}, fmt.Errorf("%s records read out of key order", r.kind)
	}
	p := previous{of: make([]int32, len(refs))}
	for i := range p.of {
		p.of[i] = -1
	}
	index := map[string]int32{}
	j := 0
	err := r.st.KindMembership(ctx, r.kind, func(ref store.RecordRef, entity string) error {
		for j < len(refs) && store.CompareRefs(refs[j], ref) < 0 {
			j++
		}
		if j == len(refs) || refs[j] != ref {
			return nil // a record no longer live
		}
		k, ok := index[entity]
		if !ok {
			k = int32(len(p.ids))
			index[entity] = k
			p.ids = append(p.ids, entity)
		}
		p.of[j] = k
		j++
		return nil
	})
	return p, err
}

// clusterOrder lists the records cluster by cluster (entity gives each
// record's root): clusters in order of their first record, then larger
// ones first; records in order within a cluster. Cluster c is
// recs[bounds[c]:bounds[c+1]].
func clusterOrder(entity []int32) (recs, bounds []int32) {
	size := make([]int32, len(entity))
	var roots []int32
	for _, root := range entity {
		if size[root] == 0 {
			roots = append(roots, root)
		}
		size[root]++
	}
	slices.SortStableFunc(roots, func(a, b int32) int { return cmp.Compare(size[b], size[a]) })
	// size becomes each root's next place in recs.
	bounds = make([]int32, 0, len(roots)+1)
	at := int32(0)
	for _, root := range roots {
		bounds = append(bounds, at)
		at, size[root] = at+size[root], at
	}
	bounds = append(bounds, at)
	recs = make([]int32, len(entity))
	for i, root := range entity {
		recs[size[root]] = int32(i)
		size[root]++
	}
	return recs, bounds
}

// match maps the clusters of a full run (entity gives each record's root)
// onto the entities the records had before: a cluster keeps the id most
// of its records had (ties to the smaller id), unless a larger cluster
// took it first; otherwise it is a new entity. An old entity no cluster
// kept was merged, when all its records went to one entity, or retired.
// match fills ch's entities, members, merges, retirements and lineage.
func (r *resolver) match(ctx context.Context, ch *store.ResolveChanges, entity []int32, refs []store.RecordRef, prev previous) error {
	now := time.Now()
	kept := make([]bool, len(prev.ids))
	claimed := map[int32]string{} // old entity -> the entity its records went to, "*" for several
	// Members go in the order the records were read, the store's.
	ch.Members = make([]store.Membership, len(refs))
	recs, bounds := clusterOrder(entity)
	var votes []int32
	for c := range len(bounds) - 1 {
		cluster := recs[bounds[c]:bounds[c+1]]
		votes = votes[:0]
		for _, i := range cluster {
			if k := prev.of[i]; k >= 0 {
				votes = append(votes, k)
			}
		}
		slices.Sort(votes)
		best, most := int32(-1), 0
		for lo := 0; lo < len(votes); {
			hi := lo + 1
			for hi < len(votes) && votes[hi] == votes[lo] {
				hi++
			}
			k, v := votes[lo], hi-lo
			if !kept[k] && (best < 0 || v > most || v == most && prev.ids[k] < prev.ids[best]) {
				best, most = k, v
			}
			lo = hi
		}
		var id string
		if best >= 0 {
			id = prev.ids[best]
			kept[best] = true
		} else {
			var err error
			if id, err = r.newID(ctx); err != nil {
				return err
			}
			ch.NewEntities = append(ch.NewEntities, id)
			ch.Lineage = append(ch.Lineage, store.LineageEvent{At: now, Action: "create", EntityID: id, Ref: &refs[cluster[0]], Reason: reasonFull})
			r.sum.Created++
		}
		for _, i := range cluster {
			ch.Members[i] = store.Membership{RecordRef: refs[i], EntityID: id}
			k := prev.of[i]
			if k < 0 || k == best {
				continue
			}
			e := prev.ids[k]
			ch.Lineage = append(ch.Lineage, store.LineageEvent{At: now, Action: "attach", EntityID: id, OtherID: e, Ref: &refs[i], Reason: reasonFullMoved + e})
			if into, seen := claimed[k]; !seen {
				claimed[k] = id
			} else if into != id {
				claimed[k] = "*"
			}
			r.sum.Attached++
		}
	}
	byID := make([]int32, len(prev.ids))
	for k := range byID {
		byID[k] = int32(k)
	}
	slices.SortFunc(byID, func(a, b int32) int { return strings.Compare(prev.ids[a], prev.ids[b]) })
	for _, k := range byID {
		if kept[k] {
			continue
		}
		e := prev.ids[k]
		if into := claimed[k]; into != "" && into != "*" {
			ch.Merges = append(ch.Merges, store.Merge{From: e, Into: into})
			ch.Lineage = append(ch.Lineage, store.LineageEvent{At: now, Action: "merge", EntityID: e, OtherID: into, Reason: reasonFullJoined + into})
			r.sum.Merged++
			continue
		}
		ch.Retired = append(ch.Retired, e)
		ch.Lineage = append(ch.Lineage, store.LineageEvent{At: now, Action: "retire", EntityID: e, Reason: reasonFullSpread})
	}
	return nil
}
