package api

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// The API's JSON shapes. They are declared here rather than as tags on the
// store's types so that the wire format, which clients and openapi.json
// depend on, changes only on purpose.

// Agency is a registered agency with its sources' totals.
type Agency struct {
	Code        string            `json:"code"`
	Name        string            `json:"name"`
	Names       map[string]string `json:"names"`
	Sources     int               `json:"sources"`
	Live        int               `json:"live"`
	Quarantined int               `json:"quarantined"`
}

// Source is a registered source with its totals and its latest run.
type Source struct {
	Name        string `json:"name"`
	Agency      string `json:"agency"`
	AgencyName  string `json:"agency_name"`
	Title       string `json:"title"`
	Entity      string `json:"entity"`
	Live        int    `json:"live"`
	Versions    int    `json:"versions"`
	Quarantined int    `json:"quarantined"`
	Flagged     int    `json:"flagged"`
	Runs        int    `json:"runs"`
	LastRun     *Run   `json:"last_run"`
	// Contract is given only for one source: what a push must look like.
	Contract *Contract `json:"contract,omitempty"`
}

// Contract is the part of a source's contract an agency integrator needs
// to send records: the columns, their types and rules. Server paths and
// contract line numbers stay private.
type Contract struct {
	ID         []string `json:"id"`
	Format     string   `json:"format"`
	Delimiter  string   `json:"delimiter"`
	Encoding   string   `json:"encoding"`
	Mode       string   `json:"mode"`
	DateFormat string   `json:"date_format"`
	ObservedAt string   `json:"observed_at"`
	Fields     []Field  `json:"fields"`
}

// Field is one field of a source contract.
type Field struct {
	Name       string            `json:"name"`
	Columns    []string          `json:"columns"`
	Type       string            `json:"type"`
	Values     map[string]string `json:"values,omitempty"`
	Allowed    []string          `json:"allowed,omitempty"`
	Required   bool              `json:"required"`
	DateFormat string            `json:"date_format"`
}

// Run is one ingest run of a source.
type Run struct {
	ID          int64     `json:"id"`
	Source      string    `json:"source"`
	File        string    `json:"file"`
	Mode        string    `json:"mode"`
	StartedAt   time.Time `json:"started_at"`
	FinishedAt  time.Time `json:"finished_at"`
	Rows        int       `json:"rows"`
	Stored      int       `json:"stored"`
	Unchanged   int       `json:"unchanged"`
	Quarantined int       `json:"quarantined"`
	Deleted     int       `json:"deleted"`
	Flagged     int       `json:"flagged"`
	Live        int       `json:"live"`
}

// Quarantined is a row that could not be stored, with where it was and why.
type Quarantined struct {
	Run    int64  `json:"run"`
	Source string `json:"source"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	Code   string `json:"code"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
	Raw    string `json:"raw"`
}

// Version is one stored version of a record.
type Version struct {
	Version    int             `json:"version"`
	Deleted    bool            `json:"deleted"`
	Attrs      json.RawMessage `json:"attrs"`
	Invalid    json.RawMessage `json:"invalid"`
	Raw        json.RawMessage `json:"raw"`
	Hash       string          `json:"hash"`
	Line       int             `json:"line"`
	ObservedAt time.Time       `json:"observed_at"`
	LoadedAt   time.Time       `json:"loaded_at"`
	Run        int64           `json:"run"`
}

// AgencyList is the answer to GET /api/v1/agencies.
type AgencyList struct {
	Agencies []Agency `json:"agencies"`
}

// SourceList is the answer to GET /api/v1/sources.
type SourceList struct {
	Sources []Source `json:"sources"`
}

// RunList is the answer to GET /api/v1/runs.
type RunList struct {
	Runs []Run `json:"runs"`
	// Held are the source's full loads that were held back, stored
	// nothing, because they would have deleted more than the allowed
	// share of its records (only in a source's own list).
	Held []HeldLoad `json:"held,omitempty"`
}

// HeldLoad is a full load refused for the deletions it would have made.
type HeldLoad struct {
	ID        int64     `json:"id"`
	Source    string    `json:"source"`
	File      string    `json:"file"`
	HeldAt    time.Time `json:"held_at"`
	Rows      int       `json:"rows"`
	Deletions int       `json:"deletions"`
	Live      int       `json:"live"`
	// MaxShare is the share of Live the load was allowed to delete.
	MaxShare float64 `json:"max_share"`
	// Pending is true until a later load of the source is stored.
	Pending bool `json:"pending"`
}

func toAPIHeld(h store.HeldLoad) HeldLoad {
	return HeldLoad{ID: h.ID, Source: h.Source, File: h.File, HeldAt: h.HeldAt, Rows: h.Rows, Deletions: h.Deletions,
		Live: h.Live, MaxShare: h.MaxShare, Pending: h.Pending}
}

// QuarantineList is a page of quarantined rows.
type QuarantineList struct {
	Quarantine []Quarantined `json:"quarantine"`
	Limit      int           `json:"limit"`
	Offset     int           `json:"offset"`
}

// RecordHistory is every stored version of one record, newest first.
type RecordHistory struct {
	Source   string    `json:"source"`
	ID       string    `json:"id"`
	Versions []Version `json:"versions"`
}

func toAPIAgency(a store.AgencyStats) Agency {
	names := a.Names
	if names == nil {
		names = map[string]string{}
	}
	return Agency{Code: a.Code, Name: a.Name, Names: names, Sources: a.Sources, Live: a.Live, Quarantined: a.Quarantined}
}

func toAPISource(s store.SourceStats) Source {
	out := Source{Name: s.Name, Agency: s.AgencyCode, AgencyName: s.AgencyName, Title: s.Title, Entity: s.Entity,
		Live: s.Live, Versions: s.Versions, Quarantined: s.Quarantined, Flagged: s.Flagged, Runs: s.Runs}
	if s.LastRun != nil {
		r := toAPIRun(*s.LastRun)
		out.LastRun = &r
	}
	return out
}

func toAPIRun(r store.RunInfo) Run {
	return Run{ID: r.ID, Source: r.Source, File: r.File, Mode: r.Mode, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		Rows: r.Rows, Stored: r.Stored, Unchanged: r.Unchanged, Quarantined: r.Quarantined, Deleted: r.Deleted,
		Flagged: r.Flagged, Live: r.Live}
}

func toAPIQuarantined(q store.Quarantined) Quarantined {
	return Quarantined{Run: q.RunID, Source: q.Source, File: q.File, Line: q.Line, Code: q.Code, Field: q.Field,
		Reason: q.Reason, Raw: q.Raw}
}

func toAPIVersion(v store.Version) Version {
	out := Version{Version: v.Version, Deleted: v.Deleted, Attrs: jsonObject(v.Attrs), Raw: jsonObject(v.Raw),
		Hash: hex.EncodeToString(v.Hash[:]), Line: v.Line, ObservedAt: v.ObservedAt, LoadedAt: v.LoadedAt, Run: v.RunID}
	if len(v.Invalid) > 0 {
		out.Invalid = v.Invalid
	} else {
		out.Invalid = json.RawMessage("null")
	}
	return out
}

// jsonObject passes a stored JSON object through; a missing one reads as {}
// so that clients always get the object the schema promises.
func jsonObject(b []byte) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("{}")
	}
	return b
}

// mapSlice converts a store slice for the wire; the result is never nil, so
// an empty list encodes as [] and not null.
func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, x := range in {
		out = append(out, f(x))
	}
	return out
}

// listAgencies answers any system; nothing in it names a person.
func (s *Server) listAgencies(w http.ResponseWriter, r *http.Request, _ exchange.Client) {
	as, err := s.st.Agencies(r.Context())
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, AgencyList{mapSlice(as, toAPIAgency)})
}

// listSources answers any system; nothing in it names a person.
func (s *Server) listSources(w http.ResponseWriter, r *http.Request, _ exchange.Client) {
	ss, err := s.st.Sources(r.Context())
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, SourceList{mapSlice(ss, toAPISource)})
}

func (s *Server) getSource(w http.ResponseWriter, r *http.Request, _ exchange.Client) {
	src, err := s.sourceStats(r, r.PathValue("source"))
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	out := toAPISource(src)
	if out.Contract, err = toAPIContract(src.ID, src.Definition); err != nil {
		view.WriteError(w, r, fmt.Errorf("source %s: %w", src.Name, err))
		return
	}
	view.WriteJSON(w, r, http.StatusOK, out)
}

// toAPIContract reads a stored source definition, filling in the defaults the
// decoder applies, so that the integrator sees what will actually be read.
func toAPIContract(id int64, def []byte) (*Contract, error) {
	src, err := source.Stored(id, def)
	if err != nil {
		return nil, err
	}
	c := &Contract{ID: src.ID, Format: src.Format, Delimiter: string(src.Delimiter), Encoding: src.Encoding,
		Mode: src.Mode, DateFormat: src.DateFormat, ObservedAt: src.ObservedAt, Fields: []Field{}}
	if c.Format == "" {
		c.Format = "csv"
	}
	if src.Delimiter == 0 {
		c.Delimiter = ","
	}
	if c.Encoding == "" {
		c.Encoding = "utf-8"
	}
	if c.Mode == "" {
		c.Mode = source.ModeFull
	}
	for _, f := range src.Fields {
		c.Fields = append(c.Fields, Field{Name: f.Name, Columns: f.Columns, Type: string(f.Type), Values: f.Values,
			Allowed: f.Allowed, Required: f.Required, DateFormat: f.DateFormat})
	}
	return c, nil
}

// sourceStats finds one source's totals. The store computes totals for all
// sources at once, which is what the pages need anyway.
func (s *Server) sourceStats(r *http.Request, name string) (store.SourceStats, error) {
	ss, err := s.st.Sources(r.Context())
	if err != nil {
		return store.SourceStats{}, err
	}
	for _, src := range ss {
		if src.Name == name {
			return src, nil
		}
	}
	return store.SourceStats{}, view.UnknownSource(name)
}

// listRuns lists the newest runs of the caller's member's sources.
func (s *Server) listRuns(w http.ResponseWriter, r *http.Request, c exchange.Client) {
	limit, err := view.LimitParam(r)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	runs, err := s.st.AgencyRuns(r.Context(), c.Member, limit)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, RunList{Runs: mapSlice(runs, toAPIRun)})
}

// listSourceRuns lists a source's newest runs and the full loads it held
// back for deleting too much, for the source's owner.
func (s *Server) listSourceRuns(w http.ResponseWriter, r *http.Request, c exchange.Client) {
	name := r.PathValue("source")
	if _, err := s.ownSource(r, c, name); err != nil {
		writeRefusal(w, r, err, nil)
		return
	}
	limit, err := view.LimitParam(r)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	runs, err := s.st.Runs(r.Context(), name, limit)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	held, err := s.st.HeldLoads(r.Context(), name, limit)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, RunList{Runs: mapSlice(runs, toAPIRun), Held: mapSlice(held, toAPIHeld)})
}

// listQuarantine lists quarantined rows of the caller's member's sources,
// or of one of them (?source=).
func (s *Server) listQuarantine(w http.ResponseWriter, r *http.Request, c exchange.Client) {
	source := r.URL.Query().Get("source")
	if source != "" {
		if _, err := s.ownSource(r, c, source); err != nil {
			writeRefusal(w, r, err, nil)
			return
		}
	}
	s.quarantine(w, r, source, c.Member)
}

func (s *Server) listSourceQuarantine(w http.ResponseWriter, r *http.Request, c exchange.Client) {
	name := r.PathValue("source")
	if _, err := s.ownSource(r, c, name); err != nil {
		writeRefusal(w, r, err, nil)
		return
	}
	s.quarantine(w, r, name, c.Member)
}

func (s *Server) quarantine(w http.ResponseWriter, r *http.Request, source, agency string) {
	f, err := quarantineFilter(r, source)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	f.Agency = agency
	qs, err := s.st.Quarantine(r.Context(), f)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, QuarantineList{mapSlice(qs, toAPIQuarantined), f.Limit, f.Offset})
}

func quarantineFilter(r *http.Request, source string) (store.QuarantineFilter, error) {
	f := store.QuarantineFilter{Source: source}
	var err error
	if f.RunID, err = view.IntParam(r, "run", 0, 1, math.MaxInt64); err != nil {
		return f, err
	}
	if f.Limit, err = view.LimitParam(r); err != nil {
		return f, err
	}
	offset, err := view.IntParam(r, "offset", 0, 0, math.MaxInt32)
	f.Offset = int(offset)
	return f, err
}

func (s *Server) recordHistory(w http.ResponseWriter, r *http.Request, c exchange.Client) {
	name, id := r.PathValue("source"), r.PathValue("id")
	if _, err := s.ownSource(r, c, name); err != nil {
		writeRefusal(w, r, err, nil)
		return
	}
	vs, err := s.st.History(r.Context(), name, id)
	if view.IsNotFound(err) {
		err = fmt.Errorf("source %q has no record %q: %w", name, id, store.ErrNotFound)
	}
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, RecordHistory{name, id, mapSlice(vs, toAPIVersion)})
}
