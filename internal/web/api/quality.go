package api

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
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
func (s *Server) getQuality(w http.ResponseWriter, r *http.Request, _ exchange.Client) {
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

// listFindings pages through the findings a filter selects of the
// caller's member's sources, in work-list order: agency, source, check,
// record. Naming another agency or its source is refused.
func (s *Server) listFindings(w http.ResponseWriter, r *http.Request, c exchange.Client) {
	q := r.URL.Query()
	if a := q.Get("agency"); a != "" && a != c.Member {
		writeRefusal(w, r, &exchange.Refusal{Status: http.StatusForbidden, Code: "not_owner",
			Detail: "this credential reads only the findings of agency " + c.Member}, nil)
		return
	}
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
		src, err := s.st.Source(r.Context(), f.Source)
		if view.IsNotFound(err) {
			err = view.UnknownSource(f.Source)
		} else if err == nil && src.AgencyCode != c.Member {
			err = notOwner(c, src)
		}
		if err != nil {
			writeRefusal(w, r, err, nil)
			return
		}
	}
	f.Agency = c.Member
	fs, total, err := s.st.WorkList(r.Context(), f)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, FindingList{Findings: mapSlice(fs, toAPIFinding), Total: total, Limit: f.Limit, Offset: f.Offset})
}

// refuseDecision answers POST /api/v1/findings and /findings/{finding}:
// no system decides findings. A decision is an official's, made signed in
// to the console as an officer of the agency that owns the source, and it
// carries their identity; a system's credential names no person.
func (s *Server) refuseDecision(w http.ResponseWriter, r *http.Request, _ exchange.Client) {
	writeRefusal(w, r, &exchange.Refusal{Status: http.StatusForbidden, Code: "officials_only",
		Detail: "findings are decided by signed-in officials of the owning agency in the console, not by systems"}, nil)
}
