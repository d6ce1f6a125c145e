package ledgercrash

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
)

// The plan: what every client of the workload sends, derived from a seed
// alone, so that a restarted child sends the same transfers with the same
// ids (ledger.IDOf of a key naming the seed, client, step and place), and
// the checker knows what must have happened without asking the engine.

// crashLedgers are the ledgers the workload uses: two earmarked categories
// and cash. Vouchers are on the first.
var crashLedgers = []ledger.Ledger{ledger.Food, ledger.Medicine, ledger.Cash}

// Sizes and amounts (tiyn) of a plan.
const (
	merchantsPerLedger = 3
	citizensPerLedger  = 4 // per client

	// An equal voucher holds equalUnits spends of one unit and is asked
	// for equalAttempts: exactly equalUnits must succeed, whoever wins.
	// A plan has one per stepsPerVoucher steps of a client, and a random
	// voucher per two.
	stepsPerVoucher = 25
	equalUnits      = 10
	equalAttempts   = 16
	// A random voucher is asked for spends of random amounts adding up to
	// half as much again as it holds: what succeeds must not exceed it.
	randomVoucherAmount = 20_000

	// huge overdraws any citizen: a chain ending with it fails whatever
	// was funded before or after.
	huge = int64(1) << 40

	// stepKillCap is the most new steps a child completes before the
	// harness kills it: the plan is sized on it, so that the workload
	// cannot finish before the last kill.
	stepKillCap = 40
)

// Transfer codes, chosen by the client; the ledger does not read them.
const (
	codeFunding  = 1
	codePurchase = 4
	codeRefund   = 5
	codeSpend    = 8
)

// expectation is what a planned transfer's result must be, every time it
// is sent.
type expectation uint8

const (
	// applied: ok, or exists on a retry. It must be stored once, as planned.
	applied expectation = iota
	// refused: always Fail. It must not be stored.
	refused
	// spend: a spend of a shared voucher: ok, exists, or exceeds_credits
	// once the voucher is spent by others.
	spend
	// racePost: the post of a pending transfer with a short timeout: ok,
	// exists, or pending_transfer_expired. It is stored if and only if the
	// pending transfer ends posted.
	racePost
)

// planned is one transfer of the plan.
type planned struct {
	ledger.Transfer
	Expect expectation
	// Fail is the result of a refused transfer.
	Fail ledger.Result
	// Fate is the end of a pending transfer: posted, voided or expired; a
	// race's is posted, but expired is allowed too.
	Fate ledger.PendingState
	Race bool
}

// allows reports whether r is a result t may get.
func (t *planned) allows(r ledger.Result) bool {
	switch t.Expect {
	case applied:
		return r.Applied()
	case refused:
		return r == t.Fail
	case spend:
		return r.Applied() || r == ledger.ResultExceedsCredits
	case racePost:
		return r.Applied() || r == ledger.ResultPendingTransferExpired
	}
	return false
}

// step is one call (or, for a burst, several concurrent calls) of a
// client.
type step struct {
	Kind string
	// Gap is a pause before the step: between a pending transfer and its
	// post or void, as a shop waits for its customer.
	Gap time.Duration
	// Burst sends each transfer in its own call, all at once.
	Burst bool
	Ts    []planned
}

// voucher is a shared account that several clients spend at once.
type voucher struct {
	ID, Merchant ledger.ID
	Funded       int64
	// Unit is the amount of every spend of an equal voucher; zero for a
	// random one.
	Unit int64
}

// plan is the whole workload.
type plan struct {
	Seed     uint64
	Accounts []ledger.Account
	// Funding accounts may go negative; the checker skips them for
	// overdrafts.
	Funding  map[ledger.ID]bool
	Setup    []planned
	Vouchers []voucher
	Clients  [][]step
	// MaxTimeout is the longest timeout of a pending transfer meant to
	// expire: the child waits that long before its last expiry.
	MaxTimeout time.Duration
}

// transfers returns every planned transfer, setup first.
func (p *plan) transfers() []*planned {
	var ts []*planned
	for i := range p.Setup {
		ts = append(ts, &p.Setup[i])
	}
	for _, steps := range p.Clients {
		for i := range steps {
			for j := range steps[i].Ts {
				ts = append(ts, &steps[i].Ts[j])
			}
		}
	}
	return ts
}

// stepsFor returns how many steps each of clients plans so that kills
// kills, each at most stepKillCap new steps after its child started (and
// the few steps other clients finish meanwhile), leave work for the run
// after the last one.
func stepsFor(kills, clients int) int {
	return kills*(stepKillCap+clients+2)/clients + 20
}

// gen builds a plan.
type gen struct {
	r    *rand.Rand
	p    *plan
	seed uint64
	fund map[ledger.Ledger]ledger.ID
	shop map[ledger.Ledger][]ledger.ID
}

// citizen is a client's own account, with what the plan may still spend
// from it: credits less debits less reservations, counting every pending
// transfer that may expire or be posted as spent for good, so that a
// transfer planned to succeed succeeds whatever the timing.
type citizen struct {
	ID     ledger.ID
	Ledger ledger.Ledger
	Avail  int64
}

// refundable is what a client's purchase at a merchant may still have
// refunded: the merchant holds at least that much for it.
type refundable struct {
	Merchant, Citizen ledger.ID
	Ledger            ledger.Ledger
	Left              int64
}

// client is one client's part of the plan being built.
type client struct {
	n        int
	citizens []*citizen
	refunds  []*refundable
	due      []dueStep
	// at is the place in the client's list of the step being planned;
	// ids name it.
	at int
}

// dueStep is a post or void planned to follow its pending transfer from
// step at on. What it gives back to the citizen (release) and makes
// refundable counts only from then.
type dueStep struct {
	at      int
	st      step
	citizen *citizen
	release int64
	refund  *refundable
}

// take removes due step k and returns it, counting what it gives back.
func (cl *client) take(k int) step {
	d := cl.due[k]
	cl.due = append(cl.due[:k], cl.due[k+1:]...)
	if d.citizen != nil {
		d.citizen.Avail += d.release
	}
	if d.refund != nil {
		cl.refunds = append(cl.refunds, d.refund)
	}
	return d.st
}

func (g *gen) key(parts ...any) string {
	s := fmt.Sprintf("crash%d", g.seed)
	for _, p := range parts {
		s += fmt.Sprint(":", p)
	}
	return s
}

func (g *gen) id(parts ...any) ledger.ID { return ledger.IDOf(g.key(parts...)) }

func (g *gen) between(lo, hi int64) int64 { return lo + g.r.Int64N(hi-lo+1) }

func (g *gen) ms(lo, hi int) time.Duration {
	return time.Duration(lo+g.r.IntN(hi-lo+1)) * time.Millisecond
}

// newPlan derives the plan of clients clients of steps steps each from
// seed.
func newPlan(seed uint64, clients, steps int) *plan {
	g := &gen{r: rand.New(rand.NewPCG(seed, 0x1ed9e5)), seed: seed, p: &plan{Seed: seed, Funding: map[ledger.ID]bool{}},
		fund: map[ledger.Ledger]ledger.ID{}, shop: map[ledger.Ledger][]ledger.ID{}}
	p := g.p
	for _, l := range crashLedgers {
		f := g.id("fund", l)
		g.fund[l] = f
		p.Funding[f] = true
		p.Accounts = append(p.Accounts, ledger.Account{ID: f, Ledger: l, Code: 1, Flags: ledger.DebitsMayExceedCredits,
			UserData: "budget:" + l.String()})
		for k := 0; k < merchantsPerLedger; k++ {
			m := g.id("merchant", l, k)
			g.shop[l] = append(g.shop[l], m)
			p.Accounts = append(p.Accounts, ledger.Account{ID: m, Ledger: l, Code: 5, UserData: fmt.Sprintf("merchant:%s:%d", l, k)})
		}
	}
	cs := make([]*client, clients)
	for c := range cs {
		cs[c] = &client{n: c}
		for _, l := range crashLedgers {
			for i := 0; i < citizensPerLedger; i++ {
				a := &citizen{ID: g.id("citizen", c, l, i), Ledger: l}
				cs[c].citizens = append(cs[c].citizens, a)
				p.Accounts = append(p.Accounts, ledger.Account{ID: a.ID, Ledger: l, Code: 3, UserData: fmt.Sprintf("citizen:%d:%d", c, i)})
			}
		}
	}
	bursts := g.vouchers(max(4, steps/stepsPerVoucher))
	// Each burst goes to a random client at a random step.
	at := make([]map[int][]step, clients)
	for c := range at {
		at[c] = map[int][]step{}
	}
	for _, b := range bursts {
		c, i := g.r.IntN(clients), g.r.IntN(steps)
		at[c][i] = append(at[c][i], b)
	}
	p.Clients = make([][]step, clients)
	for c, cl := range cs {
		for i := 0; i < steps; i++ {
			p.Clients[c] = append(p.Clients[c], at[c][i]...)
			cl.at = len(p.Clients[c])
			p.Clients[c] = append(p.Clients[c], g.step(cl))
		}
		// Posts and voids still due.
		for len(cl.due) > 0 {
			cl.at = len(p.Clients[c])
			p.Clients[c] = append(p.Clients[c], cl.take(0))
		}
	}
	return p
}

// vouchers creates equal shared vouchers and half as many random ones,
// funds them in the setup, and returns the bursts of spends the clients
// will send.
func (g *gen) vouchers(equal int) []step {
	p := g.p
	l := crashLedgers[0]
	var attempts []planned
	for k := 0; k < equal+equal/2; k++ {
		v := voucher{ID: g.id("voucher", k), Merchant: g.shop[l][k%merchantsPerLedger]}
		if k < equal {
			v.Unit = g.between(200, 2000)
			v.Funded = v.Unit * equalUnits
		} else {
			v.Funded = randomVoucherAmount
		}
		p.Vouchers = append(p.Vouchers, v)
		p.Accounts = append(p.Accounts, ledger.Account{ID: v.ID, Ledger: l, Code: 4, UserData: fmt.Sprintf("voucher:%d", k)})
		p.Setup = append(p.Setup, planned{Transfer: ledger.Transfer{ID: g.id("setup", k), DebitAccount: g.fund[l],
			CreditAccount: v.ID, Amount: v.Funded, Ledger: l, Code: codeFunding, UserData: "voucher"}})
		var total int64
		for j := 0; ; j++ {
			amount := v.Unit
			if amount == 0 {
				amount = g.between(300, 4000)
			}
			if (v.Unit > 0 && j == equalAttempts) || (v.Unit == 0 && total >= v.Funded*3/2) {
				break
			}
			total += amount
			attempts = append(attempts, planned{Expect: spend, Transfer: ledger.Transfer{ID: g.id("spend", k, j),
				DebitAccount: v.ID, CreditAccount: v.Merchant, Amount: amount, Ledger: l, Code: codeSpend,
				UserData: fmt.Sprintf("spend:%d", k)}})
		}
	}
	// Bursts of 3 to 6 attempts, mixed across vouchers after a shuffle
	// of whole runs, so that one burst mostly hits one voucher.
	var bursts []step
	for lo := 0; lo < len(attempts); {
		hi := min(len(attempts), lo+3+g.r.IntN(4))
		bursts = append(bursts, step{Kind: "spend", Burst: true, Ts: append([]planned(nil), attempts[lo:hi]...)})
		lo = hi
	}
	g.r.Shuffle(len(bursts), func(i, j int) { bursts[i], bursts[j] = bursts[j], bursts[i] })
	return bursts
}

// step returns client cl's step at cl.at.
func (g *gen) step(cl *client) step {
	i := cl.at
	for k, d := range cl.due {
		if d.at <= i {
			return cl.take(k)
		}
	}
	kinds := []struct {
		name   string
		weight int
	}{{"fund", 12}, {"bulk", 3}, {"purchase", 18}, {"chain", 8}, {"badchain", 6}, {"pending", 10},
		{"expiring", 6}, {"race", 5}, {"refund", 6}, {"mixed", 6}}
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	n := g.r.IntN(total)
	kind := kinds[0].name
	for _, k := range kinds {
		if n < k.weight {
			kind = k.name
			break
		}
		n -= k.weight
	}
	t := func(j int) ledger.ID { return g.id("c", cl.n, "s", i, "t", j) }
	switch kind {
	case "bulk":
		st := step{Kind: "bulk"}
		for j, n := 0, 40+g.r.IntN(111); j < n; j++ {
			st.Ts = append(st.Ts, g.funding(cl, t(j)))
		}
		return st
	case "purchase":
		if a := g.payer(cl, 300, 0); a != nil {
			return step{Kind: kind, Ts: []planned{g.purchase(cl, a, t(0), 0)}}
		}
	case "chain":
		l := crashLedgers[g.r.IntN(len(crashLedgers))]
		n := 2 + g.r.IntN(3)
		st := step{Kind: kind}
		for j := 0; j < n; j++ {
			a := g.payer(cl, 300, l)
			if a == nil {
				break
			}
			p := g.purchase(cl, a, t(j), 0)
			p.Flags |= ledger.Linked
			st.Ts = append(st.Ts, p)
		}
		if len(st.Ts) > 0 {
			st.Ts[len(st.Ts)-1].Flags &^= ledger.Linked
			return st
		}
	case "badchain":
		if st, ok := g.badChain(cl, t); ok {
			return st
		}
	case "pending":
		if a := g.payer(cl, 300, 0); a != nil {
			return g.pending(cl, a, i)
		}
	case "expiring", "race":
		if a := g.payer(cl, 300, 0); a != nil {
			// Left to expire, or posted as it may be expiring. Either
			// way the plan counts the amount as spent for good.
			p := g.purchase(cl, a, t(0), ledger.Pending)
			p.Fate, p.Timeout = ledger.StateExpired, g.ms(20, 250)
			if kind == "race" {
				p.Fate, p.Race, p.Timeout = ledger.StatePosted, true, g.ms(5, 30)
				post := planned{Expect: racePost, Transfer: ledger.Transfer{ID: g.id("c", cl.n, "s", i, "post"),
					PendingID: p.ID, Amount: p.Amount, Flags: ledger.PostPending, UserData: "race post"}}
				cl.due = append(cl.due, dueStep{at: i + 1, st: step{Kind: "racepost", Gap: g.ms(0, 30), Ts: []planned{post}}})
			}
			g.p.MaxTimeout = max(g.p.MaxTimeout, p.Timeout)
			return step{Kind: kind, Ts: []planned{p}}
		}
	case "refund":
		var open []*refundable
		for _, r := range cl.refunds {
			if r.Left > 0 {
				open = append(open, r)
			}
		}
		if len(open) > 0 {
			r := open[g.r.IntN(len(open))]
			amount := g.between(1, r.Left)
			r.Left -= amount
			for _, a := range cl.citizens {
				if a.ID == r.Citizen {
					a.Avail += amount
				}
			}
			return step{Kind: kind, Ts: []planned{{Transfer: ledger.Transfer{ID: t(0), DebitAccount: r.Merchant,
				CreditAccount: r.Citizen, Amount: amount, Ledger: r.Ledger, Code: codeRefund, UserData: "refund"}}}}
		}
	case "mixed":
		return g.mixed(cl, t)
	}
	return step{Kind: "fund", Ts: []planned{g.funding(cl, t(0))}}
}

// funding credits a random citizen of cl from its ledger's budget line.
func (g *gen) funding(cl *client, id ledger.ID) planned {
	a := cl.citizens[g.r.IntN(len(cl.citizens))]
	amount := g.between(1000, 50_000)
	a.Avail += amount
	return planned{Transfer: ledger.Transfer{ID: id, DebitAccount: g.fund[a.Ledger], CreditAccount: a.ID,
		Amount: amount, Ledger: a.Ledger, Code: codeFunding, UserData: "funding"}}
}

// payer returns a citizen of cl (on l unless l is zero) who may spend at
// least least, or nil.
func (g *gen) payer(cl *client, least int64, l ledger.Ledger) *citizen {
	var ok []*citizen
	for _, a := range cl.citizens {
		if a.Avail >= least && (l == 0 || a.Ledger == l) {
			ok = append(ok, a)
		}
	}
	if len(ok) == 0 {
		return nil
	}
	return ok[g.r.IntN(len(ok))]
}

// purchase spends part of what a may spend at a merchant of its ledger.
// A plain purchase becomes refundable; a pending one (flags Pending)
// stays reserved in a.Avail until its post or void says otherwise.
func (g *gen) purchase(cl *client, a *citizen, id ledger.ID, flags ledger.TransferFlags) planned {
	amount := g.between(100, min(5000, a.Avail/2))
	a.Avail -= amount
	m := g.shop[a.Ledger][g.r.IntN(merchantsPerLedger)]
	if flags == 0 {
		cl.refunds = append(cl.refunds, &refundable{Merchant: m, Citizen: a.ID, Ledger: a.Ledger, Left: amount})
	}
	return planned{Transfer: ledger.Transfer{ID: id, DebitAccount: a.ID, CreditAccount: m, Amount: amount,
		Ledger: a.Ledger, Code: codePurchase, Flags: flags, UserData: "purchase"}}
}

// pending reserves a purchase now and posts (part of) it or voids it one
// to three steps later, after a gap.
func (g *gen) pending(cl *client, a *citizen, i int) step {
	p := g.purchase(cl, a, g.id("c", cl.n, "s", i, "t", 0), ledger.Pending)
	if g.r.IntN(2) == 0 {
		p.Timeout = time.Hour
	}
	resolve := planned{Transfer: ledger.Transfer{ID: g.id("c", cl.n, "s", i, "resolve"), PendingID: p.ID}}
	d := dueStep{at: i + 1 + g.r.IntN(3), citizen: a}
	if g.r.IntN(10) < 7 {
		p.Fate = ledger.StatePosted
		resolve.Flags, resolve.UserData = ledger.PostPending, "post"
		resolve.Amount = g.between(1, p.Amount)
		if g.r.IntN(2) == 0 {
			// Name the accounts too, as a client may.
			resolve.DebitAccount, resolve.CreditAccount, resolve.Ledger, resolve.Code = p.DebitAccount, p.CreditAccount, p.Ledger, p.Code
		}
		d.release = p.Amount - resolve.Amount
		d.refund = &refundable{Merchant: p.CreditAccount, Citizen: a.ID, Ledger: a.Ledger, Left: resolve.Amount}
	} else {
		p.Fate = ledger.StateVoided
		resolve.Flags, resolve.UserData = ledger.VoidPending, "void"
		if g.r.IntN(2) == 0 {
			resolve.Amount = p.Amount
		}
		d.release = p.Amount
	}
	d.st = step{Kind: "resolve", Gap: g.ms(2, 15), Ts: []planned{resolve}}
	cl.due = append(cl.due, d)
	return step{Kind: "pending", Ts: []planned{p}}
}

// badChain is a linked chain of purchases that fits, ended by a transfer
// that can never succeed: the whole chain must leave nothing.
func (g *gen) badChain(cl *client, t func(int) ledger.ID) (step, bool) {
	a := g.payer(cl, 1000, 0)
	if a == nil {
		return step{}, false
	}
	st := step{Kind: "badchain"}
	n := 1 + g.r.IntN(3)
	for j := 0; j < n; j++ {
		m := g.shop[a.Ledger][g.r.IntN(merchantsPerLedger)]
		st.Ts = append(st.Ts, planned{Expect: refused, Fail: ledger.ResultLinkedEventFailed, Transfer: ledger.Transfer{ID: t(j),
			DebitAccount: a.ID, CreditAccount: m, Amount: g.between(1, a.Avail/(2*int64(n))), Ledger: a.Ledger,
			Code: codePurchase, Flags: ledger.Linked, UserData: "bad chain"}})
	}
	last := planned{Expect: refused, Transfer: ledger.Transfer{ID: t(n), DebitAccount: a.ID, Ledger: a.Ledger,
		Code: codePurchase, UserData: "bad chain"}}
	switch g.r.IntN(3) {
	case 0: // more than the citizen will ever hold
		last.CreditAccount, last.Amount, last.Fail = g.shop[a.Ledger][0], huge, ledger.ResultExceedsCredits
	case 1: // a merchant of another category: earmarking
		other := crashLedgers[(indexOf(a.Ledger)+1)%len(crashLedgers)]
		last.CreditAccount, last.Amount, last.Fail = g.shop[other][0], 100, ledger.ResultLedgerMismatch
	default: // the post of a pending transfer that never was
		last.DebitAccount, last.Ledger, last.Code = ledger.ID{}, 0, 0
		last.PendingID, last.Amount, last.Flags, last.Fail = g.id("never", cl.n, len(st.Ts)), 100, ledger.PostPending, ledger.ResultPendingTransferNotFound
	}
	st.Ts = append(st.Ts, last)
	return st, true
}

// mixed is a batch of independent transfers, some refused: each gets its
// own result and the refused ones leave nothing.
func (g *gen) mixed(cl *client, t func(int) ledger.ID) step {
	st := step{Kind: "mixed"}
	n := 3 + g.r.IntN(3)
	for j := 0; j < n; j++ {
		a := g.payer(cl, 300, 0)
		switch {
		case g.r.IntN(3) == 0:
			bad := planned{Expect: refused, Transfer: ledger.Transfer{ID: t(j), DebitAccount: cl.citizens[0].ID,
				CreditAccount: g.shop[cl.citizens[0].Ledger][0], Amount: 100, Ledger: cl.citizens[0].Ledger,
				Code: codePurchase, UserData: "mixed refused"}}
			switch g.r.IntN(4) {
			case 0:
				bad.Amount, bad.Fail = 0, ledger.ResultAmountMustBePositive
			case 1:
				bad.CreditAccount, bad.Fail = bad.DebitAccount, ledger.ResultAccountsMustDiffer
			case 2:
				bad.CreditAccount, bad.Fail = g.id("nobody"), ledger.ResultCreditAccountNotFound
			default:
				bad.Amount, bad.Fail = huge, ledger.ResultExceedsCredits
			}
			st.Ts = append(st.Ts, bad)
		case a != nil:
			st.Ts = append(st.Ts, g.purchase(cl, a, t(j), 0))
		default:
			st.Ts = append(st.Ts, g.funding(cl, t(j)))
		}
	}
	return st
}

func indexOf(l ledger.Ledger) int {
	for i, m := range crashLedgers {
		if m == l {
			return i
		}
	}
	return 0
}
