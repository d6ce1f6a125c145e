package resolve

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/store"
)

// incremental links the record versions stored since watermark, a batch
// at a time: a few queries per batch, none per record.
func (r *resolver) incremental(ctx context.Context, watermark int64) error {
	var changed []store.ResolveRecord
	read := progress.New(r.opts.Progress, "read changed "+r.kind+" records", 0)
	maxRun, err := r.st.ChangedSince(ctx, r.kind, watermark, func(rec store.ResolveRecord) error {
		changed = append(changed, rec)
		read.Add(1)
		return nil
	})
	read.Finish()
	slog.Debug("changed records read", "kind", r.kind, "records", len(changed))
	if err != nil || len(changed) == 0 {
		return err
	}
	ix, err := r.cache.keyIndex(ctx, r.kind, r.live, r.opts.Progress)
	if err != nil {
		return err
	}
	size := r.opts.Batch
	if size <= 0 {
		size = 1000
	}
	bar := progress.New(r.opts.Progress, "link and store changed "+r.kind+" records", int64(len(changed)))
	defer bar.Finish()
	for lo := 0; lo < len(changed); lo += size {
		hi := min(lo+size, len(changed))
		mark := watermark
		if hi == len(changed) {
			mark = maxRun
		}
		if err := r.batch(ctx, ix, changed[lo:hi], mark); err != nil {
			return err
		}
		bar.Add(int64(hi - lo))
	}
	return nil
}

// neighbourhood is a batch of changed records together with every stored
// record they might concern: blocking candidates and the members of the
// entities involved.
type neighbourhood struct {
	t      *Table
	refs   []store.RecordRef
	at     map[store.RecordRef]int
	entity []string           // current entity per record, "" when none
	groups map[string][]int32 // entity -> its records present in t
}

// Link one batch of changed records and apply the result. ix finds the
// candidates and is brought up to date with the result.
func (r *resolver) batch(ctx context.Context, ix *keyIndex, recs []store.ResolveRecord, mark int64) error {
	r.sum.Records += len(recs)
	t0 := time.Now()
	defer func() { slog.Debug("linked a batch", "kind", r.kind, "records", len(recs), "elapsed", time.Since(t0)) }()
	nb := &neighbourhood{t: NewTable(r.kind), at: map[store.RecordRef]int{}, groups: map[string][]int32{}}
	var live, gone []store.RecordRef
	for _, rec := range recs {
		if rec.Deleted {
			gone = append(gone, rec.RecordRef)
			continue
		}
		r.add(nb.t, rec)
		nb.at[rec.RecordRef] = len(nb.refs)
		nb.refs = append(nb.refs, rec.RecordRef)
		live = append(live, rec.RecordRef)
	}
	nLive := len(live)
	cs, err := comparisonsNamed(nb.t, r.model)
	if err != nil {
		return err
	}
	rs, err := rulesNamed(nb.t, r.model)
	if err != nil {
		return err
	}

	// Candidates by blocking key, and the entities of everyone involved.
	// The changed records' keys, both to find candidates and to store.
	recKeys := recordKeys(nb.t, rs, nb.refs, 0, nLive)
	var keys []uint64
	for _, rk := range recKeys {
		keys = append(keys, rk.Keys...)
	}
	cands := ix.lookup(keys)
	slog.Debug("candidates by key", "records", len(cands), "elapsed", time.Since(t0))
	involved := append(append(slices.Clone(live), gone...), cands...)
	member, err := r.st.Membership(ctx, involved)
	if err != nil {
		return err
	}
	if err := r.load(ctx, nb, cands, nil); err != nil {
		return err
	}
	if cs, err = comparisonsNamed(nb.t, r.model); err != nil {
		return err
	}

	// Only the entities a changed record links to (or belonged to, or a
	// deleted record leaves) are read whole, for the cohesion rule; the
	// other candidates' entities do not matter.
	minWeight := logit2(r.opts.withDefaults().Threshold)
	probe := newScorer(nb.t, cs, r.model)
	byKey := blockIndex(nb.t, rs)
	need := map[string]bool{}
	for _, ref := range append(slices.Clone(live), gone...) {
		if e, ok := member[ref]; ok {
			need[e] = true
		}
	}
	for b := range nLive {
		for _, o := range blockMates(nb.t, rs, byKey, b) {
			e, ok := member[nb.refs[o]]
			if ok && !need[e] && probe.pairWeight(b, int(o)) >= minWeight {
				need[e] = true
			}
		}
	}
	ents := sortedKeys(need)
	groups, err := r.st.Members(ctx, ents)
	if err != nil {
		return err
	}
	var members []store.RecordRef
	for _, e := range ents {
		members = append(members, groups[e]...)
	}
	if err := r.load(ctx, nb, members, gone); err != nil {
		return err
	}
	slog.Debug("records loaded", "records", len(nb.refs), "entities", len(ents), "elapsed", time.Since(t0))
	if cs, err = comparisonsNamed(nb.t, r.model); err != nil {
		return err
	}
	nb.entity = make([]string, len(nb.refs))
	for i, ref := range nb.refs {
		if e, ok := member[ref]; ok {
			nb.entity[i] = e
		} else if e := entityOfMember(groups, ref); e != "" {
			nb.entity[i] = e
		}
		if nb.entity[i] != "" {
			nb.groups[nb.entity[i]] = append(nb.groups[nb.entity[i]], int32(i))
		}
	}

	s := newScorer(nb.t, cs, r.model)
	s.rules = rs
	// A live record's keys replace its stored ones; a deleted record's go.
	ch := store.ResolveChanges{Kind: r.kind, Mode: "incremental", Watermark: mark, DropKeys: gone}
	ch.Keys = recKeys
	now := time.Now()
	x := &linker{r: r, nb: nb, s: s, ch: &ch, now: now, minWeight: minWeight}

	for _, ref := range gone {
		e, ok := member[ref]
		if !ok {
			continue
		}
		ch.Removed = append(ch.Removed, ref)
		ch.Lineage = append(ch.Lineage, store.LineageEvent{At: now, Action: "detach", EntityID: e, Ref: &ref, Reason: reasonDeleted})
		r.sum.Detached++
		x.retireIfEmpty(e, groups[e], ref)
	}
	byKey = blockIndex(nb.t, rs)
	for b := range nLive {
		if err := x.place(ctx, b, byKey); err != nil {
			return err
		}
	}
	ch.Counts = r.counts()
	slog.Debug("placed", "elapsed", time.Since(t0))
	ch.AfterRun = &r.after
	runID, err := r.st.ApplyResolve(ctx, ch)
	r.cache.applied(r.kind, runID, gone, ch.Keys, err)
	if err == nil {
		r.after = runID
	}
	return err
}

// load adds the latest versions of refs that nb lacks, except skip.
func (r *resolver) load(ctx context.Context, nb *neighbourhood, refs, skip []store.RecordRef) error {
	var want []store.RecordRef
	for _, ref := range refs {
		if _, ok := nb.at[ref]; !ok && !slices.Contains(skip, ref) {
			want = append(want, ref)
		}
	}
	if len(want) == 0 {
		return nil
	}
	stored, err := r.st.LatestRecords(ctx, dedupeRefs(want))
	if err != nil {
		return err
	}
	for _, rec := range stored {
		if _, ok := nb.at[rec.RecordRef]; ok {
			continue
		}
		r.add(nb.t, rec)
		nb.at[rec.RecordRef] = len(nb.refs)
		nb.refs = append(nb.refs, rec.RecordRef)
	}
	return nil
}

// blockMates lists the records of t sharing a blocking key with b, once
// each.
func blockMates(t *Table, rs []rule, byKey map[uint64][]int32, b int) []int32 {
	var out []int32
	for _, ru := range rs {
		k := ru.key(t, b)
		if k == "" {
			continue
		}
		for _, o := range byKey[keyHash(ru.name, k)] {
			if int(o) != b && !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out
}

func entityOfMember(groups map[string][]store.RecordRef, ref store.RecordRef) string {
	for e, refs := range groups {
		if slices.Contains(refs, ref) {
			return e
		}
	}
	return ""
}

func dedupeRefs(refs []store.RecordRef) []store.RecordRef {
	slices.SortFunc(refs, func(a, b store.RecordRef) int {
		if a.SourceID != b.SourceID {
			return int(a.SourceID - b.SourceID)
		}
		return strings.Compare(a.RecordID, b.RecordID)
	})
	return slices.Compact(refs)
}

// blockIndex maps each blocking key to the records of t holding it.
func blockIndex(t *Table, rs []rule) map[uint64][]int32 {
	idx := map[uint64][]int32{}
	for i := range t.Len() {
		for _, ru := range rs {
			if k := ru.key(t, i); k != "" {
				h := keyHash(ru.name, k)
				idx[h] = append(idx[h], int32(i))
			}
		}
	}
	return idx
}

// linker places the changed records of one batch.
type linker struct {
	r         *resolver
	nb        *neighbourhood
	s         *scorer
	ch        *store.ResolveChanges
	now       time.Time
	minWeight float64
}

// place links changed record b: a record already in an entity stays if it
// still agrees with the rest of it, else it is split off; then, like the
// batch clustering, its links are taken strongest first and join it to an
// entity (or join two entities) when the cohesion and national id rules
// allow.
func (x *linker) place(ctx context.Context, b int, byKey map[uint64][]int32) error {
	nb, r := x.nb, x.r
	ref := nb.refs[b]
	if cur := nb.entity[b]; cur != "" {
		others := slices.DeleteFunc(slices.Clone(nb.groups[cur]), func(i int32) bool { return int(i) == b })
		if len(others) == 0 || x.fits([]int32{int32(b)}, others) {
			return nil
		}
		nb.groups[cur] = others
		nb.entity[b] = ""
		x.ch.Lineage = append(x.ch.Lineage, store.LineageEvent{At: x.now, Action: "split", EntityID: cur, Ref: &ref, Reason: reasonDisagrees})
		r.sum.Split++
	}

	type link struct {
		o int
		w float64
		p pattern
	}
	var links []link
	for _, o := range blockMates(nb.t, x.s.rules, byKey, b) {
		if nb.entity[o] == "" {
			continue
		}
		p := compare(nb.t, x.s.cs, nil, b, int(o))
		if w := x.s.weight(b, int(o), p); w >= x.minWeight {
			links = append(links, link{int(o), w, p})
		}
	}
	slices.SortFunc(links, func(a, c link) int {
		if a.w != c.w {
			if a.w > c.w {
				return -1
			}
			return 1
		}
		return a.o - c.o
	})

	ent := ""
	group := []int32{int32(b)}
	for _, l := range links {
		e := nb.entity[l.o]
		if e == ent {
			continue
		}
		target := nb.groups[e]
		if ok, _ := x.s.idsAllow(group, target, l.w, l.p); !ok || !x.fits(group, target) {
			continue
		}
		if ent == "" {
			ent = e
			x.join(b, e, Probability(l.w))
			group = append(slices.Clone(target), int32(b))
			continue
		}
		// b connects two entities: the one with more records survives
		// (ties: the smaller id), and the other is merged into it.
		from, into := e, ent
		if len(target) > len(nb.groups[ent]) || (len(target) == len(nb.groups[ent]) && e < ent) {
			from, into = ent, e
		}
		x.merge(from, into, Probability(l.w))
		ent = into
		group = slices.Clone(nb.groups[into])
	}
	if ent == "" {
		id, err := r.newID(ctx)
		if err != nil {
			return err
		}
		x.ch.NewEntities = append(x.ch.NewEntities, id)
		x.ch.Lineage = append(x.ch.Lineage, store.LineageEvent{At: x.now, Action: "create", EntityID: id, Ref: &ref, Reason: reasonNoMatch})
		r.sum.Created++
		x.join(b, id, 0)
	}
	return nil
}

// fits applies the batch clustering's cohesion rule.
func (x *linker) fits(a, b []int32) bool {
	return len(a)*len(b) <= 1 || cohesion(x.s, a, b) >= minCohesion
}

func (x *linker) join(b int, e string, p float64) {
	nb := x.nb
	nb.entity[b] = e
	nb.groups[e] = append(nb.groups[e], int32(b))
	x.ch.Members = append(x.ch.Members, store.Membership{RecordRef: nb.refs[b], EntityID: e})
	if p > 0 {
		ref := nb.refs[b]
		x.ch.Lineage = append(x.ch.Lineage, store.LineageEvent{At: x.now, Action: "attach", EntityID: e, Ref: &ref, Probability: p, Reason: reasonMatched})
		x.r.sum.Attached++
	}
}

func (x *linker) merge(from, into string, p float64) {
	nb := x.nb
	for _, i := range nb.groups[from] {
		nb.entity[i] = into
		x.ch.Members = append(x.ch.Members, store.Membership{RecordRef: nb.refs[i], EntityID: into})
	}
	nb.groups[into] = append(nb.groups[into], nb.groups[from]...)
	delete(nb.groups, from)
	x.ch.Merges = append(x.ch.Merges, store.Merge{From: from, Into: into})
	x.ch.Lineage = append(x.ch.Lineage, store.LineageEvent{At: x.now, Action: "merge", EntityID: from, OtherID: into, Probability: p, Reason: reasonBoth})
	x.r.sum.Merged++
}

// retireIfEmpty retires entity e when ref was its last record.
func (x *linker) retireIfEmpty(e string, members []store.RecordRef, ref store.RecordRef) {
	for _, m := range members {
		if m != ref && !slices.Contains(x.ch.Removed, m) {
			return
		}
	}
	x.ch.Retired = append(x.ch.Retired, e)
	x.ch.Lineage = append(x.ch.Lineage, store.LineageEvent{At: x.now, Action: "retire", EntityID: e, Reason: reasonLastDeleted})
}
