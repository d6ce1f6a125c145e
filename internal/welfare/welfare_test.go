package welfare

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	if nationDir != "" {
		os.RemoveAll(nationDir)
	}
	os.Exit(code)
}

// TestService runs the service over a synthetic nation on SQLite and
// PostgreSQL: a mass run, offers and their SMS, reproduction, citizens'
// and officers' actions, rule changes, simulations and incremental runs.
func TestService(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesises and ingests a nation")
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		fillNation(t, st)
		box := &outbox{}
		clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
		s := newService(t, st, box, clk)
		ctx := context.Background()
		run, err := s.Run(ctx, runDate, nil)
		if err != nil {
			t.Fatal(err)
		}
		if run.Households == 0 || run.Changed != run.Households {
			t.Fatalf("first run %+v: want every household stored", run)
		}
		t.Run("programmes", func(t *testing.T) { checkProgrammes(t, st) })
		t.Run("offers", func(t *testing.T) { checkOffers(t, s, st, box) })
		t.Run("reproduce", func(t *testing.T) { checkReproduce(t, s, st) })
		t.Run("rerun", func(t *testing.T) {
			again, err := s.Run(ctx, runDate, nil)
			if err != nil {
				t.Fatal(err)
			}
			if again.Changed != 0 {
				t.Errorf("a second run on the same data stored %d decisions, want 0", again.Changed)
			}
		})
		t.Run("appeals", func(t *testing.T) { checkAppeals(t, s, st, clk) })
		t.Run("simulate", func(t *testing.T) { checkSimulate(t, s, st) })
		t.Run("update", func(t *testing.T) { checkUpdate(t, s, st) })
		other := newService(t, st, box, clk) // a server running beside the CLI
		t.Run("rules", func(t *testing.T) { checkChangeRules(t, s, st) })
		t.Run("refresh", func(t *testing.T) { checkRefresh(t, s, other) })
		t.Run("wellbeing", func(t *testing.T) {
			r, err := s.Wellbeing(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if r.Total.Households != int64(run.Households) || len(r.Regions) == 0 {
				t.Errorf("well-being of %d households in %d regions, want %d", r.Total.Households, len(r.Regions), run.Households)
			}
		})
	})
}

// checkProgrammes requires eligible and ineligible households for every
// programme.
func checkProgrammes(t *testing.T, st *store.Store) {
	eligible, not := map[string]int{}, map[string]int{}
	err := st.CurrentDecisions(context.Background(), 1, func(c store.CurrentDecision) error {
		for _, o := range c.Outcomes {
			if o.Eligible {
				eligible[o.Programme]++
			} else {
				not[o.Programme]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("eligible %v, not %v", eligible, not)
	for _, p := range []string{"asp", "large_family", "birth", "childcare", "disability"} {
		if eligible[p] == 0 || not[p] == 0 {
			t.Errorf("%s: %d eligible, %d not: want both", p, eligible[p], not[p])
		}
	}
}

func checkOffers(t *testing.T, s *Service, st *store.Store, box *outbox) {
	ctx := context.Background()
	msgs := box.all()
	if len(msgs) == 0 {
		t.Fatal("no SMS sent")
	}
	for _, m := range msgs[:min(3, len(msgs))] {
		t.Logf("SMS to %s (%d chars): %s", m.phone, len([]rune(m.text)), m.text)
	}
	for _, m := range msgs {
		if !strings.Contains(m.text, offerPage) || !strings.Contains(m.text, "₸") {
			t.Errorf("SMS %q: want the amount and %s", m.text, offerPage)
		}
	}
	// Each offer goes to a member of its household, for an eligible
	// programme of its decision, with that amount.
	var offers int
	err := st.CurrentDecisions(ctx, 1, func(c store.CurrentDecision) error {
		members, err := st.HouseholdMembers(ctx, c.Household)
		if err != nil {
			return err
		}
		for _, m := range members {
			os, err := st.OffersFor(ctx, m.IIN)
			if err != nil {
				return err
			}
			for _, o := range os {
				offers++
				out := outcomeOf(c.Outcomes, o.Programme)
				if o.Household != c.Household || !out.Eligible || out.Amount != o.Amount {
					t.Errorf("offer %+v does not match decision %d %+v", o, c.ID, out)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if offers == 0 {
		t.Fatal("no offers")
	}
}

func checkReproduce(t *testing.T, s *Service, st *store.Store) {
	ctx := context.Background()
	n := 0
	err := st.CurrentDecisions(ctx, 1, func(c store.CurrentDecision) error {
		res, err := s.Result(ctx, c.BenefitDecision)
		if err != nil {
			t.Errorf("household %s: %v", c.Household, err)
			return nil
		}
		for i, p := range res.Programmes {
			if p.Amount.Int64() != c.Outcomes[i].Amount || p.Eligible != c.Outcomes[i].Eligible {
				t.Errorf("household %s %s: reproduced %v %s, stored %+v", c.Household, p.Programme, p.Eligible, p.Amount, c.Outcomes[i])
			}
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no decisions")
	}
	// Explanations name the facts with their register.
	var d store.BenefitDecision
	_ = st.CurrentDecisions(ctx, 1, func(c store.CurrentDecision) error {
		if d.ID == 0 && outcomeOf(c.Outcomes, "disability").Eligible {
			d = c.BenefitDecision
		}
		return nil
	})
	for _, lang := range []string{"kk", "ru", "en"} {
		ex, err := s.Explain(ctx, d, "disability", lang)
		if err != nil {
			t.Fatal(err)
		}
		// The disability register's fact, named as the registry names the
		// source in lang rather than by its code.
		word := map[string]string{"kk": "мүгедектік тобы", "ru": "группа инвалидности", "en": "disability group"}[lang]
		var facts int
		for _, l := range ex.Lines {
			if l.Kind == "fact" && strings.Contains(l.Text, word) {
				facts++
			}
			if strings.Contains(l.Text, "disability_register") {
				t.Errorf("%s explanation shows the source's code: %s", lang, l.Text)
			}
		}
		if len(ex.Lines) == 0 || facts == 0 {
			t.Errorf("%s explanation names no disability register fact: %+v", lang, ex.Lines)
		}
	}
	// The appeal window as the store counts it: three calendar months,
	// the month's last day when it is shorter.
	for _, tc := range []struct{ made, until time.Time }{
		{time.Date(2026, 8, 31, 10, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)},
		{time.Date(2026, 11, 1, 9, 30, 0, 0, time.UTC), time.Date(2027, 2, 1, 9, 30, 0, 0, time.UTC)},
	} {
		if got := s.AppealUntil(store.BenefitDecision{CreatedAt: tc.made}); !got.Equal(tc.until) {
			t.Errorf("AppealUntil(%s) = %s; want %s", tc.made, got, tc.until)
		}
	}
	if _, err := s.Explain(ctx, d, "nope", "en"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown programme: %v", err)
	}
	// A decision whose stored outcome was tampered with is refused.
	var one store.BenefitDecision
	_ = st.CurrentDecisions(ctx, 1, func(c store.CurrentDecision) error {
		if one.ID == 0 {
			one = c.BenefitDecision
		}
		return nil
	})
	one.Outcomes[0].Amount++
	if _, err := s.Result(ctx, one); !errors.Is(err, ErrIrreproducible) {
		t.Errorf("tampered decision: %v, want ErrIrreproducible", err)
	}
}

func checkAppeals(t *testing.T, s *Service, st *store.Store, clk *clock) {
	ctx := context.Background()
	// A refusal of АСП to appeal, and someone of another household.
	var refused store.CurrentDecision
	var other string
	err := st.CurrentDecisions(ctx, 1, func(c store.CurrentDecision) error {
		if refused.ID == 0 && !outcomeOf(c.Outcomes, "asp").Eligible {
			refused = c
			return nil
		}
		if other == "" {
			ms, err := st.HouseholdMembers(ctx, c.Household)
			if err != nil || len(ms) == 0 {
				return err
			}
			other = ms[0].IIN
		}
		return nil
	})
	if err != nil || refused.ID == 0 || other == "" {
		t.Fatalf("no refusal to appeal (%v)", err)
	}
	members, err := st.HouseholdMembers(ctx, refused.Household)
	if err != nil {
		t.Fatal(err)
	}
	me := members[0].IIN
	if _, err := s.FileAppeal(ctx, other, refused.ID, "asp", "I am poor", nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("appeal by a non-member: %v, want ErrNotFound", err)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	for _, tc := range []struct {
		name string
		doc  *Document
		want error
	}{
		{"text", &Document{Name: "a.txt", Data: []byte("plain text, not a scan")}, ErrDocument},
		{"too large", &Document{Name: "big.png", Data: append(png, make([]byte, MaxDocument)...)}, ErrDocument},
	} {
		if _, err := s.FileAppeal(ctx, me, refused.ID, "asp", "reason", tc.doc); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	ap, err := s.FileAppeal(ctx, me, refused.ID, "asp", "Our income fell", &Document{Name: "../scan.png", Type: "image/png", Data: png})
	if err != nil {
		t.Fatal(err)
	}
	if ap.DocumentType != "image/png" || ap.DocumentName != "..scan.png" || ap.Status != store.AppealOpen {
		t.Errorf("appeal %+v", ap)
	}
	got, err := s.AnswerAppeal(ctx, store.Author{ID: 1, Name: "officer"}, ap.ID,
		Answer{Text: "Per-capita income is above the line", RuleRef: "Order No. 473", Outcome: store.AppealUpheld, Redecide: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != store.AppealUpheld || got.Status != store.AppealAnswered {
		t.Errorf("answer %+v: want upheld (the data did not change)", got)
	}
	// Offers: the citizen answers their own, an officer confirms.
	os, err := offersOf(ctx, st)
	if err != nil || len(os) == 0 {
		t.Fatalf("offers: %v", err)
	}
	o := os[0]
	if _, err := s.RespondOffer(ctx, other, o.ID, true); !errors.Is(err, store.ErrNotFound) && other != o.RecipientIIN {
		t.Errorf("another person's answer: %v, want ErrNotFound", err)
	}
	if o, err = s.RespondOffer(ctx, o.RecipientIIN, o.ID, true); err != nil || o.Status != store.OfferAccepted {
		t.Fatalf("accept: %+v %v", o, err)
	}
	if o, err = s.ConfirmOffer(ctx, store.Author{ID: 1, Name: "officer"}, o.ID, true, "ok"); err != nil ||
		o.Status != store.OfferConfirmed || o.ConfirmedBy != 1 {
		t.Fatalf("confirm: %+v %v", o, err)
	}
	// The rest expire after their time.
	clk.add(31 * 24 * time.Hour)
	if n, err := s.ExpireOffers(ctx); err != nil || n == 0 {
		t.Errorf("expired %d offers (%v), want some", n, err)
	}
}

func offersOf(ctx context.Context, st *store.Store) ([]store.Offer, error) {
	var out []store.Offer
	err := st.CurrentDecisions(ctx, 1, func(c store.CurrentDecision) error {
		ms, err := st.HouseholdMembers(ctx, c.Household)
		if err != nil {
			return err
		}
		for _, m := range ms {
			os, err := st.OffersFor(ctx, m.IIN)
			if err != nil {
				return err
			}
			for _, o := range os {
				if o.Status == store.OfferOffered {
					out = append(out, o)
				}
			}
		}
		return nil
	})
	return out, err
}

// checkSimulate scales the large-family benefit by 10 % and compares the
// simulated delta with amounts computed here from each household's
// counted children.
func checkSimulate(t *testing.T, s *Service, st *store.Store) {
	ctx := context.Background()
	mrp := benefits.Tenge(4325)
	mult := map[int]string{4: "16.03", 5: "20.04", 6: "24.05", 7: "28.06"}
	var want int64
	err := st.CurrentDecisions(ctx, 1, func(c store.CurrentDecision) error {
		o := outcomeOf(c.Outcomes, "large_family")
		if !o.Eligible {
			return nil
		}
		res, err := s.Result(ctx, c.BenefitDecision)
		if err != nil {
			return err
		}
		n := len(res.Programmes[1].Trace.Steps[0].Persons)
		m := benefits.Tenge(int64(4 * n))
		if s, ok := mult[n]; ok {
			m = benefits.MustMoney(s)
		}
		m, _ = m.Mul(benefits.MustMoney("1.10"))
		after, _ := m.Mul(mrp)
		want += after.Round().Int64() - o.Amount
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := s.Simulate(ctx, Change{Kind: ChangeScale, Name: "large_family", Value: "1.10"}, runDate)
	if err != nil {
		t.Fatal(err)
	}
	var got *ProgrammeCost
	for i := range sim.Programmes {
		if sim.Programmes[i].Programme == "large_family" {
			got = &sim.Programmes[i]
		}
	}
	if got == nil || got.Delta != want || want <= 0 {
		t.Fatalf("large_family delta %+v, want %d", got, want)
	}
	if got.Gaining == 0 || got.Losing != 0 || sim.Total.After-sim.Total.Before != want || len(sim.Levels) == 0 || len(sim.Regions) == 0 {
		t.Errorf("simulation %+v", sim)
	}
	for _, p := range sim.Programmes {
		if p.Programme != "large_family" && p.Delta != 0 {
			t.Errorf("%s changed by %d", p.Programme, p.Delta)
		}
	}
	t.Logf("large_family +10%%: %d → %d ₸/month (%d households, %s)", got.Before, got.After, sim.Households, sim.Elapsed)
}

// checkChangeRules raises the МРП from the decision date and requires the
// households that read it re-decided with it.
func checkChangeRules(t *testing.T, s *Service, st *store.Store) {
	ctx := context.Background()
	before := map[string]int64{}
	_ = st.CurrentDecisions(ctx, 1, func(c store.CurrentDecision) error {
		if o := outcomeOf(c.Outcomes, "large_family"); o.Eligible {
			before[c.Household] = o.Amount
		}
		return nil
	})
	bad := Change{Kind: ChangeParameter, Name: "MRP", From: runDate.String(), Value: "4500"}
	if _, err := s.ChangeRules(ctx, store.Author{ID: 2, Name: "minister"}, bad); !errors.Is(err, ErrChange) {
		t.Errorf("a change without law or reason: %v", err)
	}
	c := Change{Kind: ChangeParameter, Name: "MRP", From: runDate.String(), Value: "4500", LawRef: "Law of 1 Nov 2026",
		Reason: "indexation"}
	run, err := s.ChangeRules(ctx, store.Author{ID: 2, Name: "minister"}, c)
	if err != nil {
		t.Fatal(err)
	}
	if run.Changed == 0 {
		t.Fatalf("run %+v: nothing re-decided", run)
	}
	changed := 0
	err = st.CurrentDecisions(ctx, 1, func(c store.CurrentDecision) error {
		if old, ok := before[c.Household]; ok {
			got := outcomeOf(c.Outcomes, "large_family").Amount
			// round(m × 4500) over round(m × 4325): the ratio holds within rounding.
			if got <= old || got*4325 > (old+1)*4500 || (got+1)*4325 < old*4500 {
				t.Errorf("household %s: large_family %d → %d", c.Household, old, got)
			}
			changed++
		}
		if _, err := s.Result(ctx, c.BenefitDecision); err != nil {
			t.Errorf("after the change: %v", err)
		}
		return nil
	})
	if err != nil || changed == 0 {
		t.Fatalf("%d large families checked (%v)", changed, err)
	}
	chs, err := st.RuleChanges(ctx, 10)
	if err != nil || len(chs) != 1 || chs[0].Author.Name != "minister" {
		t.Errorf("rule changes %+v (%v)", chs, err)
	}
}

// checkRefresh requires a second service over the same store, as a
// server beside the CLI that changed the rules, to decide by the new
// rules once it refreshes, and not before.
func checkRefresh(t *testing.T, changed, other *Service) {
	mrp := func(s *Service) string {
		res := s.Engine().Decide(&benefits.Situation{ID: "r", Date: runDate, Household: benefits.Household{Region: "astana"},
			Persons: []benefits.Person{{ID: "m", Role: benefits.RoleParent, BirthDate: runDate - 30*365},
				{ID: "c", Role: benefits.RoleChild, BirthDate: runDate}}}) // the МРП of the birth date counts
		for _, d := range res.Programmes {
			if d.Programme == "birth" {
				return d.Amount.String()
			}
		}
		return ""
	}
	want := mrp(changed)
	if got := mrp(other); got == want {
		t.Fatalf("the other service decides %s before any refresh: the change did not change the birth benefit", got)
	}
	if err := other.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := mrp(other); got != want {
		t.Errorf("after Refresh the other service gives %s, want %s", got, want)
	}
}
