package welfare

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/household"
	"github.com/ortaq/ortaq/internal/store"
)

// Attributes of changed records that name other people by IIN: their
// golden records are looked up, so that a birth event or an animal brings
// in its family's household.
var iinAttrs = []string{"national_id", "mother_iin", "father_iin", "owner_iin"}

// Update re-decides, on date, only the households whose inputs changed
// since the last run (after an ingest, `ortaq resolve` and `ortaq
// quality`): it reads the records of the sources profiles read
// (household.FieldsRead) stored by ingest runs after the last run's
// watermark, finds their entities (and the people they name by IIN), the
// households those live in now and lived in at their current decisions,
// and builds those households' profiles. A household whose profile has the
// same Inputs as its current decision is left alone; for the others, when
// the date and the rules are those of the current decision, only the
// programmes that read a changed field (Index) are decided again and the
// others keep their outcomes; otherwise every programme is. Events and
// offers follow as in Run. A zero date is the latest mass run's. ErrNoRun
// before any mass run.
func (s *Service) Update(ctx context.Context, date benefits.Date) (store.BenefitRun, error) {
	start := time.Now()
	if date == 0 {
		d, err := s.lastDate(ctx)
		if err != nil {
			return store.BenefitRun{}, err
		}
		date = d
	}
	mark, last, err := s.st.BenefitWatermark(ctx)
	if err != nil {
		return store.BenefitRun{}, err
	}
	if last == 0 {
		return store.BenefitRun{}, ErrNoRun
	}
	entities, newMark, err := s.changedEntities(ctx, mark)
	if err != nil {
		return store.BenefitRun{}, err
	}
	return s.updateEntities(ctx, date, entities, newMark, start)
}

// changedEntities returns the entities of the records of profile sources
// changed after ingest run mark, and the new watermark.
func (s *Service) changedEntities(ctx context.Context, mark int64) ([]string, int64, error) {
	sources := map[string]bool{}
	for _, f := range household.FieldsRead() {
		sources[f.Source] = true
	}
	kinds := map[string]bool{}
	for name := range sources {
		kind, _, err := s.st.SourceEntity(ctx, name)
		if err != nil {
			continue // a source this store does not have
		}
		kinds[kind] = true
	}
	newMark := mark
	var refs []store.RecordRef
	iins := map[string]bool{}
	for kind := range kinds {
		wm, err := s.st.ChangedSince(ctx, kind, mark, func(r store.ResolveRecord) error {
			if !sources[r.Source] {
				return nil
			}
			refs = append(refs, store.RecordRef{SourceID: r.SourceID, RecordID: r.RecordID})
			for _, a := range iinAttrs {
				if v := r.Attrs[a]; v != "" {
					iins[v] = true
				}
			}
			return nil
		})
		if err != nil {
			return nil, mark, err
		}
		newMark = max(newMark, wm)
	}
	seen := map[string]bool{}
	var out []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(refs) > 0 {
		ms, err := s.st.Membership(ctx, refs)
		if err != nil {
			return nil, mark, err
		}
		for _, e := range ms {
			add(e)
		}
	}
	for iin := range iins {
		rows, err := s.st.GoldenByNationalID(ctx, iin, 4)
		if err != nil {
			return nil, mark, err
		}
		for _, g := range rows {
			add(g.EntityID)
		}
	}
	slices.Sort(out)
	return out, newMark, nil
}

// updateEntities re-decides the households of entities on date, records
// watermark mark, and makes the offers.
func (s *Service) updateEntities(ctx context.Context, date benefits.Date, entities []string, mark int64,
	start time.Time) (store.BenefitRun, error) {
	// The households they lived in at their current decisions: someone who
	// moved out changes the household they left too.
	old, err := s.st.HouseholdsOfPersons(ctx, entities)
	if err != nil {
		return store.BenefitRun{}, err
	}
	persons := slices.Clone(entities)
	for _, h := range old {
		ms, err := s.st.HouseholdMembers(ctx, h)
		if err != nil {
			return store.BenefitRun{}, err
		}
		for _, m := range ms {
			persons = append(persons, m.Person)
		}
	}
	slices.Sort(persons)
	profiles, err := household.ForPersons(ctx, s.st, slices.Compact(persons), timeOf(date))
	if err != nil {
		return store.BenefitRun{}, err
	}
	r := s.rules()
	w, err := s.st.BeginDecisions(ctx, store.BenefitRun{Kind: store.RunIncremental, DecisionDate: date.String(),
		CatalogVersion: r.key})
	if err != nil {
		return store.BenefitRun{}, err
	}
	defer w.Abort()
	for i := range profiles {
		d, changed, err := s.redecideProfile(ctx, r, &profiles[i], date)
		if err != nil {
			return store.BenefitRun{}, err
		}
		if !changed {
			continue
		}
		if _, err := w.Add(ctx, d.dec); err != nil {
			return store.BenefitRun{}, err
		}
		if d.scored {
			if err := w.AddWellbeing(ctx, wellbeingRow(d.score)); err != nil {
				return store.BenefitRun{}, err
			}
		}
	}
	w.SetWatermark(mark)
	run, err := w.Commit(ctx, len(profiles))
	if err != nil {
		return store.BenefitRun{}, err
	}
	slog.InfoContext(ctx, "benefits run", "run", run.ID, "kind", run.Kind, "date", run.DecisionDate,
		"entities", len(entities), "households", len(profiles), "changed", run.Changed,
		"elapsed", time.Since(start).Round(time.Millisecond))
	return run, s.afterRun(ctx, run)
}

// redecideProfile decides profile p on date against its household's
// current decision: unchanged when the inputs and rules are the same;
// only the programmes reading a changed field when the date and rules
// are the same; in full otherwise.
func (s *Service) redecideProfile(ctx context.Context, r *rules, p *household.Profile, date benefits.Date) (decided, bool, error) {
	cur, err := s.st.CurrentDecision(ctx, p.ID)
	if err != nil && !isNotFound(err) {
		return decided{}, false, err
	}
	var doc versionsDoc
	if err == nil {
		if doc, err = decodeVersions(cur.Versions); err != nil {
			return decided{}, false, err
		}
		if doc.Catalog == r.key && cur.DecisionDate == date.String() && bytes.Equal(cur.InputsHash, inputsHash(p)) {
			return decided{}, false, nil
		}
	}
	if cur.ID == 0 || doc.Catalog != r.key || cur.DecisionDate != date.String() {
		d := s.decide(r, p, date)
		return d, d.err == nil, d.err
	}
	old, err := DecodeSituation(cur.Inputs)
	if err != nil {
		return decided{}, false, err
	}
	sit, err := Situation(p, date)
	if err != nil {
		return decided{}, false, err
	}
	affected := r.index.Affected(Changed(&old, &sit))
	res := benefits.Result{ID: sit.ID, Date: sit.Date}
	for _, prog := range r.eng.Catalog().Programmes {
		if slices.Contains(affected, prog.ID) {
			one := r.single[prog.ID].DecideOpts(&sit, benefits.Options{NoTrace: true})
			res.Programmes = append(res.Programmes, one.Programmes...)
			continue
		}
		o := outcomeOf(cur.Outcomes, prog.ID)
		if o.Programme == "" { // a programme the current decision lacks
			one := r.single[prog.ID].DecideOpts(&sit, benefits.Options{NoTrace: true})
			res.Programmes = append(res.Programmes, one.Programmes...)
			continue
		}
		res.Programmes = append(res.Programmes, benefits.Decision{Programme: o.Programme, Eligible: o.Eligible,
			Amount: benefits.Tenge(o.Amount), Period: o.Period, Versions: doc.Programmes[o.Programme]})
	}
	out := decided{res: res}
	if out.dec, err = decision(r, p, &sit, &res); err != nil {
		return out, false, err
	}
	if wh, err := WellbeingHousehold(p, date, r.eng.Catalog()); err == nil {
		if out.score, err = s.opts.Wellbeing.Score(&wh); err == nil {
			out.scored = true
		}
	}
	return out, true, nil
}

func isNotFound(err error) bool { return err != nil && errors.Is(err, store.ErrNotFound) }

// updateHouseholds re-decides the named households from the golden
// records (what a correction or a test needs), as Update does.
func (s *Service) updateHouseholds(ctx context.Context, date benefits.Date, households []string) (store.BenefitRun, error) {
	var persons []string
	for _, h := range households {
		ms, err := s.st.HouseholdMembers(ctx, h)
		if err != nil {
			return store.BenefitRun{}, fmt.Errorf("update %s: %w", h, err)
		}
		for _, m := range ms {
			persons = append(persons, m.Person)
		}
	}
	mark, _, err := s.st.BenefitWatermark(ctx)
	if err != nil {
		return store.BenefitRun{}, err
	}
	return s.updateEntities(ctx, date, persons, mark, time.Now())
}
