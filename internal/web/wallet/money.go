package wallet

import (
	"context"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// almaty is the time zone vouchers expire in. Kazakhstan keeps one zone,
// UTC+5, since March 2024; a fixed zone needs no tz database on the host.
var almaty = time.FixedZone("Asia/Almaty", 5*60*60)

// walletMoneyData is the citizen's money page: what they hold in each
// category, their vouchers and what happened to their money.
type walletMoneyData struct {
	walletPage
	// Off is true when the server runs no social wallet.
	Off      bool
	Balances []balanceItem
	Vouchers []voucherItem
	History  []historyItem
}

// balanceItem is one category's money.
type balanceItem struct {
	Ledger, Name, Amount string
	// Pay is the path of the page that makes a payment code, or "" for
	// money not spent by code (cash) or none left.
	Pay string
}

// voucherItem is one voucher in words.
type voucherItem struct {
	ID, Ledger, State, Title, Programme string
	Amount, Spent, Left, Returned       string
	// Expiry says when it expires or expired, Until the day.
	Expiry string
	Until  time.Time
}

// historyItem is one event of the citizen's money in a sentence.
type historyItem struct {
	At     time.Time
	Kind   string
	Text   string
	Amount string
	// Sign is "in", "out" or "" for the page's colours.
	Sign string
}

// walletMoney shows the citizen's balances by category, their vouchers
// with what is left and when they expire, and their history in plain
// words.
func (s *Server) walletMoney(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	d := walletMoneyData{walletPage: wp}
	d.Title, d.WNav = d.L.T("wallet.money.title"), "money"
	if s.opts.SocialWallet == nil {
		d.Off = true
		s.render(w, r, http.StatusOK, "money", d)
		return
	}
	ctx := r.Context()
	wl, err := s.opts.SocialWallet.Wallet(ctx, sess.IIN)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	words := s.moneyWords(ctx, d.L, time.Now())
	for _, b := range wl.Balances {
		it := balanceItem{Ledger: b.Ledger.String(), Name: d.L.Ledger(b.Ledger), Amount: d.L.Tenge(b.Available)}
		if paidByCode(b.Ledger) && b.Available > 0 {
			it.Pay = "/wallet/money/pay?ledger=" + b.Ledger.String()
		}
		d.Balances = append(d.Balances, it)
	}
	months := map[ledger.ID]string{}
	for _, v := range wl.Vouchers {
		months[v.Account] = v.Month
		d.Vouchers = append(d.Vouchers, words.voucher(v))
	}
	for _, e := range wl.History {
		d.History = append(d.History, words.entry(e, months[e.Voucher]))
	}
	s.render(w, r, http.StatusOK, "money", d)
}

// moneyWords writes the social wallet's facts as sentences in l.
type moneyWords struct {
	l   view.Locale
	now time.Time
	// programme names a programme by its id.
	programme func(string) string
}

// moneyWords names programmes from the benefits catalogue, or by id on a
// server that decides no benefits.
func (s *Server) moneyWords(ctx context.Context, l view.Locale, now time.Time) moneyWords {
	mw := moneyWords{l: l, now: now, programme: func(id string) string { return id }}
	if s.opts.Welfare != nil {
		if n, err := s.benefitNames(ctx, l); err == nil {
			mw.programme = n.programme
		}
	}
	return mw
}

// voucher is a voucher as the citizen reads it.
func (mw moneyWords) voucher(v socialwallet.Voucher) voucherItem {
	l := mw.l
	it := voucherItem{ID: v.Account.String(), Ledger: v.Ledger.String(), State: v.State,
		Title:     l.F("wallet.money.voucher", l.Ledger(v.Ledger), l.Month(v.Month, mw.now)),
		Programme: mw.programme(v.Programme), Amount: l.Tenge(v.Amount), Spent: l.Tenge(v.Spent),
		Left: l.Tenge(v.Left), Until: v.ExpiresAt}
	if v.Returned > 0 {
		it.Returned = l.Tenge(v.Returned)
	}
	switch {
	case v.State == "expired" || !v.ExpiresAt.After(mw.now):
		it.State = "expired"
		it.Expiry = l.F("wallet.money.expired", l.Date(lastDay(v.ExpiresAt)))
	case v.State == "spent":
		it.Expiry = l.T("wallet.money.spentall")
	default:
		if n := daysLeft(mw.now, v.ExpiresAt); n == 0 {
			it.Expiry = l.T("wallet.money.expirestoday")
		} else {
			it.Expiry = l.P("wallet.money.expiresin", n, l.Date(lastDay(v.ExpiresAt)))
		}
	}
	return it
}

// entry is one event of the citizen's history in a sentence. month is
// the month of the voucher it concerns, if known.
func (mw moneyWords) entry(e socialwallet.Entry, month string) historyItem {
	l := mw.l
	it := historyItem{At: e.At, Kind: e.Kind, Amount: l.SignedTenge(e.Amount)}
	switch {
	case e.Amount > 0:
		it.Sign = "in"
	case e.Amount < 0:
		it.Sign = "out"
	}
	merchant := e.MerchantName
	if merchant == "" {
		merchant = e.Merchant
	}
	abs := e.Amount
	if abs < 0 {
		abs = -abs
	}
	switch e.Kind {
	case "payout":
		it.Text = l.F("wallet.money.h.payout", mw.programme(e.Programme))
	case "voucher":
		if month == "" {
			month = e.At.In(almaty).Format("2006-01")
		}
		it.Text = l.F("wallet.money.h.voucher", l.Ledger(e.Ledger), l.Month(month, mw.now), mw.programme(e.Programme))
	case "purchase":
		it.Text = l.F("wallet.money.h.purchase", merchant)
	case "refund":
		it.Text = l.F("wallet.money.h.refund", merchant)
	case "expiry":
		it.Text = l.F("wallet.money.h.expiry", l.Tenge(abs), l.Date(e.At))
	case "meal":
		it.Text = l.F("wallet.money.h.meal", merchant, l.Tenge(abs))
		it.Amount, it.Sign = "", ""
	default:
		it.Text = l.Ledger(e.Ledger)
	}
	return it
}

// lastDay is the day a voucher can last be spent: the day of the moment
// just before it expires, in Almaty.
func lastDay(expires time.Time) time.Time {
	t := expires.Add(-time.Nanosecond).In(almaty)
	return time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, time.UTC)
}

// daysLeft counts the calendar days in Almaty from now to a voucher's
// last day: 0 when it expires today.
func daysLeft(now, expires time.Time) int {
	n := now.In(almaty)
	today := time.Date(n.Year(), n.Month(), n.Day(), 12, 0, 0, 0, time.UTC)
	return max(0, int(lastDay(expires).Sub(today).Round(24*time.Hour)/(24*time.Hour)))
}

// walletPayData is the page that makes a payment code for a category
// and shows it.
type walletPayData struct {
	walletPage
	Ledger, Name string
	// Available is what the category holds now.
	Available string
	// Code, IIN, QR and Valid are set once a code is made; Limit when
	// the citizen set the most it may pay.
	Code, IIN string
	QR        template.HTML
	Valid     string
	Limit     string
	Until     time.Time
}

// payLedger reads the category a payment page is for: one spent by code.
func payLedger(name string) (ledger.Ledger, bool) {
	l, err := ledger.ParseLedger(name)
	return l, err == nil && paidByCode(l)
}

// paidByCode reports whether the citizen spends l's money with a payment
// code: not cash (a bank payout) nor school meals (the canteen bills the
// meal, the pupil shows no code).
func paidByCode(l ledger.Ledger) bool { return l != ledger.Cash && l != ledger.SchoolMeals }

// walletPay shows, for one category, what it holds and the button that
// makes a payment code.
func (s *Server) walletPay(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	s.payPage(w, r, wp, sess, false)
}

// walletPayCode makes a payment code for the category and shows it, big,
// with its QR code and how long it is valid. The code is shown once:
// only its hash is stored.
func (s *Server) walletPayCode(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	if !s.checkForm(w, r, sess.CSRF, maxWalletForm) {
		return
	}
	s.payPage(w, r, wp, sess, true)
}

func (s *Server) payPage(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session, issue bool) {
	if s.opts.SocialWallet == nil {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.money.off"))
		return
	}
	name := r.FormValue("ledger")
	g, ok := payLedger(name)
	if !ok {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.pay.noledger"))
		return
	}
	d := walletPayData{walletPage: wp, Ledger: g.String(), Name: wp.L.Ledger(g)}
	d.Title, d.WNav = d.L.F("wallet.pay.title", d.Name), "money"
	ctx := r.Context()
	wl, err := s.opts.SocialWallet.Wallet(ctx, sess.IIN)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	var available int64
	for _, b := range wl.Balances {
		if b.Ledger == g {
			available = b.Available
		}
	}
	if available <= 0 { // a code would pay nothing: no page offers it
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.pay.nomoney"))
		return
	}
	d.Available = d.L.Tenge(available)
	if issue {
		var most int64
		if v := strings.TrimSpace(r.FormValue("max")); v != "" {
			most, err = socialwallet.ParseTenge(strings.ReplaceAll(strings.ReplaceAll(v, " ", ""), ",", "."))
			if err != nil || most <= 0 {
				s.walletRefused(w, r, http.StatusBadRequest, view.Msg("wallet.pay.badmax"))
				return
			}
		}
		code, err := s.opts.SocialWallet.NewPaymentCode(ctx, sess.IIN, g, most)
		if err != nil {
			s.errorPage(w, r, d.walletPage, err)
			return
		}
		d.Code, d.IIN, d.Until = code.Code, code.IIN, code.ExpiresAt
		if code.MaxAmount > 0 {
			d.Limit = d.L.F("wallet.pay.limit", d.L.Tenge(code.MaxAmount))
		}
		if d.QR, err = qrSVG(code.QR, d.L.F("wallet.pay.qrlabel", code.Code)); err != nil {
			s.errorPage(w, r, d.walletPage, err)
			return
		}
		d.Valid = d.L.P("wallet.pay.valid", max(1, int((time.Until(code.ExpiresAt)+30*time.Second)/time.Minute)))
	}
	s.render(w, r, http.StatusOK, "pay", d)
}
