package console

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// searchLimit is how many entities a search lists; a search is for
// finding someone, and a longer list means the query needs another word.
const searchLimit = 50

type searchData struct {
	view.Page
	golden.SearchResult
	// TooShort is set when the query was too short to search.
	TooShort bool
	// Hidden counts the entities found that no record of the official's
	// agency links to: they are not listed.
	Hidden int
}

// inScope keeps the rows the visit's official may read without
// break-glass: entities their agency holds a record of. It reports how
// many it left out.
func (s *Server) inScope(r *http.Request, rows []store.GoldenRow) ([]store.GoldenRow, int, error) {
	if len(rows) == 0 {
		return rows, 0, nil
	}
	ctx := r.Context()
	ix, err := view.LoadSources(ctx, s.st, view.Locale{})
	if err != nil {
		return nil, 0, err
	}
	ids := make([]string, len(rows))
	for i, g := range rows {
		ids[i] = g.EntityID
	}
	members, err := s.st.EntityRecords(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	byEntity := map[string][]store.LiveRecord{}
	for _, m := range members {
		byEntity[m.EntityID] = append(byEntity[m.EntityID], m)
	}
	p := visitOf(ctx).principal()
	kept := rows[:0]
	for _, g := range rows {
		if access.Decide(p, access.ReadPerson, holders(ix, byEntity[g.EntityID])...) == access.Allow {
			kept = append(kept, g)
		}
	}
	return kept, len(rows) - len(kept), nil
}

// searchPage lists the entities a query finds. A query that names one
// entity exactly, by IIN or id, goes straight to its page.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	d := searchData{Page: s.newPage(w, r)}
	q := r.URL.Query().Get("q")
	d.Title, d.Nav, d.Query = d.L.T("search.title"), "search", q
	res, err := golden.Search(r.Context(), s.st, q, searchLimit)
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	exact := (res.By == "national_id" || res.By == "entity") && len(res.Rows) == 1
	found := res.Rows
	if res.Rows, d.Hidden, err = s.inScope(r, slices.Clone(res.Rows)); err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	// An exact match opens the person's page, which offers break-glass
	// when they are outside the official's agency's records; a search by
	// name lists only those within it.
	if exact {
		target := "/entities/" + url.PathEscape(found[0].EntityID)
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	reads := make([]read, len(res.Rows))
	for i := range res.Rows {
		reads[i] = read{Subject: personSubject(res.Rows[i])}
		res.Rows[i] = d.L.Golden(res.Rows[i])
	}
	if err := s.recordReads(r.Context(), readSearch, reads); err != nil {
		s.readsRefused(w, r, d.Page, err)
		return
	}
	d.SearchResult, d.TooShort = res, res.By == "" && strings.TrimSpace(q) != ""
	if q != "" {
		d.Title = d.L.F("search.titleq", strings.TrimSpace(q))
	}
	s.render(w, r, http.StatusOK, "search", d)
}
