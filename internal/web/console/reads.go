package console

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// What an official's read of a person is recorded as: the service of the
// audit record, naming the console page that showed the data.
const (
	readEntity     = "console-entity"
	readSearch     = "console-search"
	readWorklist   = "console-worklist"
	readExport     = "console-export"
	readCorrection = "console-correction"
	readAttachment = "console-attachment"
	readAnimals    = "console-animals"
	readSource     = "console-source"
)

// subsystemConsole is the subsystem an official's reads come through, and
// authOfficial the credential: a signed-in session. The record names the
// official by their numeric id, which auditors resolve with ortaq
// officials list; a citizen's receipt then carries no name or login.
const (
	subsystemConsole = "console"
	authOfficial     = "official-session"
)

// errReadLimit is returned when an official has read more people in the
// last hour than the limit allows.
var errReadLimit = errors.New("read limit reached")

// errNoAudit is returned when a person's data would be shown without an
// audit log to record the look in: the console then shows nothing.
var errNoAudit = errors.New("no audit log to record the read")

// read is one person an official is about to see.
type read struct {
	// Subject is what the citizen's wallet finds the record by: their IIN,
	// or an animal's tag; "entity:ID" for someone without either.
	Subject string
	// Grant is the break-glass reason when the read is outside the
	// official's scope.
	Grant string
}

// recordReads writes one audit record per person the visit is about to
// show, through the page named by service, before the page is sent; the
// caller shows nothing unless it returns nil. It also spends the
// official's hourly reading allowance.
func (s *Server) recordReads(ctx context.Context, service string, reads []read) error {
	v := visitOf(ctx)
	if v == nil {
		return errors.New("record reads: no signed-in official")
	}
	if len(reads) == 0 {
		return nil
	}
	if s.opts.Audit == nil {
		return errNoAudit
	}
	if !s.reads.take(v.official().ID, len(reads), time.Now()) {
		return errReadLimit
	}
	o := v.official()
	role := v.roleFor(access.ReadPerson)
	recs := make([]audit.Record, 0, len(reads))
	seen := map[string]bool{}
	for _, rd := range reads {
		if seen[rd.Subject] {
			continue
		}
		seen[rd.Subject] = true
		kind := audit.KindOfficialRead
		if rd.Grant != "" {
			kind = audit.KindBreakGlass
		}
		recs = append(recs, audit.Record{Member: o.Agency, Subsystem: subsystemConsole,
			Auth: authOfficial, User: strconv.FormatInt(o.ID, 10), Service: service, Subject: rd.Subject,
			Purpose: v.sess.Case.Reason, Case: v.sess.Case.Ref, Role: string(role), Kind: kind,
			Decision: audit.Allowed, Status: http.StatusOK, Reason: rd.Grant})
	}
	if _, err := s.opts.Audit.Append(ctx, recs...); err != nil {
		return fmt.Errorf("record reads: %w", err)
	}
	return nil
}

// personSubject is what a person's read is recorded under.
func personSubject(g store.GoldenRow) string {
	if g.NationalID != "" {
		return g.NationalID
	}
	return "entity:" + g.EntityID
}

// entitySubject is what a read of an entity is recorded under: an
// animal's tag, which its owner's wallet lists, or the person's IIN.
func entitySubject(g store.GoldenRow, doc golden.Doc) string {
	if tag := doc.Value("tag"); tag != "" && g.NationalID == "" {
		return tag
	}
	return personSubject(g)
}

// holders lists the agencies that hold a live record among members.
func holders(ix view.SourceIndex, members []store.LiveRecord) []string {
	var out []string
	for _, m := range members {
		if src, ok := ix.ByID[m.SourceID]; ok && !slices.Contains(out, src.AgencyCode) {
			out = append(out, src.AgencyCode)
		}
	}
	return out
}

// readsRefused answers a read the reading limit or a missing audit log
// stopped.
func (s *Server) readsRefused(w http.ResponseWriter, r *http.Request, p view.Page, err error) {
	switch {
	case errors.Is(err, errReadLimit):
		w.Header().Set("Retry-After", "3600")
		s.refuse(w, r, http.StatusTooManyRequests, view.Msg("officials.readlimit"))
	case errors.Is(err, errNoAudit):
		s.refuse(w, r, http.StatusServiceUnavailable, view.Msg("officials.noaudit"))
	default:
		s.errorPage(w, r, p, err)
	}
}

// readLimiter gives each official an allowance of people read per hour,
// refilled continuously.
type readLimiter struct {
	perHour int
	mu      sync.Mutex
	used    map[int64]*allowance
}

type allowance struct {
	left float64
	at   time.Time
}

func newReadLimiter(perHour int) *readLimiter {
	return &readLimiter{perHour: perHour, used: map[int64]*allowance{}}
}

// take spends n reads of official's allowance at now, or reports false and
// spends nothing.
func (l *readLimiter) take(official int64, n int, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.used[official]
	if a == nil {
		a = &allowance{left: float64(l.perHour), at: now}
		l.used[official] = a
	}
	a.left = min(float64(l.perHour), a.left+now.Sub(a.at).Hours()*float64(l.perHour))
	a.at = now
	if float64(n) > a.left {
		return false
	}
	a.left -= float64(n)
	return true
}
