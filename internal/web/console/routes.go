package console

import (
	"net/http"

	"github.com/ortaq/ortaq/internal/web/view"
)

// internalOnly is the console's policy until officials sign in: whoever
// reaches the listener it is mounted on, which must be the state's
// internal network alone.
const internalOnly = "internal listener, no sign-in yet"

// routes is the one place that lists what the console answers.
func (s *Server) routes() {
	rt := view.NewRouter(view.Officials)
	rt.HandleFunc("GET /{$}", internalOnly, s.indexPage)
	rt.HandleFunc("GET /agencies/{agency}", internalOnly, s.agencyPage)
	rt.HandleFunc("GET /sources/{source}", internalOnly, s.sourcePage)
	rt.HandleFunc("GET /entities/{entity}", internalOnly, s.entityPage)
	rt.HandleFunc("GET /virtual-cows", internalOnly, s.cowsPage)
	rt.HandleFunc("GET /exchange", internalOnly, s.exchangePage)
	rt.HandleFunc("GET /search", internalOnly, s.searchPage)
	rt.HandleFunc("GET /worklist", internalOnly, s.worklistPage)
	rt.HandleFunc("GET /worklist.csv", internalOnly, s.worklistCSV)
	rt.HandleFunc("POST /findings", internalOnly+", same-origin form", s.bulkForm)
	rt.HandleFunc("POST /findings/{finding}", internalOnly+", same-origin form", s.findingForm)
	rt.HandleFunc("GET /corrections/{correction}", internalOnly, s.correctionPage)
	rt.HandleFunc("POST /corrections/{correction}", internalOnly+", same-origin form", s.correctionForm)
	rt.HandleFunc("GET /corrections/{correction}/attachment", internalOnly, s.correctionAttachment)
	rt.HandleFunc("/", "anyone: a page saying there is no such page", s.notFoundPage)
	s.router = rt
}

// NotFound answers a path no audience takes with the console's page.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) { s.notFoundPage(w, r) }
