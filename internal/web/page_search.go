package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/store"
)

// searchLimit is how many entities a search lists; a search is for
// finding someone, and a longer list means the query needs another word.
const searchLimit = 50

// minSearchRunes is the shortest name query: one letter would match a
// tenth of the nation.
const minSearchRunes = 2

// searchResult is what a query found.
type searchResult struct {
	Text string // the query, trimmed
	// By says how the query was read: "national_id", "entity" or "name";
	// "" when it was too short to search.
	By   string
	Rows []store.GoldenRow
	// More is set when more entities match than are listed.
	More bool
}

// search finds entities by IIN (twelve digits), by entity id, or by the
// words of a name in any script: "Нұрсұлтан", "Нурсултан" and "Nursultan"
// fold to the same word and find the same people.
func (s *Server) search(ctx context.Context, q string, limit int) (searchResult, error) {
	q = strings.TrimSpace(q)
	res := searchResult{Text: q}
	// An IIN is often read out and typed in groups: 750625 426390.
	if iin := strings.ReplaceAll(q, " ", ""); len(iin) == 12 && isDigits(iin) {
		res.By = "national_id"
		rows, err := s.st.GoldenByNationalID(ctx, iin, limit)
		res.Rows = briefRows(rows)
		return res, err
	}
	if looksLikeEntityID(q) {
		id, err := s.st.EntityOf(ctx, strings.ToUpper(q))
		if err == nil {
			g, err := s.st.Golden(ctx, id)
			if err == nil {
				res.By, res.Rows = "entity", briefRows([]store.GoldenRow{g})
				return res, nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return res, err
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return res, err
		}
	}
	words := golden.SearchTerms(q)
	if utf8.RuneCountInString(strings.Join(words, "")) < minSearchRunes {
		return res, nil
	}
	res.By = "name"
	var err error
	res.Rows, res.More, err = s.st.SearchNames(ctx, words, limit)
	return res, err
}

// briefRows drops the golden documents a list does not show.
func briefRows(rows []store.GoldenRow) []store.GoldenRow {
	for i := range rows {
		rows[i].Doc = nil
	}
	return rows
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// looksLikeEntityID matches the resolver's ids: a letter and digits
// (P000000001).
func looksLikeEntityID(s string) bool {
	return len(s) > 1 && len(s) <= 24 && (s[0]|0x20) >= 'a' && (s[0]|0x20) <= 'z' && isDigits(s[1:])
}

type searchData struct {
	page
	searchResult
	// TooShort is set when the query was too short to search.
	TooShort bool
}

// searchPage lists the entities a query finds. A query that names one
// entity exactly, by IIN or id, goes straight to its page.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) {
	d := searchData{page: s.newPage(w, r)}
	q := r.URL.Query().Get("q")
	d.Title, d.Nav, d.Query = d.L.T("search.title"), "search", q
	res, err := s.search(r.Context(), q, searchLimit)
	if err != nil {
		s.errorPage(w, r, d.page, err)
		return
	}
	if (res.By == "national_id" || res.By == "entity") && len(res.Rows) == 1 {
		target := "/entities/" + url.PathEscape(res.Rows[0].EntityID)
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	d.searchResult, d.TooShort = res, res.By == "" && strings.TrimSpace(q) != ""
	if q != "" {
		d.Title = d.L.F("search.titleq", strings.TrimSpace(q))
	}
	s.render(w, r, http.StatusOK, "search", d)
}
