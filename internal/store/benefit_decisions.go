package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Kinds of decision run.
const (
	RunMass        = "mass"
	RunIncremental = "incremental"
	RunAppeal      = "appeal"
	// RunSimulation: a reform simulation. It is recorded with its counts
	// (RecordSimulation) but stores no decisions: the current decisions
	// stay those of the law in force.
	RunSimulation = "simulation"
)

// Kinds of benefit event.
const (
	EventNewlyEligible    = "newly_eligible"
	EventAmountChanged    = "amount_changed"
	EventNoLongerEligible = "no_longer_eligible"
)

// BenefitRun is one decision run.
type BenefitRun struct {
	ID             int64
	Kind           string // a Run* kind
	DecisionDate   string // YYYY-MM-DD
	CatalogVersion string // the engine's name for the rules it ran
	Started        time.Time
	Finished       time.Time // zero while running, or for a run that never committed
	Households     int       // households decided
	Changed        int       // decisions stored: households whose decision changed
}

// BenefitOutcome is what a decision gives one programme. Amount is whole tenge
// (0 when not eligible); Period is the engine's ("month", "once").
// Programme and Period are lower-case ASCII names.
type BenefitOutcome struct {
	Programme string
	Eligible  bool
	Amount    int64
	Period    string
}

// HouseholdMember is a member of a household: their person entity and IIN.
type HouseholdMember struct {
	Person string
	IIN    string
}

// BenefitDecision is the stored decision on one household. Inputs are the
// situation as the engine encoded it (JSON, compressed or not: the
// caller's choice), InputsHash its hash and Versions the rule versions it
// used, so that the decision and its trace can be reproduced exactly.
type BenefitDecision struct {
	ID           int64
	RunID        int64
	Household    string
	DecisionDate string // YYYY-MM-DD
	Inputs       []byte
	InputsHash   []byte
	Versions     string
	Outcomes     []BenefitOutcome
	// CreatedAt is when the decision was made: the appeal window runs from
	// it. Zero on Add: the writer's start.
	CreatedAt time.Time
	// Members replace the household's members on Add; reads leave it nil
	// (see HouseholdMembers).
	Members []HouseholdMember
}

// BenefitEvent is a change a decision made to a household's entitlement.
type BenefitEvent struct {
	ID         int64
	Household  string
	Programme  string
	Kind       string // an Event* kind
	OldAmount  int64
	NewAmount  int64
	DecisionID int64
	CreatedAt  time.Time
}

// DecisionWriter stores the decisions of one run in one transaction,
// a batch at a time, with the household members, current entitlements and
// events each implies: nothing of the run is visible until Commit, and an
// error, an Abort or a crash before it leaves the store as it was.
//
// Contracts that MUST hold:
//   - Decision writers are serialised (SQLite: the one writer; PostgreSQL:
//     a table lock that readers do not wait for), so a household's events
//     compare against the decision committed before, and event ids grow
//     in commit order: a consumer that remembers the last id it read from
//     EventsSince misses none.
//   - A household's current decision is its latest stored one; its events
//     are the differences between the eligible programmes and amounts of
//     that decision and of the one before, written in the same
//     transaction.
//
// A DecisionWriter is not safe for concurrent use, and its goroutine must
// not write through the store until Commit or Abort.
type DecisionWriter struct {
	a       *applyTx
	run     BenefitRun
	next    int64 // the next decision id
	batch   []BenefitDecision
	pending map[string]struct{} // households in batch
	changed int
	// wellbeing are the scores queued with AddWellbeing; result and
	// watermark are written by Commit when set.
	wellbeing []WellbeingRow
	result    []byte
	watermark int64
}

// decisionBatch is how many decisions a DecisionWriter holds before
// writing them.
const decisionBatch = 5000

// BeginDecisions starts run r (its Kind, DecisionDate and CatalogVersion;
// Started defaults to now) and returns the writer of its decisions. The
// caller must Commit or Abort it. ErrInvalid for a simulation or an
// unknown kind.
func (s *Store) BeginDecisions(ctx context.Context, r BenefitRun) (*DecisionWriter, error) {
	switch r.Kind {
	case RunMass, RunIncremental, RunAppeal:
	default:
		return nil, fmt.Errorf("begin decisions: run kind %q: %w", r.Kind, ErrInvalid)
	}
	a, err := s.beginApply(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin decisions: %w", err)
	}
	w := &DecisionWriter{a: a, run: r, pending: map[string]struct{}{}}
	if w.run.Started.IsZero() {
		w.run.Started = a.now
	}
	if err := w.begin(ctx); err != nil {
		a.rollback()
		return nil, fmt.Errorf("begin decisions: %w", err)
	}
	return w, nil
}

func (w *DecisionWriter) begin(ctx context.Context) error {
	d := w.a.s.dialect
	if d == postgresDialect {
		// SHARE ROW EXCLUSIVE conflicts with itself and with inserts, not
		// with reads nor with the key-share locks of offers' and appeals'
		// foreign keys.
		if _, err := w.a.ExecContext(ctx, `LOCK TABLE benefit_decisions IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
	}
	err := w.a.QueryRowContext(ctx, d.rebind(`INSERT INTO benefit_runs (kind, decision_date, catalog_version, started_at)
		VALUES (?, ?, ?, ?) RETURNING id`), w.run.Kind, w.run.DecisionDate, w.run.CatalogVersion,
		d.timeArg(w.run.Started)).Scan(&w.run.ID)
	if err != nil {
		return err
	}
	if err := w.a.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) + 1 FROM benefit_decisions`).Scan(&w.next); err != nil {
		return err
	}
	return nil
}

// RunID is the id of the writer's run.
func (w *DecisionWriter) RunID() int64 { return w.run.ID }

// Progress makes the writer tell fn how many rows it wrote after each
// batch (decisions, members, entitlements and events alike).
func (w *DecisionWriter) Progress(fn func(rows int)) { w.a.progress = fn }

// Add queues the decision on one household and returns the id it will
// have. d.RunID and d.ID are set here; a household decided twice in one run
// keeps the later decision as current.
func (w *DecisionWriter) Add(ctx context.Context, d BenefitDecision) (int64, error) {
	if d.Household == "" {
		return 0, fmt.Errorf("add decision: household: %w", ErrInvalid)
	}
	for _, o := range d.Outcomes {
		if !validKind(o.Programme) || !validKind(o.Period) {
			return 0, fmt.Errorf("add decision on %s: outcome %q/%q: %w", d.Household, o.Programme, o.Period, ErrInvalid)
		}
	}
	if _, dup := w.pending[d.Household]; dup {
		if err := w.flush(ctx); err != nil {
			return 0, err
		}
	}
	d.ID, d.RunID = w.next, w.run.ID
	w.next++
	if d.CreatedAt.IsZero() {
		d.CreatedAt = w.a.now
	}
	w.batch = append(w.batch, d)
	w.pending[d.Household] = struct{}{}
	if len(w.batch) >= decisionBatch {
		if err := w.flush(ctx); err != nil {
			return 0, err
		}
	}
	return d.ID, nil
}

// entitlement is an eligible programme of a household's current decision.
type entitlement struct {
	amount int64
	period string
}

func (w *DecisionWriter) flush(ctx context.Context) error {
	if err := w.writeWellbeing(ctx); err != nil {
		w.Abort()
		return fmt.Errorf("write well-being of run %d: %w", w.run.ID, err)
	}
	if len(w.batch) == 0 {
		return nil
	}
	if err := w.write(ctx); err != nil {
		w.Abort()
		return fmt.Errorf("write decisions of run %d: %w", w.run.ID, err)
	}
	w.changed += len(w.batch)
	w.batch = w.batch[:0]
	clear(w.pending)
	return nil
}

func (w *DecisionWriter) write(ctx context.Context) error {
	a, ds := w.a, w.batch
	households := make([]string, len(ds))
	for i := range ds {
		households[i] = ds[i].Household
	}
	before, err := w.current(ctx, households)
	if err != nil {
		return err
	}
	for _, table := range []string{"benefit_current", "benefit_household_members"} {
		if err := a.deleteHouseholds(ctx, table, households); err != nil {
			return err
		}
	}
	var (
		members []benefitMemberRow
		current []benefitCurrentRow
		events  []BenefitEvent
	)
	for i := range ds {
		d := &ds[i]
		for _, m := range d.Members {
			members = append(members, benefitMemberRow{d.Household, m})
		}
		for _, o := range d.Outcomes {
			if o.Eligible {
				current = append(current, benefitCurrentRow{d.Household, o})
			}
		}
		events = appendEvents(events, d, before[d.Household])
	}
	d := a.s.dialect
	err = a.insertRows(ctx, "benefit_decisions", decisionColumnList, len(ds), func(args []any, i int) []any {
		x := &ds[i]
		return append(args, x.ID, x.RunID, x.Household, x.DecisionDate, nonNilBytes(x.Inputs), nonNilBytes(x.InputsHash),
			x.Versions, encodeOutcomes(x.Outcomes), d.timeArg(x.CreatedAt))
	})
	if err != nil {
		return err
	}
	err = a.insertRows(ctx, "benefit_household_members", []string{"household", "person", "iin"}, len(members),
		func(args []any, i int) []any {
			return append(args, members[i].household, members[i].Person, members[i].IIN)
		})
	if err != nil {
		return err
	}
	err = a.insertRows(ctx, "benefit_current", []string{"household", "programme", "amount", "period"}, len(current),
		func(args []any, i int) []any {
			c := &current[i]
			return append(args, c.household, c.Programme, c.Amount, c.Period)
		})
	if err != nil {
		return err
	}
	return a.insertRows(ctx, "benefit_events", []string{"household", "programme", "kind", "old_amount", "new_amount",
		"decision_id", "created_at"}, len(events), func(args []any, i int) []any {
		e := &events[i]
		return append(args, e.Household, e.Programme, e.Kind, e.OldAmount, e.NewAmount, e.DecisionID, d.timeArg(e.CreatedAt))
	})
}

type benefitMemberRow struct {
	household string
	HouseholdMember
}

type benefitCurrentRow struct {
	household string
	BenefitOutcome
}

var decisionColumnList = []string{"id", "run_id", "household", "decision_date", "inputs", "inputs_hash", "versions",
	"results", "created_at"}

// appendEvents appends the events of decision d on a household whose
// current entitlements were before: newly eligible and amount changes in
// the order of d's outcomes, then what it is no longer eligible for.
func appendEvents(events []BenefitEvent, d *BenefitDecision, before map[string]entitlement) []BenefitEvent {
	ev := func(programme, kind string, old, new int64) {
		events = append(events, BenefitEvent{Household: d.Household, Programme: programme, Kind: kind,
			OldAmount: old, NewAmount: new, DecisionID: d.ID, CreatedAt: d.CreatedAt})
	}
	eligible := make(map[string]bool, len(d.Outcomes))
	for _, o := range d.Outcomes {
		if !o.Eligible {
			continue
		}
		eligible[o.Programme] = true
		old, was := before[o.Programme]
		switch {
		case !was:
			ev(o.Programme, EventNewlyEligible, 0, o.Amount)
		case old.amount != o.Amount:
			ev(o.Programme, EventAmountChanged, old.amount, o.Amount)
		}
	}
	var gone []string
	for p := range before {
		if !eligible[p] {
			gone = append(gone, p)
		}
	}
	slices.Sort(gone)
	for _, p := range gone {
		ev(p, EventNoLongerEligible, before[p].amount, 0)
	}
	return events
}

// current reads the current entitlements of households.
func (w *DecisionWriter) current(ctx context.Context, households []string) (map[string]map[string]entitlement, error) {
	out := map[string]map[string]entitlement{}
	for lo := 0; lo < len(households); lo += refChunk {
		chunk := households[lo:min(len(households), lo+refChunk)]
		rows, err := w.a.QueryContext(ctx, w.a.s.dialect.rebind(`SELECT household, programme, amount, period
			FROM benefit_current WHERE household IN (`+placeholders(len(chunk))+`)`), stringArgs(chunk)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var (
				h, p string
				e    entitlement
			)
			if err := rows.Scan(&h, &p, &e.amount, &e.period); err != nil {
				rows.Close()
				return nil, err
			}
			if out[h] == nil {
				out[h] = map[string]entitlement{}
			}
			out[h][p] = e
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// deleteHouseholds deletes the rows of households from table.
func (a *applyTx) deleteHouseholds(ctx context.Context, table string, households []string) error {
	for lo := 0; lo < len(households); lo += refChunk {
		chunk := households[lo:min(len(households), lo+refChunk)]
		if _, err := a.exec(ctx, `DELETE FROM `+table+` WHERE household IN (`+placeholders(len(chunk))+`)`,
			stringArgs(chunk)...); err != nil {
			return err
		}
	}
	return nil
}

// Commit writes what is queued, records that the run decided households
// households and makes its decisions current and its events visible.
func (w *DecisionWriter) Commit(ctx context.Context, households int) (BenefitRun, error) {
	if err := w.flush(ctx); err != nil {
		return BenefitRun{}, err
	}
	if err := w.commitWelfare(ctx); err != nil {
		w.Abort()
		return BenefitRun{}, fmt.Errorf("commit decisions of run %d: %w", w.run.ID, err)
	}
	d := w.a.s.dialect
	w.run.Finished = time.Now().UTC().Truncate(time.Microsecond)
	w.run.Households, w.run.Changed = households, w.changed
	_, err := w.a.exec(ctx, `UPDATE benefit_runs SET finished_at = ?, households = ?, changed = ? WHERE id = ?`,
		d.timeArg(w.run.Finished), households, w.changed, w.run.ID)
	if err == nil {
		err = w.a.commit(ctx)
	}
	if err != nil {
		w.Abort()
		return BenefitRun{}, fmt.Errorf("commit decisions of run %d: %w", w.run.ID, err)
	}
	return w.run, nil
}

// Abort leaves the store as it was before the run; it is safe after Commit.
func (w *DecisionWriter) Abort() { w.a.rollback() }

// RecordSimulation stores a finished simulation run with its counts and
// returns its id. It stores no decisions.
func (s *Store) RecordSimulation(ctx context.Context, r BenefitRun) (int64, error) {
	d := s.dialect
	var id int64
	err := s.w.QueryRowContext(ctx, d.rebind(`INSERT INTO benefit_runs (kind, decision_date, catalog_version, started_at,
		finished_at, households, changed) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), RunSimulation, r.DecisionDate,
		r.CatalogVersion, d.timeArg(r.Started), d.timeArg(r.Finished), r.Households, r.Changed).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record simulation: %w", err)
	}
	return id, nil
}

// BenefitRuns lists the newest runs, at most limit; a run that never
// committed is not stored.
func (s *Store) BenefitRuns(ctx context.Context, limit int) ([]BenefitRun, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT id, kind, decision_date, catalog_version, started_at,
		finished_at, households, changed FROM benefit_runs ORDER BY id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("benefit runs: %w", err)
	}
	defer rows.Close()
	var out []BenefitRun
	for rows.Next() {
		var r BenefitRun
		if err := rows.Scan(&r.ID, &r.Kind, &r.DecisionDate, &r.CatalogVersion, timeValue{&r.Started},
			timeValue{&r.Finished}, &r.Households, &r.Changed); err != nil {
			return nil, fmt.Errorf("benefit runs: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("benefit runs: %w", err)
	}
	return out, nil
}

const decisionColumns = `d.id, d.run_id, d.household, d.decision_date, d.inputs, d.inputs_hash, d.versions, d.results,
	d.created_at`

func scanDecision(sc interface{ Scan(...any) error }) (BenefitDecision, error) {
	var (
		d       BenefitDecision
		results string
	)
	if err := sc.Scan(&d.ID, &d.RunID, &d.Household, &d.DecisionDate, &d.Inputs, &d.InputsHash, &d.Versions, &results,
		timeValue{&d.CreatedAt}); err != nil {
		return d, err
	}
	var err error
	d.Outcomes, err = decodeOutcomes(results)
	return d, err
}

// BenefitDecision returns the decision with id, or ErrNotFound.
func (s *Store) BenefitDecision(ctx context.Context, id int64) (BenefitDecision, error) {
	d, err := scanDecision(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+decisionColumns+`
		FROM benefit_decisions d WHERE d.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("decision %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("decision %d: %w", id, err)
	}
	return d, nil
}

// CurrentDecision returns a household's latest decision, or ErrNotFound.
func (s *Store) CurrentDecision(ctx context.Context, household string) (BenefitDecision, error) {
	rows, err := s.queryPrepared(ctx, `SELECT `+decisionColumns+` FROM benefit_decisions d
		WHERE d.household = ? ORDER BY d.id DESC LIMIT 1`, household)
	if err != nil {
		return BenefitDecision{}, fmt.Errorf("current decision of %s: %w", household, err)
	}
	ds, err := collectDecisions(rows)
	if err != nil {
		return BenefitDecision{}, fmt.Errorf("current decision of %s: %w", household, err)
	}
	if len(ds) == 0 {
		return BenefitDecision{}, fmt.Errorf("current decision of %s: %w", household, ErrNotFound)
	}
	return ds[0], nil
}

// DecisionHistory lists a household's decisions, newest first, at most
// limit.
func (s *Store) DecisionHistory(ctx context.Context, household string, limit int) ([]BenefitDecision, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+decisionColumns+` FROM benefit_decisions d
		WHERE d.household = ? ORDER BY d.id DESC LIMIT ?`), household, limit)
	if err != nil {
		return nil, fmt.Errorf("decision history of %s: %w", household, err)
	}
	ds, err := collectDecisions(rows)
	if err != nil {
		return nil, fmt.Errorf("decision history of %s: %w", household, err)
	}
	return ds, nil
}

// DecisionsOfPerson returns the current decision of each household whose
// members, as of its current decision, include the person with iin, by
// household.
func (s *Store) DecisionsOfPerson(ctx context.Context, iin string) ([]BenefitDecision, error) {
	rows, err := s.queryPrepared(ctx, `SELECT `+decisionColumns+` FROM benefit_household_members m
		JOIN benefit_decisions d ON d.id = (SELECT MAX(x.id) FROM benefit_decisions x WHERE x.household = m.household)
		WHERE m.iin = ? ORDER BY m.household`, iin)
	if err != nil {
		return nil, fmt.Errorf("decisions of a person: %w", err)
	}
	ds, err := collectDecisions(rows)
	if err != nil {
		return nil, fmt.Errorf("decisions of a person: %w", err)
	}
	return ds, nil
}

func collectDecisions(rows *sql.Rows) ([]BenefitDecision, error) {
	defer rows.Close()
	var out []BenefitDecision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// HouseholdMembers lists a household's members as of its current
// decision, by person.
func (s *Store) HouseholdMembers(ctx context.Context, household string) ([]HouseholdMember, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT person, iin FROM benefit_household_members
		WHERE household = ? ORDER BY person`), household)
	if err != nil {
		return nil, fmt.Errorf("members of %s: %w", household, err)
	}
	defer rows.Close()
	var out []HouseholdMember
	for rows.Next() {
		var m HouseholdMember
		if err := rows.Scan(&m.Person, &m.IIN); err != nil {
			return nil, fmt.Errorf("members of %s: %w", household, err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// EventsSince returns the events after id after, oldest first, at most
// limit. Event ids grow in commit order (see DecisionWriter), so a
// consumer passes the last id it handled and misses none.
func (s *Store) EventsSince(ctx context.Context, after int64, limit int) ([]BenefitEvent, error) {
	out, err := queryAll(ctx, s, `SELECT `+eventColumns+` FROM benefit_events e WHERE e.id > ? ORDER BY e.id LIMIT ?`,
		scanEvent, after, limit)
	if err != nil {
		return nil, fmt.Errorf("benefit events: %w", err)
	}
	return out, nil
}

// eventColumns are the columns scanEvent reads, of benefit_events as e.
const eventColumns = `e.id, e.household, e.programme, e.kind, e.old_amount, e.new_amount, e.decision_id, e.created_at`

func scanEvent(sc interface{ Scan(...any) error }) (BenefitEvent, error) {
	var e BenefitEvent
	err := sc.Scan(&e.ID, &e.Household, &e.Programme, &e.Kind, &e.OldAmount, &e.NewAmount, &e.DecisionID,
		timeValue{&e.CreatedAt})
	return e, err
}

// encodeOutcomes is the results column: a compact JSON array with one
// [programme, eligible, amount, period] array per outcome. Names are
// checked by validKind, so they need no escaping.
func encodeOutcomes(os []BenefitOutcome) string {
	b := make([]byte, 0, 32*len(os)+2)
	b = append(b, '[')
	for i, o := range os {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `["`...)
		b = append(b, o.Programme...)
		b = append(b, `",`...)
		b = strconv.AppendBool(b, o.Eligible)
		b = append(b, ',')
		b = strconv.AppendInt(b, o.Amount, 10)
		b = append(b, `,"`...)
		b = append(b, o.Period...)
		b = append(b, `"]`...)
	}
	return string(append(b, ']'))
}

func decodeOutcomes(s string) ([]BenefitOutcome, error) {
	var raw [][4]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	out := make([]BenefitOutcome, len(raw))
	for i, r := range raw {
		o := &out[i]
		for j, dst := range []any{&o.Programme, &o.Eligible, &o.Amount, &o.Period} {
			if err := json.Unmarshal(r[j], dst); err != nil {
				return nil, fmt.Errorf("results: outcome %d: %w", i, err)
			}
		}
	}
	return out, nil
}

func stringArgs(ss []string) []any {
	args := make([]any, len(ss))
	for i, s := range ss {
		args[i] = s
	}
	return args
}

func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
