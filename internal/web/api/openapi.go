package api

import (
	_ "embed"
	"net/http"
)

// openapiDoc is the hand-written OpenAPI 3.1 description of /api/v1. It is
// written by hand, not generated, so that it can explain what each number
// means; TestOpenAPICoversRoutes keeps it and routes.go in step, and the API
// tests check real answers against its schemas.
//
//go:embed openapi.json
var openapiDoc []byte

// Document is the OpenAPI description the API serves.
func Document() []byte { return openapiDoc }

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(s.openapi)
}
