package golden

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// Accepted corrections. When an agency accepts a citizen's correction, the
// corrected value wins in the golden record above every source, whatever
// the agency's later extracts still say, until a version the agency itself
// sent holds the value (store.Override). A golden build applies the active
// overrides and finds those whose record now agrees: these it does not
// apply, and Save (or RefreshEntity) retires them in the store, so that
// the agency's work list no longer asks for them and the citizen reads
// that the correction is applied.

// overrideSet is what a build needs to know of accepted corrections.
type overrideSet struct {
	bySource map[int64][]store.Override // active overrides by source id
	// correctionRuns are the ingest runs that stored accepted corrections:
	// their versions are not the agency's data.
	correctionRuns map[int64]bool
}

// loadOverrides reads the active overrides, nil when there are none.
func loadOverrides(ctx context.Context, st *store.Store) (*overrideSet, error) {
	active, err := st.ActiveOverrides(ctx)
	if err != nil || len(active) == 0 {
		return nil, err
	}
	runs, err := st.CorrectionRuns(ctx)
	if err != nil {
		return nil, err
	}
	ov := &overrideSet{bySource: map[int64][]store.Override{}, correctionRuns: runs}
	for _, o := range active {
		ov.bySource[o.SourceID] = append(ov.bySource[o.SourceID], o)
	}
	return ov, nil
}

// checkOverrides gives each source the active overrides of its live
// records, except those whose record the agency has brought to agree:
// these are to be retired (d.retiring).
func (d *Dataset) checkOverrides() {
	if d.ov == nil {
		return
	}
	for _, src := range d.Sources {
		for _, o := range d.ov.bySource[src.ID] {
			i, found := slices.BinarySearchFunc(src.Records, o.RecordID, func(r Record, id string) int {
				return cmp.Compare(r.RecordID, id)
			})
			if !found {
				continue // deleted: the override waits, but applies to nothing
			}
			r := &src.Records[i]
			if int(r.Version) > o.Version && !d.ov.correctionRuns[r.RunID] && r.Attrs.Get(o.Attr) == o.Value {
				d.retiring = append(d.retiring, store.OverrideRetirement{CorrectionID: o.CorrectionID, RunID: r.RunID,
					Version: int(r.Version)})
				continue
			}
			if src.overrides == nil {
				src.overrides = map[string][]store.Override{}
			}
			src.overrides[o.RecordID] = append(src.overrides[o.RecordID], o)
		}
	}
}

// Retiring returns the overrides the build found agreed with by the
// agency's own data, which Save retires.
func (d *Dataset) Retiring() []store.OverrideRetirement { return d.retiring }

// retireOverrides retires in st what the build found agreed with.
func (d *Dataset) retireOverrides(ctx context.Context, st *store.Store) error {
	if len(d.retiring) == 0 {
		return nil
	}
	n, err := st.RetireOverrides(ctx, d.retiring, time.Now().UTC().Truncate(time.Microsecond))
	if err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	slog.InfoContext(ctx, "accepted corrections now applied by their agencies", "retired", n)
	return nil
}

// corrected is the value of an override with its provenance: the record
// it corrects, in the version the acceptance stored, observed when it was
// accepted, and the correction.
func (m Member) corrected(o *store.Override) Value {
	return Value{Value: o.Value, Source: m.Source.Name, Agency: m.Source.AgencyCode, RecordID: o.RecordID,
		Version: o.Version, Observed: o.AcceptedAt, Trust: m.Source.Def.TrustIn(o.Attr), Correction: o.CorrectionID}
}
