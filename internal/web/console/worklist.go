package console

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// WorklistPageSize is how many findings one page of a work list shows.
const WorklistPageSize = 50

// worklistFilter is a work list's query: which findings, which page.
type worklistFilter struct {
	Agency, Source, Check, Kind, Status, Entity string
	Page                                        int
}

// worklistQuery reads the filter from the query string. An unknown status
// or page number falls back to the default, as a mistyped link should
// still show a work list.
func worklistQuery(r *http.Request) worklistFilter {
	q := r.URL.Query()
	f := worklistFilter{Agency: q.Get("agency"), Source: q.Get("source"), Check: q.Get("check"), Kind: q.Get("kind"),
		Status: q.Get("status"), Entity: q.Get("entity"), Page: 1}
	if !store.ValidFindingStatus(f.Status) {
		f.Status = ""
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		f.Page = n
	}
	return f
}

// store is the filter as the store takes it, for one page.
func (f worklistFilter) store() store.FindingFilter {
	return store.FindingFilter{Agency: f.Agency, Source: f.Source, Check: f.Check, Kind: f.Kind, Status: f.Status,
		EntityID: f.Entity, Limit: WorklistPageSize, Offset: (f.Page - 1) * WorklistPageSize}
}

// values is the filter as a query string, at page page (1 is left out).
func (f worklistFilter) values(page int) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"agency": f.Agency, "source": f.Source, "check": f.Check, "kind": f.Kind,
		"status": f.Status, "entity": f.Entity} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

// Work list groups: agency, then source, then check.
type (
	agencyGroup struct {
		Code, Name string
		Sources    []sourceGroup
	}
	sourceGroup struct {
		Name, Title string
		Checks      []checkGroup
	}
	checkGroup struct {
		Check, Kind string
		Rows        []findingRow
	}
)

type worklistData struct {
	view.Page
	Filter                              worklistFilter
	Agencies, Sources, Checks, Statuses []view.Option
	Total                               int
	Groups                              []agencyGroup
	PageNum, Pages                      int
	Prev, Next                          string
	CSV                                 string
	// Back is this page's address, where a status form returns to.
	Back string
	// Corrections are citizens' open correction requests to the chosen
	// agency or source, oldest deadline first, of CorrectionsTotal.
	Corrections      []correctionRow
	CorrectionsTotal int
}

// worklistPage is a data officer's work list: the findings a filter
// selects, grouped by the agency that owns the data, its source and the
// check, each with the record, the reason, a suggested fix and a form to
// mark it fixed or not a defect.
func (s *Server) worklistPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := worklistData{Page: s.newPage(w, r), Filter: worklistQuery(r)}
	d.Title, d.Nav = d.L.T("worklist.title"), "worklist"
	fail := func(err error) { s.errorPage(w, r, d.Page, err) }
	ix, err := view.LoadSources(ctx, s.st, d.L)
	if err != nil {
		fail(err)
		return
	}
	fs, total, err := s.st.WorkList(ctx, d.Filter.store())
	if err != nil {
		fail(err)
		return
	}
	rows, err := s.findingRows(ctx, ix, fs)
	if err != nil {
		fail(err)
		return
	}
	counts, err := s.st.FindingTally(ctx)
	if err != nil {
		fail(err)
		return
	}
	d.Total, d.PageNum = total, d.Filter.Page
	d.Pages = max(1, (total+WorklistPageSize-1)/WorklistPageSize)
	if d.PageNum > 1 {
		d.Prev = "/worklist?" + d.Filter.values(d.PageNum-1).Encode()
	}
	if d.PageNum < d.Pages {
		d.Next = "/worklist?" + d.Filter.values(d.PageNum+1).Encode()
	}
	d.CSV = "/worklist.csv?" + d.Filter.values(1).Encode()
	d.Back = r.URL.RequestURI()
	d.Groups = groupFindings(ix, rows)
	d.filterOptions(ix, counts)
	if err := s.titleChecks(ctx, ix, d.Filter.Source, d.Checks); err != nil {
		fail(err)
		return
	}
	if s.opts.Corrections != nil {
		cs, n, err := s.opts.Corrections.List(ctx, store.CorrectionFilter{Agency: d.Filter.Agency, Source: d.Filter.Source,
			Status: store.CorrectionOpen, Limit: worklistCorrections})
		if err != nil {
			fail(err)
			return
		}
		d.Corrections, d.CorrectionsTotal = correctionRows(ix, cs, time.Now()), n
	}
	s.render(w, r, http.StatusOK, "worklist", d)
}

// groupFindings groups findings, already in agency, source and check
// order, under their agency, source and check.
func groupFindings(ix view.SourceIndex, rows []findingRow) []agencyGroup {
	var out []agencyGroup
	for _, f := range rows {
		if len(out) == 0 || out[len(out)-1].Code != f.Agency {
			out = append(out, agencyGroup{Code: f.Agency, Name: ix.Agency[f.Agency]})
		}
		a := &out[len(out)-1]
		if len(a.Sources) == 0 || a.Sources[len(a.Sources)-1].Name != f.Source {
			a.Sources = append(a.Sources, sourceGroup{Name: f.Source, Title: ix.Title(f.Source)})
		}
		src := &a.Sources[len(a.Sources)-1]
		if len(src.Checks) == 0 || src.Checks[len(src.Checks)-1].Check != f.Check {
			src.Checks = append(src.Checks, checkGroup{Check: f.Check, Kind: f.Kind})
		}
		c := &src.Checks[len(src.Checks)-1]
		c.Rows = append(c.Rows, f)
	}
	return out
}

// filterOptions fills the filter's select boxes: agencies, their sources,
// and the checks that have findings in the chosen agency or source.
func (d *worklistData) filterOptions(ix view.SourceIndex, counts []store.FindingCount) {
	f, l := d.Filter, d.L
	d.Agencies = []view.Option{{Label: l.T("worklist.any")}}
	codes := make([]string, 0, len(ix.Agency))
	for code := range ix.Agency {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		d.Agencies = append(d.Agencies, view.Option{Value: code, Label: ix.Agency[code], Selected: code == f.Agency})
	}
	d.Sources = []view.Option{{Label: l.T("worklist.any")}}
	names := make([]string, 0, len(ix.ByName))
	for name, src := range ix.ByName {
		if f.Agency == "" || src.AgencyCode == f.Agency {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		d.Sources = append(d.Sources, view.Option{Value: name, Label: ix.Title(name), Selected: name == f.Source})
	}
	d.Checks = []view.Option{{Label: l.T("worklist.any")}}
	var checks []string
	for _, c := range counts {
		if (f.Agency == "" || c.Agency == f.Agency) && (f.Source == "" || c.Source == f.Source) && !slices.Contains(checks, c.Check) {
			checks = append(checks, c.Check)
		}
	}
	slices.Sort(checks)
	for _, c := range checks {
		d.Checks = append(d.Checks, view.Option{Value: c, Label: c, Selected: c == f.Check})
	}
	d.Statuses = []view.Option{{Label: l.T("status.todo")}}
	for _, st := range []string{store.FindingOpen, store.FindingFixed, store.FindingNotDefect, store.FindingResolved} {
		d.Statuses = append(d.Statuses, view.Option{Value: st, Label: l.Label("status.", st), Selected: st == f.Status})
	}
}

// worklistCSV exports the whole work list a filter selects, every page of
// it, as a CSV file a data officer opens in a spreadsheet.
func (s *Server) worklistCSV(w http.ResponseWriter, r *http.Request) {
	f := worklistQuery(r).store()
	f.Limit, f.Offset = -1, 0
	fs, _, err := s.st.WorkList(r.Context(), f)
	if err != nil {
		s.errorPage(w, r, s.newPage(w, r), err)
		return
	}
	l := s.newPage(w, r).L
	ix, err := view.LoadSources(r.Context(), s.st, l)
	if err != nil {
		s.errorPage(w, r, s.newPage(w, r), err)
		return
	}
	var buf bytes.Buffer
	if err := scorecard.WriteCSVLang(&buf, localFindings(ix, fs), l.Lang); err != nil {
		s.errorPage(w, r, s.newPage(w, r), err)
		return
	}
	name := "ortaq-worklist"
	for _, part := range []string{f.Agency, f.Source, f.Check} {
		if part != "" {
			name += "-" + part
		}
	}
	name += "-" + time.Now().UTC().Format("20060102") + ".csv"
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+safeFileName(name)+`"`)
	h.Set("Cache-Control", "no-store")
	if _, err := w.Write(buf.Bytes()); err != nil {
		slog.DebugContext(r.Context(), "work list export cut off", "err", err)
	}
}

// safeFileName keeps a download name to letters, digits, '-', '_' and
// '.', so that a filter value cannot break the header.
func safeFileName(s string) string {
	b := []byte(s)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			b[i] = '_'
		}
	}
	return string(b)
}
