package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
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
	if (res.By == "national_id" || res.By == "entity") && len(res.Rows) == 1 {
		target := "/entities/" + url.PathEscape(res.Rows[0].EntityID)
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	for i := range res.Rows {
		res.Rows[i] = d.L.Golden(res.Rows[i])
	}
	d.SearchResult, d.TooShort = res, res.By == "" && strings.TrimSpace(q) != ""
	if q != "" {
		d.Title = d.L.F("search.titleq", strings.TrimSpace(q))
	}
	s.render(w, r, http.StatusOK, "search", d)
}
