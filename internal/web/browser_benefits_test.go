package web

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
)

// benefitsCitizen is a citizen the benefits walk signs in as, with the
// decision and programme their step is about.
type benefitsCitizen struct {
	IIN       string `json:"iin"`
	Phone     string `json:"phone"`
	Offer     int64  `json:"offer,omitempty"`
	Decision  int64  `json:"decision"`
	Programme string `json:"programme"`
}

// benefitsExpect is what e2e/benefits.spec.mjs works with.
type benefitsExpect struct {
	// Officer confirms the offer and Answerer answers the appeal: two
	// social-protection officers of the administering agency, as one
	// authenticator code signs in once.
	Officer  officialExpect `json:"officer"`
	Answerer officialExpect `json:"answerer"`
	// Policy reads the ministry's pages and simulates a reform, as the
	// demo's mlsp.policy does.
	Policy    officialExpect  `json:"policy"`
	Citizen   benefitsCitizen `json:"citizen"`
	Appellant benefitsCitizen `json:"appellant"`
	Case      struct {
		Ref    string `json:"ref"`
		Reason string `json:"reason"`
	} `json:"case"`
	Reason string `json:"reason"` // the appeal's
	Answer string `json:"answer"`
	Note   string `json:"note"` // the officer's on confirming
}

// TestBrowserBenefits runs e2e/benefits.spec.mjs, the walk in
// Kazakh on a phone: a citizen signs in to the wallet, reads an offer's
// explanation and accepts it; a social-protection officer signs in to the
// console and confirms it; another citizen, refused a programme, appeals
// with a reason; an officer answers citing the rule; the citizen reads
// the answer; a policy officer reads the ministry's pages and simulates
// МРП +5 %.
func TestBrowserBenefits(t *testing.T) {
	root := browserRoot(t)
	ctx := context.Background()
	d := demoBenefits(t)
	svc := welfareOn(t, d)
	p := newPlatform(t, d.st, 0)
	w := wallet.New(d.st, p.log, wallet.Options{CodeLimit: 20})
	srv, ts := mustServe(t, d.st, Options{Exchange: p.x, Audit: p.log, AuditVerifier: p.verify, Wallet: w,
		Consents: p.consents, SMSOutbox: true, Welfare: svc})

	var e benefitsExpect
	e.Citizen, e.Appellant = benefitsCitizens(t, d.st)
	e.Officer = browserOfficial(t, srv.officials, svc.Agency(), access.SocialWorker)
	e.Answerer = browserOfficial(t, srv.officials, svc.Agency(), access.SocialWorker)
	e.Policy = browserOfficial(t, srv.officials, svc.Agency(), access.PolicyOfficer)
	e.Case.Ref, e.Case.Reason = "ӘҚ-2026/415", "social-case"
	e.Note = "Құжаттар тексерілді, жәрдемақы тағайындалды."
	e.Reason = "Үлкен ұлым күндізгі бөлімде оқиды, бірақ бұл ескерілмеген сияқты."
	e.Answer = "Шешім ережеге сәйкес: отбасы табысы кедейлік шегінен жоғары, сондықтан құқық жоқ."
	runSpec(t, root, "benefits.spec.mjs", ts.URL, filepath.Join(root, "test-output", "browser", "benefits"), e)

	// What the walk did is in the store.
	if e.Citizen.Offer != 0 {
		o, err := d.st.Offer(ctx, e.Citizen.Offer)
		if err != nil || o.Status != store.OfferConfirmed {
			t.Errorf("the walked offer: %+v, %v; want confirmed", o, err)
		}
	}
}

// benefitsCitizens picks two citizens with phones in different
// households: the recipient of an open offer, and a member of a household
// refused a programme who has not appealed yet.
func benefitsCitizens(t *testing.T, st *store.Store) (offered, refused benefitsCitizen) {
	t.Helper()
	ctx := context.Background()
	ids, err := st.SampleNationalIDs(ctx, demoPeople)
	if err != nil {
		t.Fatal(err)
	}
	phones := map[string]string{}
	for _, iin := range ids {
		if phone, err := wallet.PhoneOf(ctx, st, iin); err == nil && phone != "" {
			phones[iin] = phone
		}
	}
	var household string
	for _, iin := range ids {
		offers, err := st.OffersFor(ctx, iin)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range offers {
			if phones[iin] != "" && o.Status == store.OfferOffered {
				offered = benefitsCitizen{IIN: iin, Phone: phones[iin], Offer: o.ID, Decision: o.DecisionID, Programme: o.Programme}
				household = o.Household
				break
			}
		}
		if offered.IIN != "" {
			break
		}
	}
	for _, iin := range ids {
		if phones[iin] == "" || refused.IIN != "" {
			continue
		}
		decs, err := st.DecisionsOfPerson(ctx, iin)
		if err != nil {
			t.Fatal(err)
		}
		appeals, err := st.AppealsFor(ctx, iin)
		if err != nil {
			t.Fatal(err)
		}
		if len(decs) != 1 || len(appeals) > 0 || decs[0].Household == household {
			continue
		}
		// A refusal by the rules: АСП is left out, as the demo's regions
		// without its figures make it an error rather than a refusal.
		for _, o := range decs[0].Outcomes {
			if !o.Eligible && o.Programme != "asp" {
				refused = benefitsCitizen{IIN: iin, Phone: phones[iin], Decision: decs[0].ID, Programme: o.Programme}
				break
			}
		}
	}
	if offered.IIN == "" || refused.IIN == "" {
		t.Fatalf("no citizens with phones for the walk: offered %+v, refused %+v", offered, refused)
	}
	return offered, refused
}
