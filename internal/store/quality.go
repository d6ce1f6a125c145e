package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// QualityRun is one run of the quality checks over the whole store.
type QualityRun struct {
	ID         int64
	StartedAt  time.Time
	FinishedAt time.Time
	AsOf       time.Time
	Checks     int
	Findings   int     // open findings after the run
	Score      float64 // the national score, 0..100
}

// CheckResult is one check's outcome on one source in one run.
type CheckResult struct {
	RunID       int64
	Source      string
	Agency      string
	Name        string
	Kind        string
	Dimension   string
	Severity    string
	Description string
	// DescriptionKey and DescriptionArgs are Description as a message of
	// quality.Messages ("" for a description written in quality.yaml).
	DescriptionKey  string
	DescriptionArgs []string
	Failed          int
	Total           int
}

// Score is a score of one scope in one run: a source (Key is its name), an
// agency (its code) or the nation (Key "").
type Score struct {
	RunID   int64
	Scope   string
	Key     string
	Score   float64
	Records int
}

// Score scopes.
const (
	ScopeSource = "source"
	ScopeAgency = "agency"
	ScopeNation = "nation"
)

// Alert is a metric that moved against its history in a run.
type Alert struct {
	RunID    int64
	Scope    string
	Key      string
	Check    string
	Value    float64
	Baseline float64
	Message  string
}

// Finding is one defect a check found in one record (or quarantined row),
// with its place in a data officer's work list.
type Finding struct {
	ID         string // stable across runs: see quality.FindingID
	Source     string
	Agency     string
	Check      string
	Kind       string
	RecordID   string
	Line       int
	EntityID   string
	Severity   string // the check's: error, warning or info
	Value      string
	Reason     string // in English; ReasonKey renders it in any language
	Suggestion string // in English; SuggestionKey renders it in any language
	// ReasonKey and SuggestionKey are keys of quality.Messages, with their
	// arguments; "" for findings stored before texts were keyed.
	ReasonKey      string
	ReasonArgs     []string
	SuggestionKey  string
	SuggestionArgs []string
	Related        []string
	Status         string
	FirstRun       int64 // 0 on save: this run
	LastRun        int64 // 0 on save: this run
	StatusAt       time.Time
	Note           string // the reason given with the last decision
	DecidedBy      string // the officer who made the last decision
}

// Finding statuses. A data officer marks an open finding fixed or not a
// defect; the next run resolves a fixed finding the data no longer shows,
// and reopens one it still shows.
const (
	FindingOpen      = "open"
	FindingFixed     = "fixed"
	FindingNotDefect = "not_defect"
	FindingResolved  = "resolved"
)

// ValidFindingStatus reports whether s is a finding status.
func ValidFindingStatus(s string) bool {
	switch s {
	case FindingOpen, FindingFixed, FindingNotDefect, FindingResolved:
		return true
	}
	return false
}

// QualitySave is everything one quality run writes.
type QualitySave struct {
	Run      QualityRun
	Results  []CheckResult
	Scores   []Score
	Alerts   []Alert
	Findings []Finding // every finding to keep, new, carried over and resolved

	// Progress, when set, is told how many rows were just written after
	// each batch of Results, Scores, Alerts, Findings, Units (those with a
	// tally) and Keys, whose lengths add up to what it is told in all.
	Progress func(rows int)

	// State, when set, is saved as the new QualityState (its RunID
	// becomes the new run's), with Units and Keys: all of them, replacing
	// every stored one, or with Partial the tallies of the units listed in
	// Units, and the keys of the units listed in KeyUnits, replaced by
	// those of Keys.
	State    *QualityState
	Units    []UnitTally
	Keys     []UnitKey
	KeyUnits []string
	// Partial makes the run replace only the stored findings whose ids
	// are in Replace (those the run examined again) with Findings, and
	// keep every other; Run.Findings is then counted from the stored
	// findings and set in q.
	Partial bool
	Replace []string
}

// SaveQuality stores a quality run in one transaction and returns its id:
// the run, its results, scores and alerts, and the findings, which replace
// the stored ones whole. A FirstRun or LastRun of 0 becomes the new run's id.
func (s *Store) SaveQuality(ctx context.Context, q *QualitySave) (int64, error) {
	a, err := s.beginApply(ctx)
	if err != nil {
		return 0, fmt.Errorf("save quality run: %w", err)
	}
	defer a.rollback()
	a.progress = q.Progress
	srcs, err := sourceIDs(ctx, a.conn)
	if err != nil {
		return 0, fmt.Errorf("save quality run: %w", err)
	}
	d := s.dialect
	r := q.Run
	err = a.conn.QueryRowContext(ctx, d.rebind(`INSERT INTO quality_runs (started_at, finished_at, as_of, checks, findings, score)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		d.timeArg(r.StartedAt), d.timeArg(a.now), d.timeArg(r.AsOf), r.Checks, r.Findings, r.Score).Scan(&a.runID)
	if err != nil {
		return 0, fmt.Errorf("save quality run: %w", err)
	}
	if err := a.saveQuality(ctx, q, srcs); err != nil {
		return 0, fmt.Errorf("save quality run: %w", err)
	}
	if q.Partial {
		if err := a.countOpen(ctx, q); err != nil {
			return 0, fmt.Errorf("save quality run: %w", err)
		}
	}
	if err := a.commit(ctx); err != nil {
		return 0, fmt.Errorf("save quality run: %w", err)
	}
	return a.runID, nil
}

func (a *applyTx) saveQuality(ctx context.Context, q *QualitySave, srcs map[string]int64) error {
	id := a.runID
	source := func(name string) (int64, error) {
		sid, ok := srcs[name]
		if !ok {
			return 0, fmt.Errorf("source %q: %w", name, ErrNotFound)
		}
		return sid, nil
	}
	for _, r := range q.Results {
		if _, err := source(r.Source); err != nil {
			return err
		}
	}
	descArgs := make([]string, len(q.Results))
	for i := range q.Results {
		b, err := json.Marshal(nonNilSlice(q.Results[i].DescriptionArgs))
		if err != nil {
			return fmt.Errorf("results: %w", err)
		}
		descArgs[i] = string(b)
	}
	err := a.insertRows(ctx, "quality_results", []string{"run_id", "source_id", "check_name", "kind", "dimension",
		"severity", "description", "description_key", "description_args", "failed", "total"}, len(q.Results), func(args []any, i int) []any {
		r := &q.Results[i]
		return append(args, id, srcs[r.Source], r.Name, r.Kind, r.Dimension, r.Severity, r.Description, r.DescriptionKey,
			descArgs[i], r.Failed, r.Total)
	})
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	err = a.insertRows(ctx, "quality_scores", []string{"run_id", "scope", "key", "score", "records"}, len(q.Scores),
		func(args []any, i int) []any {
			sc := &q.Scores[i]
			return append(args, id, sc.Scope, sc.Key, sc.Score, sc.Records)
		})
	if err != nil {
		return fmt.Errorf("scores: %w", err)
	}
	err = a.insertRows(ctx, "quality_alerts", []string{"run_id", "scope", "key", "check_name", "value", "baseline", "message"},
		len(q.Alerts), func(args []any, i int) []any {
			al := &q.Alerts[i]
			return append(args, id, al.Scope, al.Key, al.Check, al.Value, al.Baseline, al.Message)
		})
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	if err := a.dropFindings(ctx, q); err != nil {
		return fmt.Errorf("findings: %w", err)
	}
	// related, reason arguments and suggestion arguments of each finding,
	// as JSON.
	jsonCols := make([][3]string, len(q.Findings))
	for i := range q.Findings {
		f := &q.Findings[i]
		if _, err := source(f.Source); err != nil {
			return fmt.Errorf("finding %s: %w", f.ID, err)
		}
		if !ValidFindingStatus(f.Status) {
			return fmt.Errorf("finding %s: unknown status %q", f.ID, f.Status)
		}
		for j, l := range [][]string{f.Related, f.ReasonArgs, f.SuggestionArgs} {
			b, err := json.Marshal(nonNilSlice(l))
			if err != nil {
				return fmt.Errorf("finding %s: %w", f.ID, err)
			}
			jsonCols[i][j] = string(b)
		}
	}
	d := a.s.dialect
	// In id order: the table and its primary key grow at their end
	// instead of splitting pages all over a B-tree larger than the cache.
	order := inOrder(len(q.Findings), func(i, j int) int { return cmp.Compare(q.Findings[i].ID, q.Findings[j].ID) })
	err = a.insertRows(ctx, "quality_findings", findingColumnList, len(q.Findings), func(args []any, k int) []any {
		i := order[k]
		f := &q.Findings[i]
		first, last := f.FirstRun, f.LastRun
		if first == 0 {
			first = id
		}
		if last == 0 {
			last = id
		}
		at := f.StatusAt
		if at.IsZero() {
			at = a.now
		}
		return append(args, f.ID, srcs[f.Source], f.Check, f.Kind, f.RecordID, f.Line, f.EntityID, f.Value,
			f.Reason, f.Suggestion, jsonCols[i][0], f.Status, first, last, d.timeArg(at), f.Note,
			f.Severity, f.ReasonKey, jsonCols[i][1], f.SuggestionKey, jsonCols[i][2], f.DecidedBy)
	})
	if err != nil {
		return fmt.Errorf("findings: %w", err)
	}
	if q.State == nil {
		return nil
	}
	return a.saveQualityState(ctx, q)
}

// inOrder returns the indexes 0..n-1 sorted by compare.
func inOrder(n int, compare func(i, j int) int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, compare)
	return order
}

var findingColumnList = []string{"id", "source_id", "check_name", "kind", "record_id", "line", "entity_id", "value",
	"reason", "suggestion", "related", "status", "first_run", "last_run", "status_at", "note",
	"severity", "reason_key", "reason_args", "suggestion_key", "suggestion_args", "decided_by"}

func nonNilSlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// sourceIDs maps every source name to its id.
func sourceIDs(ctx context.Context, q queryer) (map[string]int64, error) {
	infos, err := sourceInfos(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(infos))
	for id, si := range infos {
		out[si.name] = id
	}
	return out, nil
}

// QualityRuns lists the newest quality runs first, at most limit.
func (s *Store) QualityRuns(ctx context.Context, limit int) ([]QualityRun, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT id, started_at, finished_at, as_of, checks, findings, score
		FROM quality_runs ORDER BY id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("quality runs: %w", err)
	}
	defer rows.Close()
	var out []QualityRun
	for rows.Next() {
		var r QualityRun
		if err := rows.Scan(&r.ID, timeValue{&r.StartedAt}, timeValue{&r.FinishedAt}, timeValue{&r.AsOf},
			&r.Checks, &r.Findings, &r.Score); err != nil {
			return nil, fmt.Errorf("quality runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CheckResults returns a run's check results, of one source when source is
// not "", by agency, source and check name.
func (s *Store) CheckResults(ctx context.Context, runID int64, source string) ([]CheckResult, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT r.run_id, s.name, a.code, r.check_name, r.kind, r.dimension,
			r.severity, r.description, r.description_key, r.description_args, r.failed, r.total
		FROM quality_results r JOIN sources s ON s.id = r.source_id JOIN agencies a ON a.id = s.agency_id
		WHERE r.run_id = ? AND (? = '' OR s.name = ?)
		ORDER BY a.code, s.name, r.check_name`), runID, source, source)
	if err != nil {
		return nil, fmt.Errorf("check results: %w", err)
	}
	defer rows.Close()
	var out []CheckResult
	for rows.Next() {
		var (
			c    CheckResult
			args []byte
		)
		if err := rows.Scan(&c.RunID, &c.Source, &c.Agency, &c.Name, &c.Kind, &c.Dimension, &c.Severity, &c.Description,
			&c.DescriptionKey, jsonValue{&args}, &c.Failed, &c.Total); err != nil {
			return nil, fmt.Errorf("check results: %w", err)
		}
		if err := json.Unmarshal(args, &c.DescriptionArgs); err != nil {
			return nil, fmt.Errorf("check results: %s: description args: %w", c.Name, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CheckHistory returns, for each run among the newest limit quality runs
// (oldest first), the result of every check of every source: the failed
// and total counts by "source/check".
func (s *Store) CheckHistory(ctx context.Context, limit int) (map[string][]CheckResult, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT r.run_id, s.name, r.check_name, r.failed, r.total
		FROM quality_results r JOIN sources s ON s.id = r.source_id
		WHERE r.run_id IN (SELECT id FROM quality_runs ORDER BY id DESC LIMIT ?)
		ORDER BY r.run_id`), limit)
	if err != nil {
		return nil, fmt.Errorf("check history: %w", err)
	}
	defer rows.Close()
	out := map[string][]CheckResult{}
	for rows.Next() {
		var c CheckResult
		if err := rows.Scan(&c.RunID, &c.Source, &c.Name, &c.Failed, &c.Total); err != nil {
			return nil, fmt.Errorf("check history: %w", err)
		}
		k := c.Source + "/" + c.Name
		out[k] = append(out[k], c)
	}
	return out, rows.Err()
}

// Scores returns the scores of a run, of one scope when scope is not "".
func (s *Store) Scores(ctx context.Context, runID int64, scope string) ([]Score, error) {
	return s.scores(ctx, `SELECT run_id, scope, key, score, records FROM quality_scores
		WHERE run_id = ? AND (? = '' OR scope = ?) ORDER BY scope, key`, runID, scope, scope)
}

// ScoreHistory returns the scores of one scope and key over the newest
// limit runs, oldest first.
func (s *Store) ScoreHistory(ctx context.Context, scope, key string, limit int) ([]Score, error) {
	return s.scores(ctx, `SELECT run_id, scope, key, score, records FROM (
		SELECT run_id, scope, key, score, records FROM quality_scores WHERE scope = ? AND key = ?
		ORDER BY run_id DESC LIMIT ?) h ORDER BY run_id`, scope, key, limit)
}

func (s *Store) scores(ctx context.Context, q string, args ...any) ([]Score, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("scores: %w", err)
	}
	defer rows.Close()
	var out []Score
	for rows.Next() {
		var sc Score
		if err := rows.Scan(&sc.RunID, &sc.Scope, &sc.Key, &sc.Score, &sc.Records); err != nil {
			return nil, fmt.Errorf("scores: %w", err)
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// Alerts returns the alerts a run raised.
func (s *Store) Alerts(ctx context.Context, runID int64) ([]Alert, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT run_id, scope, key, check_name, value, baseline, message
		FROM quality_alerts WHERE run_id = ? ORDER BY id`), runID)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var al Alert
		if err := rows.Scan(&al.RunID, &al.Scope, &al.Key, &al.Check, &al.Value, &al.Baseline, &al.Message); err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		out = append(out, al)
	}
	return out, rows.Err()
}

// FindingFilter selects findings; zero fields select all.
type FindingFilter struct {
	Source   string
	Agency   string
	Check    string
	Kind     string
	Status   string // one status; "" means open and fixed (still to confirm)
	EntityID string
	// Search keeps findings whose record id or entity id is Search, or
	// whose value contains it (ASCII letters in any case).
	Search string
	// ByImpact orders a work list check by check, the checks of most
	// impact first (Impact of the selected findings and the check's
	// severity), rather than by agency, source and check.
	ByImpact bool
	Limit    int // default 100; negative means no limit
	Offset   int
}

const findingColumns = `f.id, s.name, a.code, f.check_name, f.kind, f.record_id, f.line, f.entity_id, f.value, f.reason,
	f.suggestion, f.related, f.status, f.first_run, f.last_run, f.status_at, f.note,
	f.severity, f.reason_key, f.reason_args, f.suggestion_key, f.suggestion_args, f.decided_by`

func scanFinding(sc interface{ Scan(...any) error }) (Finding, error) {
	var (
		f                          Finding
		related, reasonA, suggestA []byte
	)
	if err := sc.Scan(&f.ID, &f.Source, &f.Agency, &f.Check, &f.Kind, &f.RecordID, &f.Line, &f.EntityID, &f.Value,
		&f.Reason, &f.Suggestion, jsonValue{&related}, &f.Status, &f.FirstRun, &f.LastRun, timeValue{&f.StatusAt}, &f.Note,
		&f.Severity, &f.ReasonKey, jsonValue{&reasonA}, &f.SuggestionKey, jsonValue{&suggestA}, &f.DecidedBy); err != nil {
		return f, err
	}
	for _, c := range []struct {
		name string
		b    []byte
		to   *[]string
	}{{"related", related, &f.Related}, {"reason args", reasonA, &f.ReasonArgs}, {"suggestion args", suggestA, &f.SuggestionArgs}} {
		if err := json.Unmarshal(c.b, c.to); err != nil {
			return f, fmt.Errorf("finding %s: %s: %w", f.ID, c.name, err)
		}
	}
	return f, nil
}

func (f FindingFilter) where() (string, []any) {
	statusAll := f.Status == ""
	return `FROM quality_findings f JOIN sources s ON s.id = f.source_id JOIN agencies a ON a.id = s.agency_id
		WHERE (? = '' OR s.name = ?) AND (? = '' OR a.code = ?) AND (? = '' OR f.check_name = ?)
		AND (? = '' OR f.kind = ?) AND (? = '' OR f.entity_id = ?)
		AND (? = '' OR f.record_id = ? OR f.entity_id = ? OR LOWER(f.value) LIKE ? ESCAPE '\')
		AND ((? AND f.status IN ('open', 'fixed')) OR f.status = ?)`,
		[]any{f.Source, f.Source, f.Agency, f.Agency, f.Check, f.Check, f.Kind, f.Kind, f.EntityID, f.EntityID,
			f.Search, f.Search, f.Search, "%" + likeEscaper.Replace(strings.ToLower(f.Search)) + "%", statusAll, f.Status}
}

// Findings returns the findings f selects, by source, check and record, and
// how many there are in all.
func (s *Store) Findings(ctx context.Context, f FindingFilter) ([]Finding, int, error) {
	if f.Limit == 0 {
		f.Limit = 100
	}
	from, args := f.where()
	var total int
	if err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*) `+from), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("findings: %w", err)
	}
	q := `SELECT ` + findingColumns + ` ` + from + ` ORDER BY s.name, f.check_name, f.record_id, f.line`
	if f.Limit > 0 {
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("findings: %w", err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		fd, err := scanFinding(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("findings: %w", err)
		}
		out = append(out, fd)
	}
	return out, total, rows.Err()
}

// EachFinding streams every stored finding to fn, in no particular order.
func (s *Store) EachFinding(ctx context.Context, fn func(Finding) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT `+findingColumns+` FROM quality_findings f
		JOIN sources s ON s.id = f.source_id JOIN agencies a ON a.id = s.agency_id`)
	if err != nil {
		return fmt.Errorf("findings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		fd, err := scanFinding(rows)
		if err != nil {
			return fmt.Errorf("findings: %w", err)
		}
		if err := fn(fd); err != nil {
			return err
		}
	}
	return rows.Err()
}

// FindingCount is the number of findings of one check of one source, by
// status.
type FindingCount struct {
	Source, Agency, Check, Kind string
	Open, Fixed, NotDefect      int
}

// Finding returns one finding, or ErrNotFound.
func (s *Store) Finding(ctx context.Context, id string) (Finding, error) {
	f, err := scanFinding(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+findingColumns+` FROM quality_findings f
		JOIN sources s ON s.id = f.source_id JOIN agencies a ON a.id = s.agency_id WHERE f.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("finding %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return f, fmt.Errorf("finding %s: %w", id, err)
	}
	return f, nil
}

// SetFindingStatus records a data officer's decision on a finding: fixed,
// not_defect, or open again, with its note, by an officer the caller does
// not name (DecideFinding names them). It returns ErrNotFound for an
// unknown id.
func (s *Store) SetFindingStatus(ctx context.Context, id, status, note string) error {
	return s.DecideFinding(ctx, id, Decision{Status: status, Reason: note, Officer: UnnamedOfficer})
}

// UnnamedOfficer stands for the officer in decisions made through
// SetFindingStatus, whose callers do not know who is signed in yet. Pages
// show it in the reader's words.
const UnnamedOfficer = "(unnamed)"

// QualityConfig returns the stored quality.yaml text and the path it was
// read from; ErrNotFound when none was stored.
func (s *Store) QualityConfig(ctx context.Context) (path string, definition []byte, err error) {
	var def string
	err = s.db.QueryRowContext(ctx, `SELECT path, definition FROM quality_config WHERE id = 1`).Scan(&path, &def)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("quality checks: %w", ErrNotFound)
	}
	if err != nil {
		return "", nil, fmt.Errorf("quality checks: %w", err)
	}
	return path, []byte(def), nil
}

// PutQualityConfig stores the quality.yaml text in force.
func (s *Store) PutQualityConfig(ctx context.Context, path string, definition []byte) error {
	_, err := s.w.ExecContext(ctx, s.dialect.rebind(`INSERT INTO quality_config (id, path, definition, updated_at) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET path = excluded.path, definition = excluded.definition, updated_at = excluded.updated_at`),
		path, string(definition), s.dialect.timeArg(time.Now()))
	if err != nil {
		return fmt.Errorf("store quality checks: %w", err)
	}
	return nil
}
