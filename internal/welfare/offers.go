package welfare

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
)

// offerPage is where an SMS sends the citizen: the wallet's benefits page.
const offerPage = "/wallet/benefits"

// offerRun makes an offer, with its SMS, for every newly eligible
// programme of run's decisions, and returns how many it made. A household
// that already has an open offer of the programme gets none (the store
// refuses a second); a household with no member the registers know by
// IIN gets none.
func (s *Service) offerRun(ctx context.Context, run int64) (made int, err error) {
	// Offers to people with no known phone wait in the wallet unannounced:
	// said once a run, not once an offer (a country's run makes thousands).
	unannounced := 0
	defer func() {
		if unannounced > 0 {
			slog.InfoContext(ctx, "benefit offers made without an SMS: no phone known", "run", run, "offers", unannounced)
		}
	}()
	var after int64
	for {
		evs, err := s.st.RunEvents(ctx, run, store.EventNewlyEligible, after, 1000)
		if err != nil {
			return made, err
		}
		if len(evs) == 0 {
			return made, nil
		}
		after = evs[len(evs)-1].ID
		var (
			dec  store.BenefitDecision
			sit  benefits.Situation
			res  benefits.Result
			have bool
		)
		for _, ev := range evs {
			if !have || dec.ID != ev.DecisionID {
				if dec, err = s.st.BenefitDecision(ctx, ev.DecisionID); err != nil {
					return made, err
				}
				if sit, err = DecodeSituation(dec.Inputs); err != nil {
					return made, fmt.Errorf("offer to %s: %w", ev.Household, err)
				}
				if res, err = s.Result(ctx, dec); err != nil {
					return made, fmt.Errorf("offer to %s: %w", ev.Household, err)
				}
				have = true
			}
			ok, texted, err := s.offer(ctx, dec, &sit, &res, ev)
			if err != nil {
				return made, err
			}
			if ok {
				made++
				if !texted {
					unannounced++
				}
			}
		}
	}
}

// offer makes the offer of one newly eligible programme and sends its SMS
// (texted is false when no phone is known for the recipient).
func (s *Service) offer(ctx context.Context, dec store.BenefitDecision, sit *benefits.Situation, res *benefits.Result,
	ev store.BenefitEvent) (made, texted bool, err error) {
	members, err := s.st.HouseholdMembers(ctx, dec.Household)
	if err != nil {
		return false, false, err
	}
	iin := Recipient(sit, members)
	if iin == "" {
		slog.InfoContext(ctx, "benefit offer: no recipient", "household", dec.Household, "programme", ev.Programme)
		return false, false, nil
	}
	lang, err := s.st.Language(ctx, iin)
	if err != nil {
		return false, false, err
	}
	now := s.now()
	i := slices.IndexFunc(res.Programmes, func(d benefits.Decision) bool { return d.Programme == ev.Programme })
	if i < 0 {
		return false, false, nil
	}
	pd := &res.Programmes[i]
	o := store.Offer{Household: dec.Household, Programme: ev.Programme, DecisionID: dec.ID, Agency: s.opts.Agency,
		RecipientIIN: iin, Amount: ev.NewAmount, Period: pd.Period, Language: lang, CreatedAt: now,
		ExpiresAt: now.Add(s.opts.OfferTTL)}
	if o.Language == "" {
		o.Language = "kk" // the SMS goes in Kazakh, then Russian
	}
	got, created, err := s.st.CreateOffer(ctx, o)
	if errors.Is(err, store.ErrExists) {
		return false, false, nil // an open offer of the programme already waits
	}
	if err != nil || !created {
		return false, false, err
	}
	phone, err := wallet.PhoneOf(ctx, s.st, iin)
	if err != nil {
		return true, false, err
	}
	if phone == "" {
		return true, false, nil
	}
	text := OfferSMS(s.rules().eng.Catalog(), lang, pd)
	if err := s.opts.SMS.SendSMS(ctx, phone, text); err != nil {
		// The offer stands in the wallet; a lost SMS is logged, not fatal.
		slog.WarnContext(ctx, "benefit offer: sms not sent", "offer", got.ID, "err", err)
	}
	return true, true, nil
}

// Recipient chooses who receives a household's offer, the person who would
// apply: the carer of the infants when there is one (childcare and birth
// benefits are theirs), else the first parent in the situation (the head
// of the family comes first), else the oldest member aged 18 or more,
// else the oldest member; among them only members with a known IIN. It
// returns that IIN, "" when no member has one.
func Recipient(sit *benefits.Situation, members []store.HouseholdMember) string {
	iin := map[string]string{}
	for _, m := range members {
		if m.IIN != "" {
			iin[m.Person] = m.IIN
		}
	}
	var persons []*benefits.Person
	for i := range sit.Persons {
		if p := &sit.Persons[i]; iin[p.ID] != "" && p.BirthDate <= sit.Date {
			persons = append(persons, p)
		}
	}
	if len(persons) == 0 {
		return ""
	}
	for _, p := range persons {
		if p.Carer {
			return iin[p.ID]
		}
	}
	for _, p := range persons {
		if p.Role == benefits.RoleParent {
			return iin[p.ID]
		}
	}
	oldest := persons[0]
	for _, p := range persons[1:] {
		if p.BirthDate < oldest.BirthDate {
			oldest = p
		}
	}
	return iin[oldest.ID]
}
