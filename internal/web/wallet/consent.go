package wallet

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/consent"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// consentOffer is a use of the citizen's data that the law allows only
// with their consent: a client system's right to a service for a purpose
// under a legal basis that requires consent.
type consentOffer struct {
	Key                     string
	Right                   exchange.Right
	Agency, System, Service string
	Purpose, Basis, Law     string
	Fields                  []view.Option
	RetentionDays           int
	Until                   string
	Granted                 bool // an active consent already covers it
	allowed                 []string
}

// consentRow is one of the citizen's consents, latest version.
type consentRow struct {
	consent.Signed
	Agency, System, Purpose string
	Services, Fields        []string
	Status                  string
	CanPause, CanResume     bool
	CanRevoke               bool
	History                 []consent.Signed
}

type walletConsentData struct {
	walletPage
	Offers   []consentOffer
	Consents []consentRow
	Error    string
}

// consentOffers lists what the citizen may consent to.
func (s *Server) consentOffers(l view.Locale, now time.Time) []consentOffer {
	x := s.opts.Exchange
	if x == nil {
		return nil
	}
	names := s.registryNames(l)
	services := map[string]exchange.Service{}
	for _, sv := range x.Services() {
		services[sv.Code] = sv
	}
	var out []consentOffer
	for _, b := range x.LegalBases() {
		if !b.ConsentRequired {
			continue
		}
		for _, rt := range x.Rights() {
			sv, ok := services[rt.Service]
			if !ok || !slices.Contains(b.Purposes, rt.Purpose) || (len(b.Services) > 0 && !slices.Contains(b.Services, rt.Service)) {
				continue
			}
			o := consentOffer{Key: strings.Join([]string{rt.Member, rt.Subsystem, rt.Service, rt.Purpose, b.Code}, "/"),
				Right: rt, Agency: or(names.members, rt.Member),
				System: or(names.systems, rt.Member+"/"+rt.Subsystem), Service: or(names.services, rt.Service),
				Purpose: or(names.purposes, rt.Purpose), Basis: l.Name(b.Code, b.Title), Law: b.Law + ", " + b.Article,
				RetentionDays: b.RetentionDays, Until: now.AddDate(1, 0, 0).Format(time.DateOnly)}
			for _, f := range sv.Fields {
				if len(b.Fields) == 0 || slices.Contains(b.Fields, f) {
					o.Fields = append(o.Fields, view.Option{Value: f, Label: l.Label("attr.", f), Selected: true})
					o.allowed = append(o.allowed, f)
				}
			}
			out = append(out, o)
		}
	}
	return out
}

// walletConsents shows the citizen's consents with their controls, and
// the uses they may consent to.
func (s *Server) walletConsents(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	s.renderConsents(w, r, wp, sess, http.StatusOK, "")
}

func (s *Server) renderConsents(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session, status int, errKey string) {
	d := walletConsentData{walletPage: wp, Error: errKey}
	d.Title, d.WNav = d.L.T("wallet.consents.title"), "consents"
	if s.opts.Consents == nil {
		s.render(w, r, status, "consents", d)
		return
	}
	ctx := r.Context()
	list, err := s.opts.Consents.Of(ctx, sess.IIN)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	names := s.registryNames(d.L)
	now := time.Now().UTC()
	active := map[string]bool{}
	for _, c := range list {
		row := consentRow{Signed: c, Agency: or(names.members, c.Member), Purpose: or(names.purposes, c.Purpose),
			Status: c.StatusAt(now)}
		if c.Subsystem != "" {
			row.System = or(names.systems, c.Member+"/"+c.Subsystem)
		}
		for _, sv := range c.Services {
			row.Services = append(row.Services, or(names.services, sv))
		}
		for _, f := range c.Fields {
			row.Fields = append(row.Fields, d.L.Label("attr.", f))
		}
		row.CanPause, row.CanResume = row.Status == consent.Active, row.Status == consent.Paused
		row.CanRevoke = row.CanPause || row.CanResume
		if row.History, err = s.opts.Consents.History(ctx, c.ID); err != nil {
			s.errorPage(w, r, d.walletPage, err)
			return
		}
		if row.Status == consent.Active {
			for _, sv := range c.Services {
				active[strings.Join([]string{c.Member, c.Subsystem, sv, c.Purpose}, "/")] = true
			}
		}
		d.Consents = append(d.Consents, row)
	}
	d.Offers = s.consentOffers(d.L, now)
	for i := range d.Offers {
		rt := d.Offers[i].Right
		d.Offers[i].Granted = active[strings.Join([]string{rt.Member, rt.Subsystem, rt.Service, rt.Purpose}, "/")]
	}
	s.render(w, r, status, "consents", d)
}

// walletGrantConsent records a consent the citizen gives.
func (s *Server) walletGrantConsent(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	if !s.checkForm(w, r, sess.CSRF, maxWalletForm) {
		return
	}
	if s.opts.Consents == nil {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.noconsents"))
		return
	}
	now := time.Now().UTC()
	key := r.PostFormValue("offer")
	offers := s.consentOffers(wp.L, now)
	i := slices.IndexFunc(offers, func(o consentOffer) bool { return o.Key == key })
	if i < 0 {
		s.renderConsents(w, r, wp, sess, http.StatusUnprocessableEntity, view.Msg("wallet.consent.nooffer"))
		return
	}
	o := offers[i]
	var fields []string
	for _, f := range r.PostForm["fields"] {
		if !slices.Contains(o.allowed, f) {
			s.renderConsents(w, r, wp, sess, http.StatusUnprocessableEntity, view.Msg("wallet.consent.badfield"))
			return
		}
		fields = append(fields, f)
	}
	until, err := time.Parse(time.DateOnly, r.PostFormValue("until"))
	freq := r.PostFormValue("frequency")
	switch {
	case len(fields) == 0:
		s.renderConsents(w, r, wp, sess, http.StatusUnprocessableEntity, view.Msg("wallet.consent.nofields"))
		return
	case err != nil || !until.After(now) || until.After(now.AddDate(5, 0, 0)):
		s.renderConsents(w, r, wp, sess, http.StatusUnprocessableEntity, view.Msg("wallet.consent.baduntil"))
		return
	case freq != consent.OneOff && freq != consent.Periodic:
		s.renderConsents(w, r, wp, sess, http.StatusUnprocessableEntity, view.Msg("wallet.consent.badfrequency"))
		return
	}
	a := consent.Artefact{Subject: sess.IIN, Member: o.Right.Member, Subsystem: o.Right.Subsystem, Purpose: o.Right.Purpose,
		Services: []string{o.Right.Service}, Fields: fields, ValidUntil: until.AddDate(0, 0, 1), Frequency: freq,
		RetentionDays: o.RetentionDays}
	signed, err := s.opts.Consents.Grant(r.Context(), a, "subject")
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	slog.InfoContext(r.Context(), "consent granted", "consent", signed.ID, "member", a.Member, "service", o.Right.Service)
	http.Redirect(w, r, "/wallet/consents#consent-"+signed.ID, http.StatusSeeOther)
}

// walletChangeConsent pauses, resumes or revokes one of the citizen's
// consents. Someone else's consent is answered as missing.
func (s *Server) walletChangeConsent(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	if !s.checkForm(w, r, sess.CSRF, maxWalletForm) {
		return
	}
	if s.opts.Consents == nil {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.noconsents"))
		return
	}
	ctx := r.Context()
	id := r.PathValue("consent")
	c, err := s.opts.Consents.Get(ctx, id)
	if view.IsNotFound(err) || (err == nil && c.Subject != sess.IIN) {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.noconsent"))
		return
	}
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	change := map[string]func(ctx context.Context, id, by, reason string) (consent.Signed, error){
		"pause": s.opts.Consents.Pause, "resume": s.opts.Consents.Resume, "revoke": s.opts.Consents.Revoke,
	}[r.PostFormValue("action")]
	if change == nil {
		s.walletRefused(w, r, http.StatusBadRequest, view.Msg("error.badform"))
		return
	}
	if _, err := change(ctx, id, "subject", ""); err != nil {
		if errors.Is(err, consent.ErrTransition) {
			s.renderConsents(w, r, wp, sess, http.StatusConflict, view.Msg("wallet.consent.cannot"))
			return
		}
		s.errorPage(w, r, wp, err)
		return
	}
	slog.InfoContext(ctx, "consent changed", "consent", id, "action", r.PostFormValue("action"))
	http.Redirect(w, r, "/wallet/consents#consent-"+id, http.StatusSeeOther)
}

// citizenConsentsAndCorrections reads the citizen's consents and
// correction requests, for the export.
func (s *Server) citizenConsentsAndCorrections(r *http.Request, sess wallet.Session) ([]consent.Signed, []store.Correction, error) {
	var cs []consent.Signed
	var rs []store.Correction
	var err error
	if s.opts.Consents != nil {
		if cs, err = s.opts.Consents.Of(r.Context(), sess.IIN); err != nil {
			return nil, nil, err
		}
	}
	if s.opts.Corrections != nil {
		if rs, err = s.opts.Corrections.Of(r.Context(), sess.IIN); err != nil {
			return nil, nil, err
		}
	}
	return cs, rs, nil
}
