package wallet

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// accessRow is one access to the citizen's data in plain words: who (the
// agency and its system, never the official), what, why, on what basis,
// and what was decided.
type accessRow struct {
	Index          uint64
	Time           time.Time
	New            bool
	Agency, System string
	Service        string
	// Animal is the tag of the citizen's animal a query was about; ""
	// for a query about the citizen.
	Animal       string
	Fields       []string
	Purpose      string
	Basis, Law   string
	Allowed      bool
	Refusal      string
	Case         string
	NeedsConsent bool
	// Official marks an official's look in the console: System is then
	// their role, and BreakGlass says they opened the citizen outside
	// their agency's records on a written reason.
	Official, BreakGlass bool
	// Merchant marks a merchant's request naming the citizen to the
	// Social Wallet: Agency is then the merchant's name.
	Merchant bool
}

// registryNames titles the exchange registry's codes in one language.
type registryNames struct {
	members, systems, services, purposes map[string]string
	bases                                map[string]exchange.LegalBasis
	// merchants names the Social Wallet's merchants by id, for the rows
	// of audit.KindMerchant (see accessNames).
	merchants map[string]string
}

func (s *Server) registryNames(l view.Locale) registryNames {
	n := registryNames{members: map[string]string{}, systems: map[string]string{}, services: map[string]string{},
		purposes: map[string]string{}, bases: map[string]exchange.LegalBasis{}}
	x := s.opts.Exchange
	if x == nil {
		return n
	}
	for _, m := range x.Members() {
		n.members[m.Code] = l.Name(m.Code, m.Title)
		for _, sub := range m.Subsystems {
			n.systems[m.Code+"/"+sub.Code] = l.Name(sub.Code, sub.Title)
		}
	}
	for _, sv := range x.Services() {
		n.services[sv.Code] = l.Name(sv.Code, sv.Title)
	}
	for _, p := range x.Purposes() {
		n.purposes[p.Code] = l.Name(p.Code, p.Title)
	}
	for _, b := range x.LegalBases() {
		n.bases[b.Code] = b
	}
	return n
}

// or returns m[k], or k when m has no title for it.
func or(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

func (n registryNames) row(l view.Locale, r audit.Record) accessRow {
	a := accessRow{Index: r.Index, Time: r.Time, Agency: or(n.members, r.Member), System: or(n.systems, r.Member+"/"+r.Subsystem),
		Service: or(n.services, r.Service), Purpose: or(n.purposes, r.Purpose), Basis: r.LegalBasis,
		Allowed: r.Decision == audit.Allowed, Case: r.RequestID}
	if r.Member == "" {
		a.Agency = l.T("exchange.anonymous")
	}
	if r.Kind == audit.KindOfficialRead || r.Kind == audit.KindBreakGlass {
		// The official's identity stays with the auditors; the citizen
		// learns the agency, the role, the purpose and the case.
		a.Official, a.BreakGlass = true, r.Kind == audit.KindBreakGlass
		a.System, a.Service, a.Case = l.Label("role.", r.Role), l.Label("read.", r.Service), r.Case
		if t, ok := officials.ReasonLabels[r.Purpose][l.Lang]; ok {
			a.Purpose = t
		}
		return a
	}
	if r.Kind == audit.KindSystemRead {
		// An agency's own system read the record it holds, outside the
		// exchange: no legal basis of the registry, the agency's duty.
		a.Official, a.Service = true, l.Label("read.", r.Service)
		a.Purpose, a.Basis = l.Label("read.purpose.", r.Purpose), l.T("wallet.access.holder")
		return a
	}
	if r.Kind == audit.KindMerchant {
		return n.merchantRow(l, r, a)
	}
	if b, ok := n.bases[r.LegalBasis]; ok {
		a.Basis, a.Law, a.NeedsConsent = l.Name(b.Code, b.Title), b.Law+", "+b.Article, b.ConsentRequired
	}
	for _, f := range r.Fields {
		a.Fields = append(a.Fields, l.Label("attr.", f))
	}
	if !a.Allowed {
		// The exchange records a refusal's reason as "code: detail"; a
		// code the catalogue explains says more than the status does.
		code, _, _ := strings.Cut(r.Reason, ":")
		if a.Refusal = l.Hint("wallet.refusal.", code); a.Refusal == "" {
			a.Refusal = l.Label("refusal.", strconv.Itoa(r.Status))
		}
	}
	return a
}

type walletAccessData struct {
	walletPage
	Rows []accessRow
	// Limit is how many the page lists at most.
	Limit int
}

// walletAccess lists who asked for the citizen's data, newest first, and
// marks them seen.
func (s *Server) walletAccess(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	d := walletAccessData{walletPage: wp, Limit: walletAccessRows}
	d.Title, d.WNav = d.L.T("wallet.access.title"), "access"
	acc, err := s.opts.Wallet.Accesses(r.Context(), sess.IIN, walletAccessRows)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	names, err := s.accessNames(r.Context(), d.L)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	for _, a := range acc {
		row := names.row(d.L, a.Record)
		row.New = a.New
		if a.Subject != sess.IIN {
			row.Animal = a.Subject
		}
		d.Rows = append(d.Rows, row)
	}
	if len(acc) > 0 {
		if err := s.opts.Wallet.MarkSeen(r.Context(), sess.IIN, acc[0].Index); err != nil {
			s.errorPage(w, r, d.walletPage, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "access", d)
}

type walletReceiptData struct {
	walletPage
	Row accessRow
	// Verified is true when the receipt checks out; Problem says why not.
	Verified   bool
	Problem    string
	TreeSize   int
	Checkpoint string
	KeyName    string
}

// receiptOf reads the receipt of the access in the path, refusing one
// about someone else exactly as one that does not exist.
func (s *Server) receiptOf(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) (audit.Receipt, bool) {
	idx, err := strconv.ParseUint(r.PathValue("index"), 10, 64)
	if err != nil {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.noaccess"))
		return audit.Receipt{}, false
	}
	rc, err := s.opts.Wallet.Receipt(r.Context(), sess.IIN, idx)
	if view.IsNotFound(err) {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.noaccess"))
		return audit.Receipt{}, false
	}
	if err != nil {
		s.errorPage(w, r, wp, err)
		return audit.Receipt{}, false
	}
	return rc, true
}

// walletReceipt shows one access with its receipt checked: the record
// opens its commitment, the proof includes it in the tree and the
// checkpoint is signed by the log's key.
func (s *Server) walletReceipt(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	rc, ok := s.receiptOf(w, r, wp, sess)
	if !ok {
		return
	}
	names, err := s.accessNames(r.Context(), wp.L)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	d := walletReceiptData{walletPage: wp, Row: names.row(wp.L, rc.Record), TreeSize: int(rc.TreeSize),
		Checkpoint: rc.Checkpoint}
	d.Title, d.WNav = d.L.T("wallet.receipt.title"), "access"
	err = errors.New("no audit key to check receipts with")
	if v := s.opts.AuditVerifier; v != nil {
		d.KeyName = v.Name()
		err = rc.Verify(v)
	}
	d.Verified = err == nil
	if err != nil {
		d.Problem = err.Error()
	}
	s.render(w, r, http.StatusOK, "receipt", d)
}

// walletReceiptJSON downloads the receipt for the citizen to keep.
func (s *Server) walletReceiptJSON(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	rc, ok := s.receiptOf(w, r, wp, sess)
	if !ok {
		return
	}
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ortaq-receipt-%d.json"`, rc.Record.Index))
	view.WriteDoc(w, r, http.StatusOK, "application/json", rc)
}
