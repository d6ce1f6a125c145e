package api

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// Health is the answer to GET /api/v1/health.
type Health struct {
	Status  string `json:"status"`
	Version string `json:"version"`
	DB      string `json:"db"`
}

// health answers 200 only when the database answers and its schema matches
// this binary, so that a load balancer stops sending traffic to a server
// that could only fail.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.st.CheckSchema(r.Context()); err != nil {
		slog.ErrorContext(r.Context(), "health check failed", "err", err)
		detail := "database unavailable"
		if errors.Is(err, store.ErrSchemaOutdated) {
			detail = store.ErrSchemaOutdated.Error()
		}
		view.WriteProblem(w, r, http.StatusServiceUnavailable, detail)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, Health{Status: "ok", Version: s.opts.Version, DB: s.st.Dialect()})
}
