package api

import (
	"bufio"
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

// maxBenefitsSituations bounds the situations of one request. Without it
// 8 MiB of "{}" lines is 2.8 million error results and tens of seconds of
// work for one call; a result is twenty to thirty times its situation,
// so the answer is streamed rather than held whole.
const maxBenefitsSituations = 10_000

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
		if situationCount(body) > maxBenefitsSituations {
			view.WriteProblem(w, r, http.StatusRequestEntityTooLarge, "more than 10000 situations; send smaller batches or use ortaq benefits calculate")
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		// The body is in memory, so reading cannot fail: the only error
		// is the client going away, and then there is no one to tell.
		bw := bufio.NewWriterSize(w, 64<<10)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		if _, err := s.benefits().Calculate(bytes.NewReader(body), func(res benefits.Result) error { return enc.Encode(res) }); err != nil {
			return
		}
		_ = bw.Flush()
		return
	}
	sit, err := benefits.ParseSituation(body)
	if err != nil {
		view.WriteJSON(w, r, http.StatusUnprocessableEntity, benefits.Result{ID: sit.ID, Err: err.Error(), Programmes: []benefits.Decision{}})
		return
	}
	view.WriteJSON(w, r, http.StatusOK, s.benefits().Decide(&sit))
}

// situationCount is how many situations benefits.ReadSituations finds in
// body, counted as it reads them: one when the first line is not a JSON
// value by itself (one object spread over lines), else the lines that are
// not blank.
func situationCount(body []byte) int {
	first, _, more := bytes.Cut(body, []byte("\n"))
	if t := bytes.TrimSpace(first); len(t) > 0 && more && !json.Valid(t) {
		return 1
	}
	n := 0
	for line := range bytes.SplitSeq(body, []byte("\n")) {
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	}
	return n
}
