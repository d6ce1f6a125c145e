package console

import (
	"bytes"
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
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
	// Search is a record id, an entity id or part of a value.
	Search string
	Page   int
}

// worklistQuery reads the filter from the query string. An unknown status
// or page number falls back to the default, as a mistyped link should
// still show a work list.
func worklistQuery(r *http.Request) worklistFilter {
	return readFilter(r.URL.Query())
}

// readFilter reads a work list filter from q: a query string, or the
// fields of a bulk decision's form.
func readFilter(q url.Values) worklistFilter {
	f := worklistFilter{Agency: q.Get("agency"), Source: q.Get("source"), Check: q.Get("check"), Kind: q.Get("kind"),
		Status: q.Get("status"), Entity: q.Get("entity"), Search: strings.TrimSpace(q.Get("search")), Page: 1}
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
		EntityID: f.Entity, Search: f.Search, Limit: WorklistPageSize, Offset: (f.Page - 1) * WorklistPageSize}
}

// values is the filter as a query string, at page page (1 is left out).
func (f worklistFilter) values(page int) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"agency": f.Agency, "source": f.Source, "check": f.Check, "kind": f.Kind,
		"status": f.Status, "entity": f.Entity, "search": f.Search} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

// checkGroup is one check of one source on a work list page, with its
// findings there: the unit the page is ordered by (impact) and the unit an
// officer finishes.
type checkGroup struct {
	Agency, AgencyName  string
	Source, SourceTitle string
	Check, Kind         string
	Severity            string // the check's severity, in the reader's language
	Impact              int    // store.Impact of the check's open findings
	Rows                []worklistRow
}

// worklistRow is a finding as the work list shows it: for a duplicate
// cluster, the record to keep and the ones to merge into it.
type worklistRow struct {
	findingRow
	// Cluster is set for a duplicate cluster: one finding about RecordID,
	// the record to keep, with Related the records to merge into it, all of
	// the entity EntityID.
	Cluster bool
}

// unappliedRow is an accepted correction the agency's own system does not
// hold yet, with its deadline.
type unappliedRow struct {
	store.Override
	SourceTitle string
	Overdue     bool
}

type worklistData struct {
	view.Page
	// Unnamed is the officer recorded for a decision made without a name,
	// which the page shows in the reader's words.
	Unnamed                             string
	Filter                              worklistFilter
	Agencies, Sources, Checks, Statuses []view.Option
	Total                               int
	Groups                              []checkGroup
	PageNum, Pages                      int
	Prev, Next                          string
	CSV                                 string
	// Back is this page's address, where a status form returns to.
	Back string
	// Corrections are citizens' open correction requests to the chosen
	// agency or source, oldest deadline first, of CorrectionsTotal.
	Corrections      []correctionRow
	CorrectionsTotal int
	// Unapplied are accepted corrections the agency's system does not hold
	// yet, the nearest deadline first, of UnappliedTotal; UnappliedTitle
	// heads them.
	Unapplied      []unappliedRow
	UnappliedTotal int
	UnappliedTitle string
	// BulkCount says what a bulk decision would change; Decided what the
	// last one changed, shown after it.
	BulkCount string
	Decided   string
	// BulkError is a message key when a bulk decision was refused, with
	// the reason the form carried.
	BulkError, BulkReason string
}

// worklistPage is a data officer's work list: the findings a filter
// selects, the checks of most impact first, each with the record, the
// reason, a suggested fix and a form to mark it fixed or not a defect, and
// a form to decide every finding of the filter at once.
func (s *Server) worklistPage(w http.ResponseWriter, r *http.Request) {
	d := worklistData{Page: s.newPage(w, r), Filter: ownAgency(visitOf(r.Context()), worklistQuery(r))}
	if n, err := strconv.Atoi(r.URL.Query().Get("decided")); err == nil && n >= 0 {
		d.Decided = d.L.P("worklist.bulk.done", n)
	}
	s.renderWorklist(w, r, http.StatusOK, d)
}

// renderWorklist reads and renders the work list d.Filter selects.
func (s *Server) renderWorklist(w http.ResponseWriter, r *http.Request, status int, d worklistData) {
	ctx := r.Context()
	d.Title, d.Nav, d.Unnamed = d.L.T("worklist.title"), "worklist", store.UnnamedOfficer
	fail := func(err error) { s.errorPage(w, r, d.Page, err) }
	ix, err := view.LoadSources(ctx, s.st, d.L)
	if err != nil {
		fail(err)
		return
	}
	f := d.Filter.store()
	f.ByImpact = true
	fs, total, err := s.st.WorkList(ctx, f)
	if err != nil {
		fail(err)
		return
	}
	rows, err := s.findingRows(ctx, ix, fs)
	if err != nil {
		fail(err)
		return
	}
	reads := findingReads(rows)
	checks, err := s.st.ChecksByImpact(ctx)
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
	d.Back = "/worklist"
	if q := d.Filter.values(d.PageNum).Encode(); q != "" {
		d.Back += "?" + q
	}
	d.BulkCount = d.L.P("worklist.bulk.count", total)
	d.Groups = groupFindings(d.L.Lang, ix, rows, checks)
	d.filterOptions(ix, checks)
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
		os, n, err := s.opts.Corrections.Unapplied(ctx, store.OverrideFilter{Agency: d.Filter.Agency, Source: d.Filter.Source,
			Status: store.OverrideActive, Limit: worklistCorrections})
		if err != nil {
			fail(err)
			return
		}
		now := time.Now()
		for _, o := range os {
			d.Unapplied = append(d.Unapplied, unappliedRow{Override: o, SourceTitle: ix.Title(o.Source), Overdue: now.After(o.DueAt)})
		}
		d.UnappliedTotal, d.UnappliedTitle = n, walletText(d.L.Lang, "correction.unapplied")
		for _, c := range cs {
			reads = append(reads, read{Subject: c.Subject})
		}
	}
	if err := s.recordReads(ctx, readWorklist, reads); err != nil {
		s.readsRefused(w, r, d.Page, err)
		return
	}
	s.render(w, r, status, "worklist", d)
}

// groupFindings groups findings, already in work-list order (check by
// check), under their check, and tells each in lang.
func groupFindings(lang string, ix view.SourceIndex, rows []findingRow, checks []store.CheckImpact) []checkGroup {
	impact := map[[2]string]store.CheckImpact{}
	for _, c := range checks {
		impact[[2]string{c.Source, c.Check}] = c
	}
	var out []checkGroup
	for _, f := range rows {
		if n := len(out); n == 0 || out[n-1].Source != f.Source || out[n-1].Check != f.Check {
			c := impact[[2]string{f.Source, f.Check}]
			out = append(out, checkGroup{Agency: f.Agency, AgencyName: ix.Agency[f.Agency], Source: f.Source,
				SourceTitle: ix.Title(f.Source), Check: f.Check, Kind: f.Kind,
				Severity: scorecard.T(lang, "severity."+cmp.Or(f.Severity, c.Severity)), Impact: c.Impact})
		}
		// findingRows already wrote the reason and the fix in the reader's
		// language, with attributes and sources as their contracts label them.
		row := worklistRow{findingRow: f, Cluster: f.Kind == "duplicates" && f.RecordID != ""}
		g := &out[len(out)-1]
		g.Rows = append(g.Rows, row)
	}
	return out
}

// filterOptions fills the filter's select boxes: agencies, their sources,
// and the checks that have findings in the chosen agency or source, each
// the one of most impact first (then by code), so that the top of each
// list is where an officer's work counts most.
func (d *worklistData) filterOptions(ix view.SourceIndex, checks []store.CheckImpact) {
	f, l := d.Filter, d.L
	byAgency, bySource, byCheck := map[string]int{}, map[string]int{}, map[string]int{}
	for _, c := range checks {
		byAgency[c.Agency] += c.Impact
		if f.Agency == "" || c.Agency == f.Agency {
			bySource[c.Source] += c.Impact
		}
		if (f.Agency == "" || c.Agency == f.Agency) && (f.Source == "" || c.Source == f.Source) {
			byCheck[c.Check] += c.Impact
		}
	}
	byImpact := func(impact map[string]int) func(a, b string) int {
		return func(a, b string) int { return cmp.Or(cmp.Compare(impact[b], impact[a]), cmp.Compare(a, b)) }
	}
	// A work list is one agency's, the signed-in official's: the choice
	// names it alone.
	d.Agencies = nil
	codes := []string{f.Agency}
	slices.SortFunc(codes, byImpact(byAgency))
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
	slices.SortFunc(names, byImpact(bySource))
	for _, name := range names {
		d.Sources = append(d.Sources, view.Option{Value: name, Label: ix.Title(name), Selected: name == f.Source})
	}
	d.Checks = []view.Option{{Label: l.T("worklist.any")}}
	names = names[:0]
	for c := range byCheck {
		names = append(names, c)
	}
	slices.SortFunc(names, byImpact(byCheck))
	for _, c := range names {
		d.Checks = append(d.Checks, view.Option{Value: c, Label: c, Selected: c == f.Check})
	}
	d.Statuses = []view.Option{{Label: l.T("status.todo")}}
	for _, st := range []string{store.FindingOpen, store.FindingFixed, store.FindingNotDefect, store.FindingResolved} {
		d.Statuses = append(d.Statuses, view.Option{Value: st, Label: l.Label("status.", st), Selected: st == f.Status})
	}
}

// worklistCSV exports the whole work list a filter selects, every page of
// it, in the page's order and the reader's language, as a CSV file a data
// officer opens in a spreadsheet (with a byte-order mark, and cells that
// a spreadsheet would run as formulas neutralised).
func (s *Server) worklistCSV(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r)
	f := ownAgency(visitOf(r.Context()), worklistQuery(r)).store()
	f.Limit, f.Offset, f.ByImpact = -1, 0, true
	fs, _, err := s.st.WorkList(r.Context(), f)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	ix, err := view.LoadSources(r.Context(), s.st, p.L)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	if err := s.recordExport(r.Context(), fs); err != nil {
		s.readsRefused(w, r, p, err)
		return
	}
	var buf bytes.Buffer
	if err := scorecard.WriteCSVLang(&buf, localFindings(ix, fs), p.L.Lang); err != nil {
		s.errorPage(w, r, p, err)
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

// recordExport records a read of every entity the exported findings
// name, before the file is sent.
func (s *Server) recordExport(ctx context.Context, fs []store.Finding) error {
	var ids []string
	for _, f := range fs {
		if f.EntityID != "" {
			ids = append(ids, f.EntityID)
		}
		ids = append(ids, f.Related...)
	}
	if len(ids) == 0 {
		return nil
	}
	golden, err := s.st.GoldenBrief(ctx, ids)
	if err != nil {
		return err
	}
	reads := make([]read, 0, len(golden))
	for _, g := range golden {
		reads = append(reads, read{Subject: personSubject(g)})
	}
	slices.SortFunc(reads, func(a, b read) int { return strings.Compare(a.Subject, b.Subject) })
	return s.recordReads(ctx, readExport, reads)
}

// findingReads are the people a page of findings names.
func findingReads(rows []findingRow) []read {
	var out []read
	for _, f := range rows {
		if f.Entity != nil {
			out = append(out, read{Subject: personSubject(*f.Entity)})
		}
		for _, rel := range f.Related {
			if rel.Link {
				out = append(out, read{Subject: rel.Subject})
			}
		}
	}
	return out
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
