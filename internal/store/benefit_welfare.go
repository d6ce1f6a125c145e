package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// WellbeingRow is one household's well-being score as a run computed it
// (see internal/wellbeing): Level A..E, the score Units/Den, the
// indicators it is deprived in (bit j of Mask) and whether it is poor.
type WellbeingRow struct {
	Household string
	RunID     int64 // set by AddWellbeing
	Region    string
	Level     string
	Units     int64
	Den       int64
	Mask      uint64
	Poor      bool
}

// wellbeingBatch is how many scores a DecisionWriter holds before writing
// them.
const wellbeingBatch = 5000

// AddWellbeing queues the score of one household, written with the run's
// decisions: it replaces the household's previous score at Commit.
func (w *DecisionWriter) AddWellbeing(ctx context.Context, r WellbeingRow) error {
	if r.Household == "" || r.Level == "" {
		return fmt.Errorf("add well-being: %w", ErrInvalid)
	}
	r.RunID = w.run.ID
	w.wellbeing = append(w.wellbeing, r)
	if len(w.wellbeing) >= wellbeingBatch {
		return w.flush(ctx)
	}
	return nil
}

// SetWellbeingResult makes Commit store result, the run's aggregate well-
// being index as JSON, for the console.
func (w *DecisionWriter) SetWellbeingResult(result []byte) { w.result = result }

// SetWatermark makes Commit record that the run saw every ingest run up to
// and including id (see BenefitWatermark).
func (w *DecisionWriter) SetWatermark(id int64) { w.watermark = id }

func (w *DecisionWriter) writeWellbeing(ctx context.Context) error {
	if len(w.wellbeing) == 0 {
		return nil
	}
	rows := w.wellbeing
	// A household scored twice in one batch keeps its later score.
	last := make(map[string]int, len(rows))
	for i := range rows {
		last[rows[i].Household] = i
	}
	households := make([]string, 0, len(last))
	keep := make([]WellbeingRow, 0, len(last))
	for i := range rows {
		if last[rows[i].Household] == i {
			households = append(households, rows[i].Household)
			keep = append(keep, rows[i])
		}
	}
	if err := w.a.deleteHouseholds(ctx, "benefit_wellbeing", households); err != nil {
		return err
	}
	err := w.a.insertRows(ctx, "benefit_wellbeing", []string{"household", "run_id", "region", "level", "units", "den",
		"mask", "poor"}, len(keep), func(args []any, i int) []any {
		r := &keep[i]
		return append(args, r.Household, r.RunID, r.Region, r.Level, r.Units, r.Den, int64(r.Mask), boolInt(r.Poor))
	})
	if err != nil {
		return err
	}
	w.wellbeing = w.wellbeing[:0]
	return nil
}

func (w *DecisionWriter) commitWelfare(ctx context.Context) error {
	if w.result != nil {
		if _, err := w.a.exec(ctx, `INSERT INTO benefit_wellbeing_runs (run_id, result) VALUES (?, ?)`,
			w.run.ID, string(w.result)); err != nil {
			return err
		}
	}
	if w.watermark > 0 {
		if _, err := w.a.exec(ctx, `INSERT INTO benefit_watermarks (run_id, source_run) VALUES (?, ?)`,
			w.run.ID, w.watermark); err != nil {
			return err
		}
	}
	return nil
}

// BenefitWatermark returns the highest ingest run the latest decision run
// that recorded one had seen (0 when none did), and that run's id.
func (s *Store) BenefitWatermark(ctx context.Context) (sourceRun, run int64, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT source_run, run_id FROM benefit_watermarks
		ORDER BY run_id DESC LIMIT 1`).Scan(&sourceRun, &run)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("benefit watermark: %w", err)
	}
	return sourceRun, run, nil
}

// LatestIngestRun returns the highest id of a committed ingest run, 0 when
// there is none. A decision run that reads golden records built after it
// records it as its watermark.
func (s *Store) LatestIngestRun(ctx context.Context) (int64, error) {
	var id int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM ingest_runs
		WHERE finished_at IS NOT NULL`).Scan(&id); err != nil {
		return 0, fmt.Errorf("latest ingest run: %w", err)
	}
	return id, nil
}

// WellbeingResult returns the aggregate well-being index stored by the
// latest run that stored one (JSON), with the run's id; ErrNotFound when
// no run did.
func (s *Store) WellbeingResult(ctx context.Context) ([]byte, int64, error) {
	var (
		run    int64
		result string
	)
	err := s.db.QueryRowContext(ctx, `SELECT run_id, result FROM benefit_wellbeing_runs
		ORDER BY run_id DESC LIMIT 1`).Scan(&run, &result)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("well-being result: %w", ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("well-being result: %w", err)
	}
	return []byte(result), run, nil
}

// Wellbeing returns a household's stored score, or ErrNotFound.
func (s *Store) Wellbeing(ctx context.Context, household string) (WellbeingRow, error) {
	var (
		r    WellbeingRow
		mask int64
		poor int64
	)
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT household, run_id, region, level, units, den, mask, poor
		FROM benefit_wellbeing WHERE household = ?`), household).Scan(&r.Household, &r.RunID, &r.Region, &r.Level,
		&r.Units, &r.Den, &mask, &poor)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("well-being of %s: %w", household, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("well-being of %s: %w", household, err)
	}
	r.Mask, r.Poor = uint64(mask), poor != 0
	return r, nil
}

// CurrentDecision is a household's current decision as CurrentDecisions
// streams it, with the level of its stored well-being score ("" when
// none).
type CurrentDecision struct {
	BenefitDecision
	Level string
}

// CurrentDecisions streams every household's current decision to fn, by
// household. With every > 1 it streams only those whose decision id is a
// multiple of every: a deterministic sample of about 1/every of them. An
// error from fn stops the stream and is returned as is.
func (s *Store) CurrentDecisions(ctx context.Context, every int64, fn func(CurrentDecision) error) error {
	every = max(every, 1)
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+decisionColumns+`, COALESCE(w.level, '')
		FROM benefit_decisions d LEFT JOIN benefit_wellbeing w ON w.household = d.household
		WHERE d.id % ? = 0 AND NOT EXISTS (SELECT 1 FROM benefit_decisions n WHERE n.household = d.household AND n.id > d.id)
		ORDER BY d.household`), every)
	if err != nil {
		return fmt.Errorf("current decisions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c CurrentDecision
		var results string
		if err := rows.Scan(&c.ID, &c.RunID, &c.Household, &c.DecisionDate, &c.Inputs, &c.InputsHash, &c.Versions,
			&results, timeValue{&c.CreatedAt}, &c.Level); err != nil {
			return fmt.Errorf("current decisions: %w", err)
		}
		if c.Outcomes, err = decodeOutcomes(results); err != nil {
			return fmt.Errorf("current decisions: %w", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("current decisions: %w", err)
	}
	return nil
}

// CountHouseholds returns how many households have a decision.
func (s *Store) CountHouseholds(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT household) FROM benefit_decisions`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count households: %w", err)
	}
	return n, nil
}

// CurrentKey is what decides whether a new decision on a household
// differs from its current one: the inputs' hash and the versions.
type CurrentKey struct {
	InputsHash []byte
	Versions   string
}

// CurrentKeys streams every household's current inputs hash and versions
// to fn.
func (s *Store) CurrentKeys(ctx context.Context, fn func(household string, k CurrentKey) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT d.household, d.inputs_hash, d.versions FROM benefit_decisions d
		WHERE NOT EXISTS (SELECT 1 FROM benefit_decisions n WHERE n.household = d.household AND n.id > d.id)`)
	if err != nil {
		return fmt.Errorf("current keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			h string
			k CurrentKey
		)
		if err := rows.Scan(&h, &k.InputsHash, &k.Versions); err != nil {
			return fmt.Errorf("current keys: %w", err)
		}
		if err := fn(h, k); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("current keys: %w", err)
	}
	return nil
}

// HouseholdsOfPersons returns the households whose members, as of their
// current decisions, include any of the person entities, sorted.
func (s *Store) HouseholdsOfPersons(ctx context.Context, persons []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for lo := 0; lo < len(persons); lo += refChunk {
		chunk := persons[lo:min(len(persons), lo+refChunk)]
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT DISTINCT household FROM benefit_household_members
			WHERE person IN (`+placeholders(len(chunk))+`)`), stringArgs(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("households of persons: %w", err)
		}
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return nil, fmt.Errorf("households of persons: %w", err)
			}
			if !seen[h] {
				seen[h] = true
				out = append(out, h)
			}
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("households of persons: %w", err)
		}
	}
	slices.Sort(out)
	return out, nil
}

// RuleVersionsByID returns the rule versions with the given ids, active
// or withdrawn, by id: what a past decision was made with.
func (s *Store) RuleVersionsByID(ctx context.Context, ids []int64) ([]RuleVersion, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	out, err := queryAll(ctx, s, `SELECT `+ruleVersionColumns+` FROM benefit_rule_versions
		WHERE id IN (`+placeholders(len(ids))+`) ORDER BY id`, scanRuleVersion, args...)
	if err != nil {
		return nil, fmt.Errorf("rule versions: %w", err)
	}
	if len(out) != len(ids) {
		return nil, fmt.Errorf("rule versions: %d of %d: %w", len(out), len(ids), ErrNotFound)
	}
	return out, nil
}

// Languages a citizen may prefer.
var citizenLanguages = map[string]bool{"kk": true, "ru": true, "en": true}

// SetLanguage records the language (kk, ru or en) the citizen with iin
// last used in the wallet. ErrInvalid for another language.
func (s *Store) SetLanguage(ctx context.Context, iin, lang string, at time.Time) error {
	if iin == "" || !citizenLanguages[lang] {
		return fmt.Errorf("set language %q: %w", lang, ErrInvalid)
	}
	d := s.dialect
	_, err := s.w.ExecContext(ctx, d.rebind(`INSERT INTO citizen_languages (iin, lang, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (iin) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at`), iin, lang, d.timeArg(at))
	if err != nil {
		return fmt.Errorf("set language: %w", err)
	}
	return nil
}

// Language returns the language the citizen with iin last used in the
// wallet, "" when unknown.
func (s *Store) Language(ctx context.Context, iin string) (string, error) {
	var lang string
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT lang FROM citizen_languages WHERE iin = ?`), iin).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("language: %w", err)
	}
	return lang, nil
}

// RunEvents returns the events of kind that the decisions of run raised,
// after event id after, oldest first, at most limit.
func (s *Store) RunEvents(ctx context.Context, run int64, kind string, after int64, limit int) ([]BenefitEvent, error) {
	out, err := queryAll(ctx, s, `SELECT `+eventColumns+` FROM benefit_events e JOIN benefit_decisions d ON d.id = e.decision_id
		WHERE d.run_id = ? AND e.kind = ? AND e.id > ? ORDER BY e.id LIMIT ?`, scanEvent, run, kind, after, limit)
	if err != nil {
		return nil, fmt.Errorf("events of run %d: %w", run, err)
	}
	return out, nil
}
