package wallet

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// walletAccessRows is how many accesses the wallet lists, and exports.
const walletAccessRows = 500

type walletData struct {
	walletPage
	// None is true when the registers hold no golden record with the
	// citizen's IIN.
	None      bool
	G         store.GoldenRow
	Fields    []view.FieldRow
	Records   []view.RecordCol
	Matrix    []view.MatrixRow
	Household []store.GoldenRow
	Family    []wallet.Relative
	Animals   []animalRow
}

// animalRow is one of the citizen's animals.
type animalRow struct {
	Tag, Species, Breed, BirthDate string
}

// walletHome is "my data": the golden record with where each value came
// from, every agency's records side by side, the household, family and
// animals, each value with a way to say it is wrong.
func (s *Server) walletHome(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	d := walletData{walletPage: wp}
	d.Title, d.WNav = d.L.T("wallet.data.title"), "data"
	p, err := s.opts.Wallet.Profile(r.Context(), sess.IIN)
	switch {
	case errors.Is(err, store.ErrNotFound):
		d.None = true
		s.render(w, r, http.StatusOK, "data", d)
		return
	case err != nil:
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	ix, err := view.LoadSources(r.Context(), s.st, d.L)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	d.G = p.Golden
	d.Fields = view.GoldenFields(ix, p.Doc)
	d.Records, d.Matrix = view.SideBySide(ix, p.Doc, p.Records, -1)
	d.Household, d.Family = p.Household, p.Family
	for _, a := range p.Animals {
		doc, err := golden.DecodeDoc(a.Doc)
		if err != nil {
			s.errorPage(w, r, d.walletPage, fmt.Errorf("golden record %s: %w", a.EntityID, err))
			return
		}
		d.Animals = append(d.Animals, animalRow{Tag: doc.Value("tag"), Species: d.L.Value("species", doc.Value("species")), Breed: d.L.Value("breed", doc.Value("breed")),
			BirthDate: a.BirthDate})
	}
	s.render(w, r, http.StatusOK, "data", d)
}

// walletExport gathers everything the wallet shows the citizen.
func (s *Server) walletExport(r *http.Request, sess wallet.Session) (*wallet.Export, error) {
	ctx := r.Context()
	p, err := s.opts.Wallet.Profile(ctx, sess.IIN)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	ix, err := view.LoadSources(ctx, s.st, view.Locale{Lang: view.DefaultLang})
	if err != nil {
		return nil, err
	}
	names := func(id int64) (string, string) { src := ix.ByID[id]; return src.Name, src.AgencyCode }
	accesses, err := s.opts.Wallet.Accesses(ctx, sess.IIN, walletAccessRows)
	if err != nil {
		return nil, err
	}
	consents, corrections, err := s.citizenConsentsAndCorrections(r, sess)
	if err != nil {
		return nil, err
	}
	return wallet.NewExport(sess.IIN, time.Now(), p, names, consents, corrections, accesses), nil
}

// walletDataJSON downloads everything as JSON.
func (s *Server) walletDataJSON(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	e, err := s.walletExport(r, sess)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="ortaq-my-data.json"`)
	view.WriteDoc(w, r, http.StatusOK, "application/json", e)
}

// walletDataCSV downloads the values as CSV.
func (s *Server) walletDataCSV(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	e, err := s.walletExport(r, sess)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	words, err := newCSVWords(r.Context(), s.st, wp.L)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	var buf bytes.Buffer
	if err := e.WriteCSV(&buf, words); err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="ortaq-my-data.csv"`)
	h.Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
