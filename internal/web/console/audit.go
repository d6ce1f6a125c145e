package console

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/web/view"
)

// auditRows is how many records the auditor's page lists for a subject.
const auditRows = 500

// auditRow is one audit record as the auditor reads it: everything the
// record holds, with the official named.
type auditRow struct {
	Index       uint64
	Time        time.Time
	Kind        string
	Member, Who string
	Role        string
	Service     string
	Purpose     string
	Case        string
	Decision    string
	Status      int
	Reason      string
}

type auditData struct {
	view.Page
	Subject string
	Rows    []auditRow
	// Searched is set once a subject was asked for.
	Searched bool
}

// auditPage lets an auditor list every access to one subject (an IIN or
// an animal's tag), newest first: exchange decisions and officials'
// reads, with the official's login resolved from the id the record
// holds. Each record's receipt comes from the API's audit routes.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	d := auditData{Page: s.newPage(w, r).Titled("audit.title"), Subject: strings.TrimSpace(r.URL.Query().Get("subject"))}
	d.Nav = "audit"
	if d.Subject == "" || s.opts.Audit == nil {
		s.render(w, r, http.StatusOK, "audit", d)
		return
	}
	d.Searched = true
	recs, err := s.opts.Audit.History(r.Context(), d.Subject, auditRows)
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	names := map[int64]string{}
	for _, rec := range recs {
		row := auditRow{Index: rec.Index, Time: rec.Time, Kind: rec.Kind, Member: rec.Member, Who: rec.User,
			Role: rec.Role, Service: rec.Service, Purpose: rec.Purpose, Case: rec.Case, Decision: rec.Decision,
			Status: rec.Status, Reason: rec.Reason}
		if rec.ByOfficial() {
			row.Who = s.officialName(r, names, rec)
			row.Role = d.L.Label("role.", rec.Role)
			row.Purpose = reasonLabel(d.L, rec.Purpose)
		} else if rec.Subsystem != "" {
			row.Member = rec.Member + "/" + rec.Subsystem
		}
		d.Rows = append(d.Rows, row)
	}
	s.render(w, r, http.StatusOK, "audit", d)
}

// officialName names the official an official's read record holds by id:
// their login and name, looked up once per page.
func (s *Server) officialName(r *http.Request, names map[int64]string, rec audit.Record) string {
	id, err := strconv.ParseInt(rec.User, 10, 64)
	if err != nil {
		return rec.User
	}
	if n, ok := names[id]; ok {
		return n
	}
	n := rec.User
	if o, err := s.opts.Officials.ByID(r.Context(), id); err == nil {
		n = o.Login + " · " + o.Name
	}
	names[id] = n
	return n
}
