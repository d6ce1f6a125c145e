package console

import (
	"cmp"
	"net/http"
	"regexp"
	"slices"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// spendingData is the ministry's page of the social wallet: money in,
// out and left per programme and ledger, what was spent by category,
// region and merchant, what is unspent and what expired. It names no
// citizen.
type spendingData struct {
	view.Page
	// Off is true when the server runs no social wallet.
	Off bool
	// Sub names the page among the spending pages (see spendingnav).
	Sub string
	// Month is the month shown, "" for all time.
	Month string
	// Programmes are per programme and ledger.
	Programmes []flowRow
	// In, Out and Left are the programmes' totals, since the start.
	In, Out, Left string
	// Spent and Refunded sum the month's purchases and meals, Payments
	// counts them.
	Spent, Refunded string
	Payments        int
	// Funded, Unspent and Expired are the month's vouchers: all of them,
	// the active ones with what they hold, the expired ones with what
	// went back to the programme.
	Funded, Unspent, Expired voucherSum
	// Tables are what was spent by category, by region and by merchant.
	Tables []spentTable
}

// voucherSum is a count of vouchers and their amount in words.
type voucherSum struct {
	Count  int
	Amount string
}

// spentTable is what was spent, grouped one way.
type spentTable struct {
	// ID is the table's id in the page, Heading its message key.
	ID, Heading string
	Rows        []spentRow
}

// flowRow is one programme's money on one ledger.
type flowRow struct {
	Programme, Ledger string
	In, Out, Left     string
	// OutBar is what went out as a share of what came in.
	OutBar bar
}

// spentRow is what was spent in one group: a category, a region or a
// merchant.
type spentRow struct {
	Name            string
	Count           int
	Spent, Refunded string
	Bar             bar
}

// monthPattern is a calendar month as the page's form sends it.
var monthPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// spendingAgency is the agency that administers the programmes the social
// wallet pays from: the scope of wallet.spending.
func (s *Server) spendingAgency() string {
	if s.opts.Welfare != nil {
		return s.opts.Welfare.Agency()
	}
	return "mlsp"
}

// spendingMonth reads ?month=YYYY-MM; anything else is all time.
func spendingMonth(r *http.Request) string {
	if m := r.URL.Query().Get("month"); monthPattern.MatchString(m) {
		return m
	}
	return ""
}

// spendingPage shows the social wallet's figures to the administering
// agency's policy officers and analysts and to the national
// administrator.
func (s *Server) spendingPage(w http.ResponseWriter, r *http.Request) {
	if !s.administers(w, r, access.WalletSpending, s.spendingAgency()) {
		return
	}
	d := spendingData{Page: s.newPage(w, r).Titled("spending.title"), Off: s.opts.SocialWallet == nil, Month: spendingMonth(r)}
	d.Nav, d.Sub = "spending", "spending"
	if d.Off {
		s.render(w, r, http.StatusOK, "spending", d)
		return
	}
	sp, err := s.opts.SocialWallet.Spending(r.Context(), d.Month)
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	l := d.L
	var in, out, left int64
	for _, p := range sp.Programmes {
		row := flowRow{Programme: s.programmeTitle(l, p.Programme), Ledger: l.Ledger(p.Ledger),
			In: l.Tenge(p.In), Out: l.Tenge(p.Out), Left: l.Tenge(p.Left), OutBar: moneyBar(p.Out, p.In)}
		in, out, left = in+p.In, out+p.Out, left+p.Left
		d.Programmes = append(d.Programmes, row)
	}
	d.In, d.Out, d.Left = l.Tenge(in), l.Tenge(out), l.Tenge(left)
	sum := func(v socialwallet.VoucherSum) voucherSum {
		return voucherSum{Count: v.Count, Amount: l.Tenge(v.Amount)}
	}
	d.Funded, d.Unspent, d.Expired = sum(sp.Funded), sum(sp.Unspent), sum(sp.Expired)
	d.Spent, d.Refunded = l.Tenge(sp.Spent), l.Tenge(sp.Refunded)
	for _, g := range sp.ByLedger {
		d.Payments += g.Count
	}
	d.Tables = []spentTable{
		{ID: "by-ledger", Heading: view.Msg("spending.byledger"), Rows: spentRows(l, sp.ByLedger, func(k string) string {
			if g, err := ledger.ParseLedger(k); err == nil {
				return l.Ledger(g)
			}
			return k
		})},
		{ID: "by-region", Heading: view.Msg("spending.byregion"), Rows: spentRows(l, sp.ByRegion, l.Region)},
		{ID: "by-merchant", Heading: view.Msg("spending.bymerchant"), Rows: spentRows(l, sp.ByMerchant, nil)},
	}
	s.render(w, r, http.StatusOK, "spending", d)
}

// spentRows orders flows by what was spent, most first, each named by
// name (nil: the flow's own name, else its key).
func spentRows(l view.Locale, flows []socialwallet.Group, name func(string) string) []spentRow {
	flows = slices.Clone(flows)
	slices.SortFunc(flows, func(a, b socialwallet.Group) int {
		return cmp.Or(cmp.Compare(b.Spent, a.Spent), cmp.Compare(a.Key, b.Key))
	})
	var top int64
	for _, f := range flows {
		top = max(top, f.Spent)
	}
	out := make([]spentRow, 0, len(flows))
	for _, f := range flows {
		n := cmp.Or(f.Name, f.Key)
		if name != nil {
			n = name(f.Key)
		}
		out = append(out, spentRow{Name: n, Count: f.Count, Spent: l.Tenge(f.Spent), Refunded: l.Tenge(f.Refunded),
			Bar: moneyBar(f.Spent, top)})
	}
	return out
}

// moneyBar draws part as a share of whole.
func moneyBar(part, whole int64) bar {
	if whole <= 0 || part <= 0 {
		return bar{Class: "share"}
	}
	return bar{Fill: min(100, 100*float64(part)/float64(whole)), Class: "share"}
}

// anomaliesData is the list of what the ministry should look at.
type anomaliesData struct {
	view.Page
	Off        bool
	Sub, Month string
	Rows       []anomalyRow
}

// anomalyRow is one anomaly in words.
type anomalyRow struct {
	Kind, What, Merchant, Household, Detail string
	Count                                   int
	Amount                                  string
}

// anomaliesPage lists the social wallet's anomalies: one merchant taking
// many vouchers of one household, spending at a merchant linked to the
// household.
func (s *Server) anomaliesPage(w http.ResponseWriter, r *http.Request) {
	if !s.administers(w, r, access.WalletSpending, s.spendingAgency()) {
		return
	}
	d := anomaliesData{Page: s.newPage(w, r).Titled("spending.anomalies.title"), Off: s.opts.SocialWallet == nil,
		Month: spendingMonth(r)}
	d.Nav, d.Sub = "spending", "anomalies"
	if d.Off {
		s.render(w, r, http.StatusOK, "spending_anomalies", d)
		return
	}
	list, err := s.opts.SocialWallet.Anomalies(r.Context(), d.Month)
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	names := s.merchantNames(r)
	for _, a := range list {
		m := a.Merchant
		if n := names[a.Merchant]; n != "" {
			m = n
		}
		// The domain's detail is English or a date: say it in the reader's
		// words where it counts purchases.
		detail := a.Detail
		if a.Household != "" {
			detail = d.L.P("spending.anomaly.purchases", a.Count)
		}
		d.Rows = append(d.Rows, anomalyRow{Kind: a.Kind, What: d.L.Label("spending.anomaly.", a.Kind), Merchant: m,
			Household: a.Household, Detail: detail, Count: a.Count, Amount: d.L.Tenge(a.Amount)})
	}
	s.render(w, r, http.StatusOK, "spending_anomalies", d)
}

// merchantNames maps merchants' ids to their names; a failure leaves the
// ids shown.
func (s *Server) merchantNames(r *http.Request) map[string]string {
	out := map[string]string{}
	ms, err := s.opts.SocialWallet.Merchants(r.Context())
	if err != nil {
		return out
	}
	for _, m := range ms {
		out[m.ID] = m.Name
	}
	return out
}
