package welfare

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
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
		var facts int
		for _, l := range ex.Lines {
			if l.Kind == "fact" && strings.Contains(l.Text, "disability_register") {
				facts++
			}
		}
		if len(ex.Lines) == 0 || facts == 0 {
			t.Errorf("%s explanation names no disability register fact: %+v", lang, ex.Lines)
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
