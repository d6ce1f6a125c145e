package welfare

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"runtime"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/household"
	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wellbeing"
)

// decided is one household decided: the decision to store (when it
// differs from the current one), its well-being score and the result.
type decided struct {
	dec    store.BenefitDecision
	res    benefits.Result
	score  wellbeing.Score
	scored bool
	err    error
}

// decide decides profile p on date with r: the situation, its result, the
// decision as stored and the well-being score. A household the
// well-being model refuses (no poverty line) is decided all the same.
func (s *Service) decide(r *rules, p *household.Profile, date benefits.Date) decided {
	sit, err := Situation(p, date)
	if err != nil {
		return decided{err: err}
	}
	var out decided
	out.res = r.eng.DecideOpts(&sit, benefits.Options{NoTrace: true})
	out.dec, out.err = decision(r, p, &sit, &out.res)
	if wh, err := WellbeingHousehold(p, date, r.eng.Catalog()); err == nil {
		if out.score, err = s.opts.Wellbeing.Score(&wh); err == nil {
			out.scored = true
		}
	}
	return out
}

// decision is the stored form of a result on situation sit of profile p.
func decision(r *rules, p *household.Profile, sit *benefits.Situation, res *benefits.Result) (store.BenefitDecision, error) {
	in, err := EncodeSituation(sit)
	if err != nil {
		return store.BenefitDecision{}, err
	}
	d := store.BenefitDecision{Household: p.ID, DecisionDate: sit.Date.String(), Inputs: in, InputsHash: inputsHash(p),
		Versions: encodeVersions(r, res), Outcomes: outcomes(res)}
	for _, m := range p.Members {
		d.Members = append(d.Members, store.HouseholdMember{Person: m.Entity, IIN: m.IIN})
	}
	return d, nil
}

// batchSize is how many profiles one worker decides at a time.
const batchSize = 128

type batch struct {
	profiles []household.Profile
	out      []decided
	done     chan struct{}
}

// decideAll decides the profiles of seq on date with workers goroutines,
// and hands the results to fn in the order of seq, one at a time, in the
// caller's goroutine. At most a few batches per worker are in flight, so
// memory stays bounded whatever the number of households.
func (s *Service) decideAll(ctx context.Context, r *rules, seq iter.Seq[household.Profile], date benefits.Date,
	fn func(*household.Profile, *decided) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(runtime.GOMAXPROCS(0), 1)
	jobs := make(chan *batch, workers*2)
	order := make(chan *batch, workers*4)
	go func() {
		defer close(jobs)
		defer close(order)
		b := &batch{done: make(chan struct{})}
		send := func() bool {
			select {
			case order <- b:
			case <-ctx.Done():
				return false
			}
			select {
			case jobs <- b:
			case <-ctx.Done():
				return false
			}
			b = &batch{done: make(chan struct{})}
			return true
		}
		for p := range seq {
			b.profiles = append(b.profiles, p)
			if len(b.profiles) == batchSize && !send() {
				return
			}
		}
		if len(b.profiles) > 0 {
			send()
		}
	}()
	for range workers {
		go func() {
			for b := range jobs {
				b.out = make([]decided, len(b.profiles))
				for i := range b.profiles {
					b.out[i] = s.decide(r, &b.profiles[i], date)
				}
				close(b.done)
			}
		}()
	}
	for b := range order {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		for i := range b.out {
			if err := fn(&b.profiles[i], &b.out[i]); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// Run decides every household in the store on date (mass): it builds the
// golden records and every household's profile, decides them in parallel,
// stores the decisions that differ from the current ones (the store
// raises the events), every household's well-being score and the run's
// aggregate index, then makes the offers of the newly eligible (with their
// SMS) and expires the offers that are due. Progress goes to progress (nil
// for none). A zero date is the data's as-of date (the latest the sources
// declare).
func (s *Service) Run(ctx context.Context, date benefits.Date, progressTo io.Writer) (store.BenefitRun, error) {
	r := s.rules()
	start := time.Now()
	mark, err := s.st.LatestIngestRun(ctx)
	if err != nil {
		return store.BenefitRun{}, err
	}
	ds, err := golden.LoadWithProgress(ctx, s.st, progressTo)
	if err != nil {
		return store.BenefitRun{}, err
	}
	if date == 0 {
		date = dateOf(ds.AsOf)
	}
	keys := map[string]store.CurrentKey{}
	if err := s.st.CurrentKeys(ctx, func(h string, k store.CurrentKey) error { keys[h] = k; return nil }); err != nil {
		return store.BenefitRun{}, err
	}
	w, err := s.st.BeginDecisions(ctx, store.BenefitRun{Kind: store.RunMass, DecisionDate: date.String(), CatalogVersion: r.key})
	if err != nil {
		return store.BenefitRun{}, err
	}
	defer w.Abort()
	agg := wellbeing.NewAggregator(s.opts.Wellbeing)
	total, profiles := household.Households(ds, timeOf(date))
	bar := progress.New(progressTo, "decide households", int64(total))
	n, failed := 0, 0
	err = s.decideAll(ctx, r, profiles, date, func(p *household.Profile, d *decided) error {
		n++
		bar.Add(1)
		if d.err != nil {
			failed++
			slog.WarnContext(ctx, "benefits: household not decided", "household", p.ID, "err", d.err)
			return nil
		}
		if d.scored {
			if err := agg.AddScore(d.score); err != nil {
				return err
			}
			if err := w.AddWellbeing(ctx, wellbeingRow(d.score)); err != nil {
				return err
			}
		}
		if k, ok := keys[p.ID]; ok && bytes.Equal(k.InputsHash, d.dec.InputsHash) && k.Versions == d.dec.Versions {
			return nil // the same inputs and rules: the same decision
		}
		_, err := w.Add(ctx, d.dec)
		return err
	})
	bar.Finish()
	if err != nil {
		return store.BenefitRun{}, err
	}
	res, err := json.Marshal(agg.Result())
	if err != nil {
		return store.BenefitRun{}, err
	}
	w.SetWellbeingResult(res)
	w.SetWatermark(mark)
	run, err := w.Commit(ctx, n)
	if err != nil {
		return store.BenefitRun{}, err
	}
	slog.InfoContext(ctx, "benefits run", "run", run.ID, "kind", run.Kind, "date", run.DecisionDate, "households", n,
		"changed", run.Changed, "failed", failed, "elapsed", time.Since(start).Round(time.Millisecond))
	return run, s.afterRun(ctx, run)
}

// afterRun makes the offers of a committed run and expires due offers.
func (s *Service) afterRun(ctx context.Context, run store.BenefitRun) error {
	if _, err := s.offerRun(ctx, run.ID); err != nil {
		return err
	}
	_, err := s.ExpireOffers(ctx)
	return err
}

// ExpireOffers marks expired the offers not answered in time, and returns
// how many.
func (s *Service) ExpireOffers(ctx context.Context) (int, error) {
	n, err := s.st.ExpireOffers(ctx, s.now())
	if err != nil {
		return 0, err
	}
	if n > 0 {
		slog.InfoContext(ctx, "benefit offers expired", "offers", n)
	}
	return n, nil
}

// ErrNoRun is returned by Update before any mass run.
var ErrNoRun = errors.New("welfare: no benefits run yet: run `ortaq benefits run` first")

// lastDate is the decision date of the latest mass run.
func (s *Service) lastDate(ctx context.Context) (benefits.Date, error) {
	runs, err := s.st.BenefitRuns(ctx, 100)
	if err != nil {
		return 0, err
	}
	for _, r := range runs {
		if r.Kind == store.RunMass {
			d, err := benefits.ParseDate(r.DecisionDate)
			if err != nil {
				return 0, fmt.Errorf("run %d: %w", r.ID, err)
			}
			return d, nil
		}
	}
	return 0, ErrNoRun
}
