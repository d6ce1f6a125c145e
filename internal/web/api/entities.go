package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

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

// getEntity answers an entity's golden record and records. The id of an
// entity merged into another answers with the survivor, naming the id
// asked for in requested_id, so that links kept by other systems still
// work.
func (s *Server) getEntity(w http.ResponseWriter, r *http.Request) {
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
	srcs, err := s.st.Sources(ctx)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	byID := map[int64]store.SourceStats{}
	for _, src := range srcs {
		byID[src.ID] = src
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
	view.WriteJSON(w, r, http.StatusOK, out)
}

// Bounds of the search's limit parameter.
const (
	apiSearchDefault = 20
	apiSearchMax     = 200
)

// apiSearch finds entities by IIN, entity id or name, as the console's
// search does.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
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
	res, err := golden.Search(r.Context(), s.st, q, int(limit))
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	if res.By == "" {
		view.BadParam(w, r, "q", fmt.Sprintf("%q is too short to search: give at least %d letters of a name", q, golden.MinSearchRunes))
		return
	}
	view.WriteJSON(w, r, http.StatusOK, SearchResult{Query: res.Text, By: res.By, Results: mapSlice(res.Rows, toAPISummary), More: res.More})
}
