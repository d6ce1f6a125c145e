package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// EntitySummary is an entity as lists show it.
type EntitySummary struct {
	EntityID   string `json:"entity_id"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	NationalID string `json:"national_id"`
	BirthDate  string `json:"birth_date"`
	DeathDate  string `json:"death_date"`
	Region     string `json:"region"`
	Members    int    `json:"members"`
	Conflicts  int    `json:"conflicts"`
}

// Entity is one entity's golden record and its member records.
type Entity struct {
	EntitySummary
	// RequestedID is the id asked for when it was merged into EntityID.
	RequestedID string    `json:"requested_id,omitempty"`
	Household   string    `json:"household"`
	Owner       string    `json:"owner"`
	BuiltAt     time.Time `json:"built_at"`
	// Golden is the golden record with every value's provenance.
	Golden  golden.Doc `json:"golden"`
	Records []Member   `json:"records"`
}

// Member is the latest live version of one record of an entity.
type Member struct {
	Source     string            `json:"source"`
	Agency     string            `json:"agency"`
	RecordID   string            `json:"record_id"`
	Version    int               `json:"version"`
	ObservedAt time.Time         `json:"observed_at"`
	Attrs      map[string]string `json:"attrs"`
	Invalid    map[string]string `json:"invalid"`
}

// SearchResult is the answer to GET /api/v1/search.
type SearchResult struct {
	Query   string          `json:"query"`
	By      string          `json:"by"`
	Results []EntitySummary `json:"results"`
	More    bool            `json:"more"`
}

func toAPISummary(g store.GoldenRow) EntitySummary {
	return EntitySummary{EntityID: g.EntityID, Kind: g.Kind, Name: g.Name, NationalID: g.NationalID, BirthDate: g.BirthDate,
		DeathDate: g.DeathDate, Region: g.Region, Members: g.Members, Conflicts: g.Conflicts}
}

// Audit fields of a system's read of a person outside the exchange: the
// record's kind is audit.KindSystemRead, Service says what was read and
// Purpose why.
const (
	readService = "entity-read"
	readPurpose = "data-maintenance"
)

// getEntity answers an entity's golden record and records to a system of
// an agency holding a record of it, once the read is in the audit log. The
// id of an entity merged into another answers with the survivor, naming
// the id asked for in requested_id, so that links kept by other systems
// still work.
func (s *Server) getEntity(w http.ResponseWriter, r *http.Request, c exchange.Client) {
	ctx := r.Context()
	asked := r.PathValue("entity")
	id, err := s.st.EntityOf(ctx, asked)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	g, err := s.st.Golden(ctx, id)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	members, err := s.st.EntityRecords(ctx, []string{id})
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	byID, err := s.sourcesByID(ctx)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	if !holds(c, members, byID) {
		writeRefusal(w, r, &exchange.Refusal{Status: http.StatusForbidden, Code: "not_holder",
			Detail: "agency " + c.Member + " holds no record of this entity"}, nil)
		return
	}
	doc, err := golden.DecodeDoc(g.Doc)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	out := Entity{EntitySummary: toAPISummary(g), Household: g.Household, Owner: g.Owner, BuiltAt: g.BuiltAt,
		Golden: doc, Records: []Member{}}
	if id != asked {
		out.RequestedID = asked
	}
	for _, m := range members {
		src := byID[m.SourceID]
		inv := m.Invalid
		if inv == nil {
			inv = map[string]string{}
		}
		out.Records = append(out.Records, Member{Source: src.Name, Agency: src.AgencyCode, RecordID: m.RecordID,
			Version: m.Version, ObservedAt: m.ObservedAt, Attrs: m.Attrs, Invalid: inv})
	}
	if err := s.auditReads(r, c, []store.GoldenRow{g}); err != nil {
		writeUnaudited(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, out)
}

// sourcesByID indexes every source by id.
func (s *Server) sourcesByID(ctx context.Context) (map[int64]store.SourceDef, error) {
	srcs, err := s.st.Sources(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]store.SourceDef, len(srcs))
	for _, src := range srcs {
		byID[src.ID] = src.SourceDef
	}
	return byID, nil
}

// holds reports whether one of records is of a source of c's member.
func holds(c exchange.Client, records []store.LiveRecord, byID map[int64]store.SourceDef) bool {
	for _, m := range records {
		if byID[m.SourceID].AgencyCode == c.Member {
			return true
		}
	}
	return false
}

// auditReads writes one audit record per person a system read, before the
// answer leaves, so that each person's "who looked" lists the read: the
// subject is their IIN (or, without one, the entity id).
func (s *Server) auditReads(r *http.Request, c exchange.Client, people []store.GoldenRow) error {
	if len(people) == 0 {
		return nil
	}
	if s.opts.Audit == nil {
		return errors.New("this server has no audit log")
	}
	h := r.Header
	recs := make([]audit.Record, len(people))
	for i, g := range people {
		subject := g.NationalID
		if subject == "" {
			subject = g.EntityID
		}
		recs[i] = audit.Record{Member: c.Member, Subsystem: c.Subsystem, Auth: c.Auth, User: auditText(h.Get(HeaderUser)),
			Kind: audit.KindSystemRead, Service: readService, Subject: subject, Purpose: readPurpose, RequestID: auditText(h.Get(HeaderRequestID)),
			Decision: audit.Allowed, Status: http.StatusOK}
	}
	_, err := s.opts.Audit.Append(r.Context(), recs...)
	return err
}

// Bounds of the search's limit parameter.
const (
	apiSearchDefault = 20
	apiSearchMax     = 200
)

// apiSearch finds entities by IIN, entity id or name, as the console's
// search does, keeping the people the caller's agency holds a record of;
// each person answered is written to the audit log first.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request, c exchange.Client) {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		view.BadParam(w, r, "q", "give a name, an IIN or an entity id")
		return
	}
	limit, err := view.IntParam(r, "limit", apiSearchDefault, 1, apiSearchMax)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	res, err := golden.Search(ctx, s.st, q, int(limit))
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	if res.By == "" {
		view.BadParam(w, r, "q", fmt.Sprintf("%q is too short to search: give at least %d letters of a name", q, golden.MinSearchRunes))
		return
	}
	ids := make([]string, len(res.Rows))
	for i, g := range res.Rows {
		ids[i] = g.EntityID
	}
	records, err := s.st.EntityRecords(ctx, ids)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	byID, err := s.sourcesByID(ctx)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	held := map[string]bool{}
	for _, m := range records {
		if byID[m.SourceID].AgencyCode == c.Member {
			held[m.EntityID] = true
		}
	}
	rows := slices.DeleteFunc(res.Rows, func(g store.GoldenRow) bool { return !held[g.EntityID] })
	if err := s.auditReads(r, c, rows); err != nil {
		writeUnaudited(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, SearchResult{Query: res.Text, By: res.By, Results: mapSlice(rows, toAPISummary), More: res.More})
}
