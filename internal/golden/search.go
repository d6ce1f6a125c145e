package golden

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/store"
)

// MinSearchRunes is the shortest name query: one letter would match a
// tenth of the nation.
const MinSearchRunes = 2

// SearchResult is what a query found.
type SearchResult struct {
	Text string // the query, trimmed
	// By says how the query was read: "national_id", "entity" or "name";
	// "" when it was too short to search.
	By   string
	Rows []store.GoldenRow
	// More is set when more entities match than are listed.
	More bool
}

// Search finds entities by IIN (twelve digits), by entity id, or by the
// words of a name in any script: "Нұрсұлтан", "Нурсултан" and "Nursultan"
// fold to the same word and find the same people.
func Search(ctx context.Context, st *store.Store, q string, limit int) (SearchResult, error) {
	q = strings.TrimSpace(q)
	res := SearchResult{Text: q}
	// An IIN is often read out and typed in groups: 750625 426390.
	if iin := strings.ReplaceAll(q, " ", ""); len(iin) == 12 && isDigits(iin) {
		res.By = "national_id"
		rows, err := st.GoldenByNationalID(ctx, iin, limit)
		res.Rows = briefRows(rows)
		return res, err
	}
	if looksLikeEntityID(q) {
		id, err := st.EntityOf(ctx, strings.ToUpper(q))
		if err == nil {
			g, err := st.Golden(ctx, id)
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
	words := SearchTerms(q)
	if utf8.RuneCountInString(strings.Join(words, "")) < MinSearchRunes {
		return res, nil
	}
	res.By = "name"
	var err error
	res.Rows, res.More, err = st.SearchNames(ctx, words, limit)
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
