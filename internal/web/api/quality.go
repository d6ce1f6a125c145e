package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// QualityRun is one quality run in the answer to GET /api/v1/quality.
type QualityRun struct {
	ID         int64     `json:"id"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	AsOf       time.Time `json:"as_of"`
	Checks     int       `json:"checks"`
	Findings   int       `json:"findings"`
	Score      float64   `json:"score"`
}

// CheckResult is one check's outcome on one source in a quality run.
type CheckResult struct {
	Source      string  `json:"source"`
	Agency      string  `json:"agency"`
	Name        string  `json:"name"`
	Kind        string  `json:"kind"`
	Dimension   string  `json:"dimension"`
	Severity    string  `json:"severity"`
	Description string  `json:"description"`
	Failed      int     `json:"failed"`
	Total       int     `json:"total"`
	PassRate    float64 `json:"pass_rate"`
}

// Score is a quality score of a source, an agency or the nation.
type Score struct {
	Scope   string  `json:"scope"`
	Key     string  `json:"key"`
	Score   float64 `json:"score"`
	Records int     `json:"records"`
}

// Alert is a check whose failures rose against the history.
type Alert struct {
	Scope    string  `json:"scope"`
	Key      string  `json:"key"`
	Check    string  `json:"check"`
	Value    float64 `json:"value"`
	Baseline float64 `json:"baseline"`
	Message  string  `json:"message"`
}

// Quality is the latest quality run; Run is null before the first.
type Quality struct {
	Run    *QualityRun   `json:"run"`
	Checks []CheckResult `json:"checks"`
	Scores []Score       `json:"scores"`
	Alerts []Alert       `json:"alerts"`
}

// Finding is one item of a data officer's work list.
type Finding struct {
	ID         string    `json:"id"`
	Source     string    `json:"source"`
	Agency     string    `json:"agency"`
	Check      string    `json:"check"`
	Kind       string    `json:"kind"`
	RecordID   string    `json:"record_id"`
	Line       int       `json:"line"`
	EntityID   string    `json:"entity_id"`
	Value      string    `json:"value"`
	Reason     string    `json:"reason"`
	Suggestion string    `json:"suggestion"`
	Related    []string  `json:"related"`
	Status     string    `json:"status"`
	FirstRun   int64     `json:"first_run"`
	LastRun    int64     `json:"last_run"`
	StatusAt   time.Time `json:"status_at"`
	Note       string    `json:"note"`
}

// FindingList is a page of findings with the total matching the filter.
type FindingList struct {
	Findings []Finding `json:"findings"`
	Total    int       `json:"total"`
	Limit    int       `json:"limit"`
	Offset   int       `json:"offset"`
}

// BulkDecision is the body of POST /api/v1/findings: one decision on
// every finding Filter selects.
type BulkDecision struct {
	Filter  BulkFilter `json:"filter"`
	Status  string     `json:"status"`
	Reason  string     `json:"reason"`
	Officer string     `json:"officer"`
}

// BulkFilter selects the findings of a bulk decision as GET
// /api/v1/findings selects them.
type BulkFilter struct {
	Agency string `json:"agency"`
	Source string `json:"source"`
	Check  string `json:"check"`
	Kind   string `json:"kind"`
	Entity string `json:"entity"`
	Search string `json:"search"`
	Status string `json:"status"`
}

// BulkDecisionResult says how many findings a bulk decision changed.
type BulkDecisionResult struct {
	Changed int `json:"changed"`
}

// maxOfficerRunes bounds an officer's name, as the console's forms do.
const maxOfficerRunes = 128

// FindingStatus is the body of a finding status change.
type FindingStatus struct {
	Status string `json:"status"`
	Note   string `json:"note"`
}

func toAPIFinding(f store.Finding) Finding {
	related := f.Related
	if related == nil {
		related = []string{}
	}
	return Finding{ID: f.ID, Source: f.Source, Agency: f.Agency, Check: f.Check, Kind: f.Kind, RecordID: f.RecordID,
		Line: f.Line, EntityID: f.EntityID, Value: f.Value, Reason: f.Reason, Suggestion: f.Suggestion, Related: related,
		Status: f.Status, FirstRun: f.FirstRun, LastRun: f.LastRun, StatusAt: f.StatusAt, Note: f.Note}
}

// getQuality answers the latest quality run: its check results, scores and
// alerts.
func (s *Server) getQuality(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	out := Quality{Checks: []CheckResult{}, Scores: []Score{}, Alerts: []Alert{}}
	runs, err := s.st.QualityRuns(ctx, 1)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	if len(runs) == 0 {
		view.WriteJSON(w, r, http.StatusOK, out)
		return
	}
	run := runs[0]
	out.Run = &QualityRun{ID: run.ID, StartedAt: run.StartedAt, FinishedAt: run.FinishedAt, AsOf: run.AsOf,
		Checks: run.Checks, Findings: run.Findings, Score: run.Score}
	results, err := s.st.CheckResults(ctx, run.ID, "")
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	for _, c := range results {
		rate := 1.0
		if c.Total > 0 {
			rate = 1 - math.Min(1, float64(c.Failed)/float64(c.Total))
		}
		out.Checks = append(out.Checks, CheckResult{Source: c.Source, Agency: c.Agency, Name: c.Name, Kind: c.Kind,
			Dimension: c.Dimension, Severity: c.Severity, Description: c.Description, Failed: c.Failed, Total: c.Total,
			PassRate: math.Round(rate*1e4) / 1e4})
	}
	scores, err := s.st.Scores(ctx, run.ID, "")
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	for _, sc := range scores {
		out.Scores = append(out.Scores, Score{Scope: sc.Scope, Key: sc.Key, Score: sc.Score, Records: sc.Records})
	}
	alerts, err := s.st.Alerts(ctx, run.ID)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	for _, a := range alerts {
		out.Alerts = append(out.Alerts, Alert{Scope: a.Scope, Key: a.Key, Check: a.Check, Value: a.Value,
			Baseline: a.Baseline, Message: a.Message})
	}
	view.WriteJSON(w, r, http.StatusOK, out)
}

// listFindings pages through the findings a filter selects, in work-list
// order: agency, source, check, record.
func (s *Server) listFindings(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.FindingFilter{Agency: q.Get("agency"), Source: q.Get("source"), Check: q.Get("check"), Kind: q.Get("kind"),
		Status: q.Get("status"), EntityID: q.Get("entity")}
	if f.Status != "" && !store.ValidFindingStatus(f.Status) {
		view.BadParam(w, r, "status", fmt.Sprintf("%q is not a status: want open, fixed, not_defect or resolved", f.Status))
		return
	}
	var err error
	if f.Limit, err = view.LimitParam(r); err != nil {
		view.WriteError(w, r, err)
		return
	}
	offset, err := view.IntParam(r, "offset", 0, 0, math.MaxInt32)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	f.Offset = int(offset)
	if f.Source != "" {
		if err := s.requireSource(r, f.Source); err != nil {
			view.WriteError(w, r, err)
			return
		}
	}
	fs, total, err := s.st.WorkList(r.Context(), f)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, FindingList{Findings: mapSlice(fs, toAPIFinding), Total: total, Limit: f.Limit, Offset: f.Offset})
}

// setFinding records a data officer's decision on a finding: open, fixed
// or not_defect. Like the console's form, it refuses requests a browser
// marks as cross-site.
func (s *Server) setFinding(w http.ResponseWriter, r *http.Request) {
	var body FindingStatus
	if !s.decodeDecision(w, r, &body) {
		return
	}
	if !view.SettableStatus(body.Status) {
		view.WriteProblem(w, r, http.StatusBadRequest, fmt.Sprintf("status %q cannot be set: want open, fixed or not_defect", body.Status),
			view.InvalidParam{Name: "status", Reason: "want open, fixed or not_defect"})
		return
	}
	note, err := view.CheckNote(body.Note)
	if err != nil {
		view.WriteProblem(w, r, http.StatusBadRequest, err.Error(), view.InvalidParam{Name: "note", Reason: err.Error()})
		return
	}
	id := r.PathValue("finding")
	if err := s.st.SetFindingStatus(r.Context(), id, body.Status, note); err != nil {
		view.WriteError(w, r, err)
		return
	}
	slog.InfoContext(r.Context(), "finding status set", "finding", id, "status", body.Status)
	f, err := s.st.Finding(r.Context(), id)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, toAPIFinding(f))
}

// decodeDecision reads a decision's JSON body into v, answering and
// returning false for a request a browser marks as cross-site, a body that
// is not JSON, or one holding unknown fields or more than one value.
func (s *Server) decodeDecision(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := s.csrf.Check(r); err != nil {
		view.WriteProblem(w, r, http.StatusForbidden, "cross-site request refused: "+err.Error())
		return false
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		w.Header().Set("Accept-Post", "application/json")
		view.WriteProblem(w, r, http.StatusUnsupportedMediaType, "send the decision as application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, view.MaxFormBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		view.WriteProblem(w, r, http.StatusBadRequest, "the body is not a decision object: "+err.Error())
		return false
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		view.WriteProblem(w, r, http.StatusBadRequest, "the body holds more than one JSON value")
		return false
	}
	return true
}

// decideFindings records one data officer's decision, fixed or not a
// defect, with a reason and the officer's name, on every finding a filter
// selects, and answers how many changed. Like the console's form, it
// refuses requests a browser marks as cross-site, and changes nothing
// without a reason or a name.
func (s *Server) decideFindings(w http.ResponseWriter, r *http.Request) {
	var body BulkDecision
	if !s.decodeDecision(w, r, &body) {
		return
	}
	var bad []view.InvalidParam
	if body.Status != store.FindingFixed && body.Status != store.FindingNotDefect {
		bad = append(bad, view.InvalidParam{Name: "status", Reason: "want fixed or not_defect"})
	}
	reason, err := view.CheckNote(body.Reason)
	if err != nil {
		bad = append(bad, view.InvalidParam{Name: "reason", Reason: err.Error()})
	} else if reason == "" {
		bad = append(bad, view.InvalidParam{Name: "reason", Reason: "a bulk decision needs a reason"})
	}
	officer := strings.TrimSpace(body.Officer)
	if officer == "" || !utf8.ValidString(officer) || utf8.RuneCountInString(officer) > maxOfficerRunes {
		bad = append(bad, view.InvalidParam{Name: "officer", Reason: fmt.Sprintf("want the officer's name, at most %d characters", maxOfficerRunes)})
	}
	fl := body.Filter
	if fl.Status != "" && !view.SettableStatus(fl.Status) {
		bad = append(bad, view.InvalidParam{Name: "filter.status", Reason: "want open, fixed or not_defect"})
	}
	if len(bad) > 0 {
		view.WriteProblem(w, r, http.StatusBadRequest, "the decision cannot be recorded; nothing was changed", bad...)
		return
	}
	if fl.Source != "" {
		if err := s.requireSource(r, fl.Source); err != nil {
			view.WriteError(w, r, err)
			return
		}
	}
	f := store.FindingFilter{Agency: fl.Agency, Source: fl.Source, Check: fl.Check, Kind: fl.Kind, EntityID: fl.Entity,
		Search: strings.TrimSpace(fl.Search), Status: fl.Status}
	n, err := s.st.DecideFindings(r.Context(), f, store.Decision{Status: body.Status, Reason: reason, Officer: officer})
	if errors.Is(err, store.ErrInvalid) {
		view.WriteProblem(w, r, http.StatusBadRequest, err.Error())
		return
	}
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	slog.InfoContext(r.Context(), "findings decided in bulk", "agency", f.Agency, "source", f.Source, "check", f.Check,
		"kind", f.Kind, "status", body.Status, "findings", n)
	view.WriteJSON(w, r, http.StatusOK, BulkDecisionResult{Changed: n})
}
