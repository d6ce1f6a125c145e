package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// SeverityWeights weigh a check's open findings by its severity when the
// work list orders agencies, checks and findings by impact: an error (a
// wrong IIN, a benefit paid to the dead) is worth ten findings of
// information (a name in capitals), a warning three.
var SeverityWeights = map[string]int{"error": 10, "warning": 3, "info": 1}

// Impact is what finishing open findings of a severity is worth: their
// number times the severity's weight (an unknown severity weighs as a
// warning).
func Impact(open int, severity string) int {
	w, ok := SeverityWeights[severity]
	if !ok {
		w = SeverityWeights["warning"]
	}
	return open * w
}

// CheckImpact is one check of one source with its findings' counts, its
// severity and the impact of its open findings: Impact(Open, Severity),
// what finishing them is worth.
type CheckImpact struct {
	FindingCount
	Severity string
	Impact   int
}

// ChecksByImpact returns the counts of FindingTally in order of impact, the
// check whose open findings weigh most first, then by agency, source and
// check.
func (s *Store) ChecksByImpact(ctx context.Context) ([]CheckImpact, error) {
	owners, err := s.sourceOwners(ctx)
	if err != nil {
		return nil, err
	}
	kinds, err := s.checkKinds(ctx)
	if err != nil {
		return nil, err
	}
	tally, err := s.FindingTally(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for id, o := range owners {
		ids[o.name] = id
	}
	out := make([]CheckImpact, len(tally))
	for i, c := range tally {
		sev := kinds[groupKey(ids[c.Source], c.Check)].severity
		out[i] = CheckImpact{FindingCount: c, Severity: sev, Impact: Impact(c.Open, sev)}
	}
	slices.SortStableFunc(out, func(a, b CheckImpact) int { return cmp.Compare(b.Impact, a.Impact) })
	return out, nil
}

// AgencyImpact is one agency's open findings and their impact.
type AgencyImpact struct {
	Agency string
	Open   int
	Impact int
}

// AgencyImpacts returns every agency with findings that are not resolved,
// the agency of most impact (the sum of its checks' CheckImpact.Impact)
// first, then by code.
func (s *Store) AgencyImpacts(ctx context.Context) ([]AgencyImpact, error) {
	tally, err := s.ChecksByImpact(ctx)
	if err != nil {
		return nil, err
	}
	by := map[string]*AgencyImpact{}
	var out []AgencyImpact
	for _, c := range tally {
		a := by[c.Agency]
		if a == nil {
			a = &AgencyImpact{Agency: c.Agency}
			by[c.Agency] = a
		}
		a.Open += c.Open
		a.Impact += c.Impact
	}
	for _, a := range by {
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b AgencyImpact) int {
		return cmp.Or(cmp.Compare(b.Impact, a.Impact), cmp.Compare(a.Agency, b.Agency))
	})
	return out, nil
}

// Decision is a data officer's decision on findings: the status they set
// (fixed, not_defect, or open again), why, and who they are.
type Decision struct {
	Status  string
	Reason  string
	Officer string
}

func (d Decision) validate() error {
	if d.Status != FindingOpen && d.Status != FindingFixed && d.Status != FindingNotDefect {
		return fmt.Errorf("status %q cannot be set by hand (want open, fixed or not_defect): %w", d.Status, ErrInvalid)
	}
	if strings.TrimSpace(d.Officer) == "" {
		return fmt.Errorf("a decision needs the officer who makes it: %w", ErrInvalid)
	}
	return nil
}

// DecideFinding records a data officer's decision on one finding, in the
// finding (status, note, decided_by, status_at) and in the decision log,
// in one transaction. It returns ErrNotFound for an unknown id.
func (s *Store) DecideFinding(ctx context.Context, id string, d Decision) error {
	n, err := s.decide(ctx, `f.id = ?`, []any{id}, d, "", false)
	if err != nil {
		return fmt.Errorf("finding %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("finding %s: %w", id, ErrNotFound)
	}
	return nil
}

// DecideFindings records one decision on every finding f selects (its
// limit, offset and order are ignored; resolved findings are never
// changed), in one transaction, and returns how many findings it changed.
// Every finding's log entry carries the same bulk id, so that an auditor
// sees the findings decided together. A filter naming a source or agency
// that does not exist changes nothing.
func (s *Store) DecideFindings(ctx context.Context, f FindingFilter, d Decision) (int, error) {
	owners, err := s.sourceOwners(ctx)
	if err != nil {
		return 0, fmt.Errorf("bulk decision: %w", err)
	}
	where, args, ok := findingConds(f, owners)
	if !ok {
		return 0, nil
	}
	if f.Kind != "" {
		where, args = where+" AND f.kind = ?", append(args, f.Kind)
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, fmt.Errorf("bulk decision: %w", err)
	}
	n, err := s.decide(ctx, where, args, d, hex.EncodeToString(b[:]), true)
	if err != nil {
		return 0, fmt.Errorf("bulk decision: %w", err)
	}
	return n, nil
}

// decide applies d to the findings where selects (over quality_findings
// f), but for resolved ones when skipResolved is set, logging each under
// bulk.
func (s *Store) decide(ctx context.Context, where string, args []any, d Decision, bulk string, skipResolved bool) (int, error) {
	if err := d.validate(); err != nil {
		return 0, err
	}
	if skipResolved {
		where += " AND f.status <> 'resolved'"
	}
	now := s.dialect.timeArg(time.Now())
	var n int64
	err := s.inTx(ctx, func(tx *tx) error {
		_, err := tx.ExecContext(ctx, s.dialect.rebind(`INSERT INTO finding_decisions (finding_id, status, reason, officer, bulk, decided_at)
			SELECT f.id, ?, ?, ?, ?, ? FROM quality_findings f WHERE `+where),
			append([]any{d.Status, d.Reason, d.Officer, bulk, now}, args...)...)
		if err != nil {
			return fmt.Errorf("log: %w", err)
		}
		res, err := tx.ExecContext(ctx, s.dialect.rebind(`UPDATE quality_findings SET status = ?, note = ?, decided_by = ?, status_at = ?
			WHERE id IN (SELECT f.id FROM quality_findings f WHERE `+where+`)`),
			append([]any{d.Status, d.Reason, d.Officer, now}, args...)...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, err
	}
	s.changes.Add(1)
	return int(n), nil
}

// FindingDecision is one entry of the decision log.
type FindingDecision struct {
	FindingID string
	Decision
	Bulk      string // shared by the findings of one bulk decision; "" for one finding
	DecidedAt time.Time
}

// FindingDecisions returns the decisions made on a finding, oldest first.
func (s *Store) FindingDecisions(ctx context.Context, id string) ([]FindingDecision, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT finding_id, status, reason, officer, bulk, decided_at
		FROM finding_decisions WHERE finding_id = ? ORDER BY id`), id)
	if err != nil {
		return nil, fmt.Errorf("finding %s decisions: %w", id, err)
	}
	defer rows.Close()
	var out []FindingDecision
	for rows.Next() {
		var d FindingDecision
		if err := rows.Scan(&d.FindingID, &d.Status, &d.Reason, &d.Officer, &d.Bulk, timeValue{&d.DecidedAt}); err != nil {
			return nil, fmt.Errorf("finding %s decisions: %w", id, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CowGroup is the open findings about the animals of one owner in one
// place: the virtual cows of a herd, one line for a data officer instead of
// one per animal.
type CowGroup struct {
	// Owner is the owner's entity id, "" when the animals' owner IIN names
	// no one the registers know; OwnerName and OwnerIIN come from the
	// owner's golden record.
	Owner, OwnerName, OwnerIIN string
	// Herd is where the animals are kept, as their golden records' region
	// says ("" when unknown): the registers carry no holding id yet.
	Herd string
	// Animals counts the animals with open findings, Findings the findings.
	Animals, Findings int
	// Checks are the checks that found them, by name.
	Checks []string
	// Examples are a few of the animals (entity ids), by id.
	Examples []string
}

// CowFilter selects cow groups: the animal sources' open findings, of one
// source or check when set.
type CowFilter struct {
	Source, Check string
	Examples      int // animals named per group; default 3
	Limit         int // default 50
	Offset        int
}

// CowGroups groups the open findings about animals (the records of
// sources whose entity is "animal") by the animals' owner and herd, the
// largest group first, and returns one page of groups and how many there
// are.
func (s *Store) CowGroups(ctx context.Context, f CowFilter) ([]CowGroup, int, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Examples <= 0 {
		f.Examples = 3
	}
	conds := []string{`f.status = 'open'`, `f.entity_id <> ''`, `f.source_id IN (SELECT id FROM sources WHERE entity = 'animal')`}
	var args []any
	if f.Source != "" {
		conds, args = append(conds, `f.source_id IN (SELECT id FROM sources WHERE name = ?)`), append(args, f.Source)
	}
	if f.Check != "" {
		conds, args = append(conds, `f.check_name = ?`), append(args, f.Check)
	}
	from := `FROM quality_findings f JOIN golden_records g ON g.entity_id = f.entity_id WHERE ` + strings.Join(conds, " AND ")
	var total int
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*) FROM (SELECT g.owner_id, g.region `+from+`
		GROUP BY g.owner_id, g.region) c`), args...).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("cow groups: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT g.owner_id, g.region, COUNT(DISTINCT f.entity_id), COUNT(*) `+from+`
		GROUP BY g.owner_id, g.region ORDER BY COUNT(DISTINCT f.entity_id) DESC, g.owner_id, g.region LIMIT ? OFFSET ?`),
		append(slices.Clone(args), f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("cow groups: %w", err)
	}
	var out []CowGroup
	for rows.Next() {
		var c CowGroup
		if err := rows.Scan(&c.Owner, &c.Herd, &c.Animals, &c.Findings); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("cow groups: %w", err)
		}
		out = append(out, c)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, 0, fmt.Errorf("cow groups: %w", err)
	}
	var owners []string
	for _, c := range out {
		if c.Owner != "" {
			owners = append(owners, c.Owner)
		}
	}
	if err := s.cowDetails(ctx, from, args, f.Examples, out); err != nil {
		return nil, 0, fmt.Errorf("cow groups: %w", err)
	}
	brief, err := s.GoldenBrief(ctx, owners)
	if err != nil {
		return nil, 0, fmt.Errorf("cow groups: %w", err)
	}
	for i := range out {
		if g, ok := brief[out[i].Owner]; ok {
			out[i].OwnerName, out[i].OwnerIIN = g.Name, g.NationalID
		}
	}
	return out, total, nil
}

// cowDetails fills in the checks and the first examples (by id) of the
// page's groups, in one query over the findings of the page's owners
// however many groups the page shows.
func (s *Store) cowDetails(ctx context.Context, from string, args []any, examples int, groups []CowGroup) error {
	if len(groups) == 0 {
		return nil
	}
	type key struct{ owner, herd string }
	index := make(map[key]*CowGroup, len(groups))
	owners := make([]any, 0, len(groups))
	seenOwner := map[string]bool{}
	for i := range groups {
		g := &groups[i]
		index[key{g.Owner, g.Herd}] = g
		if !seenOwner[g.Owner] {
			seenOwner[g.Owner] = true
			owners = append(owners, g.Owner)
		}
	}
	q := `SELECT g.owner_id, g.region, f.check_name, f.entity_id ` + from + ` AND g.owner_id IN (?` +
		strings.Repeat(", ?", len(owners)-1) + `) ORDER BY f.entity_id`
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q), append(slices.Clone(args), owners...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	checks := map[*CowGroup]map[string]bool{}
	for rows.Next() {
		var k key
		var check, id string
		if err := rows.Scan(&k.owner, &k.herd, &check, &id); err != nil {
			return err
		}
		g := index[k]
		if g == nil {
			continue // another herd of a listed owner, on another page
		}
		if checks[g] == nil {
			checks[g] = map[string]bool{}
		}
		checks[g][check] = true
		if n := len(g.Examples); n < examples && (n == 0 || g.Examples[n-1] != id) {
			g.Examples = append(g.Examples, id)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for g, cs := range checks {
		g.Checks = slices.Sorted(maps.Keys(cs))
	}
	return nil
}
