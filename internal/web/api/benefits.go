package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/web/view"
)

// maxBenefitsBody bounds a calculation request: about two thousand
// typical situations. Larger batches belong in "ortaq benefits
// calculate".
const maxBenefitsBody = 8 << 20

// calculateBenefits decides the programmes for the situations in the
// body: one JSON object gives one result object (422 when it cannot be
// read, with the error inline); NDJSON (Content-Type
// application/x-ndjson) gives one NDJSON result per situation, in order,
// a bad situation's error inline and the batch going on. It is a
// calculator: it reads nothing from the store and writes nothing, so any
// valid system credential may call it, and nothing is audited.
func (s *Server) calculateBenefits(w http.ResponseWriter, r *http.Request, _ exchange.Client) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBenefitsBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		view.WriteProblem(w, r, http.StatusRequestEntityTooLarge, "the body is larger than 8 MiB; send smaller batches or use ortaq benefits calculate")
		return
	case err != nil:
		view.WriteProblem(w, r, http.StatusBadRequest, "could not read the body")
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "application/x-ndjson" {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if _, err := s.benefits().Calculate(bytes.NewReader(body), func(res benefits.Result) error { return enc.Encode(res) }); err != nil {
			view.WriteProblem(w, r, http.StatusBadRequest, "could not read the situations")
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(buf.Bytes())
		return
	}
	sit, err := benefits.ParseSituation(body)
	if err != nil {
		view.WriteJSON(w, r, http.StatusUnprocessableEntity, benefits.Result{ID: sit.ID, Err: err.Error(), Programmes: []benefits.Decision{}})
		return
	}
	view.WriteJSON(w, r, http.StatusOK, s.benefits().Decide(&sit))
}
