package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/welfare"
)

// benefitsRig is the wallet over the benefits tests' demo store, with
// every household decided, so that answering offers and filing appeals
// cannot disturb the other tests' shared demo. Each rig picks offers
// still open, so tests that answered others before do not matter. citizen and other are people
// with phones, each the recipient of an open offer, in different
// households.
type benefitsRig struct {
	*walletRig
	welfare *welfare.Service
	// offer is the citizen's open offer, otherOffer the other's.
	offer, otherOffer store.Offer
}

func newBenefitsRig(t *testing.T) *benefitsRig {
	t.Helper()
	ctx := context.Background()
	d := demoBenefits(t)
	st, svc := d.st, welfareOn(t, d)
	rig := &benefitsRig{walletRig: &walletRig{st: st, clock: &walletClock{t: time.Now()}}, welfare: svc}
	rig.wallet = wallet.New(st, nil, wallet.Options{CodeLimit: 1000, CodeClientLimit: 1000})
	_, rig.ts = mustServe(t, st, Options{Wallet: rig.wallet, Welfare: svc, SMSOutbox: true,
		Corrections: wallet.NewCorrections(st, wallet.CorrectionOptions{})})

	// Two recipients of open offers with phones, in different households.
	ids, err := st.SampleNationalIDs(ctx, demoPeople)
	if err != nil {
		t.Fatal(err)
	}
	for _, iin := range ids {
		offers, err := st.OffersFor(ctx, iin)
		if err != nil {
			t.Fatal(err)
		}
		var open *store.Offer
		for i := range offers {
			if offers[i].Status == store.OfferOffered {
				open = &offers[i]
				break
			}
		}
		if open == nil || !claimHousehold(open.Household) {
			continue
		}
		if phone, err := wallet.PhoneOf(ctx, st, iin); err != nil || phone == "" {
			continue
		}
		if rig.citizen == "" {
			rig.citizen, rig.offer = iin, *open
			continue
		}
		rig.other, rig.otherOffer = iin, *open
		break
	}
	if rig.other == "" {
		t.Fatalf("the demo nation has fewer than two recipients of open offers with phones (found %q)", rig.citizen)
	}
	return rig
}

var (
	claimedMu sync.Mutex
	claimed   = map[string]bool{}
)

// claimHousehold reports whether household is still free for a test to
// answer its offers and appeal its decisions, and takes it: tests share
// one store, and each needs households no other test has touched.
func claimHousehold(household string) bool {
	claimedMu.Lock()
	defer claimedMu.Unlock()
	if claimed[household] {
		return false
	}
	claimed[household] = true
	return true
}

// TestWalletBenefits walks a citizen through their benefits: the page
// lists their household's decisions and their open offer with its
// buttons; accepting it says it waits for the officer, and a second
// answer is refused; declining works the same for another citizen.
func TestWalletBenefits(t *testing.T) {
	rig := newBenefitsRig(t)
	ctx := context.Background()
	b := rig.browser(t)
	csrf := b.signIn(rig.citizen)

	page := b.do("GET", "/wallet/benefits?lang=en", nil)
	if page.status != http.StatusOK {
		t.Fatalf("benefits page: %d\n%s", page.status, page.body)
	}
	decisions, err := rig.st.DecisionsOfPerson(ctx, rig.citizen)
	if err != nil || len(decisions) == 0 {
		t.Fatalf("decisions of the citizen: %v, %v", decisions, err)
	}
	offerID := strconv.FormatInt(rig.offer.ID, 10)
	for _, want := range []string{
		`id="decision-` + strconv.FormatInt(decisions[0].ID, 10) + `"`,
		`id="offer-` + offerID + `"`,
		`action="/wallet/benefits/offers/` + offerID + `/accept"`,
		`action="/wallet/benefits/offers/` + offerID + `/decline"`,
		"Offered — waiting for your answer",
		"Accepting is your consent to apply",
		" ₸ ",
		`data-programme="asp"`,
		`href="/wallet/benefits/` + strconv.FormatInt(rig.offer.DecisionID, 10) + `/` + rig.offer.Programme + `"`,
		`aria-current="page">Benefits`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("benefits page lacks %q", want)
		}
	}
	// Open offers come before the decisions.
	if strings.Index(page.body, `id="offers"`) > strings.Index(page.body, `id="decisions"`) {
		t.Error("offers are not listed first")
	}

	accept := "/wallet/benefits/offers/" + offerID + "/accept"
	r := b.do("POST", accept, url.Values{"csrf": {csrf}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/wallet/benefits?done=accepted") {
		t.Fatalf("accept: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if o, err := rig.st.Offer(ctx, rig.offer.ID); err != nil || o.Status != store.OfferAccepted {
		t.Fatalf("offer after accepting: %+v, %v", o, err)
	}
	page = b.do("GET", r.header.Get("Location"), nil)
	for _, want := range []string{"Your consent is recorded", "Accepted — waiting for the officer"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("after accepting, the page lacks %q", want)
		}
	}
	if strings.Contains(page.body, `action="`+accept+`"`) {
		t.Error("an accepted offer still shows its accept button")
	}
	for _, path := range []string{accept, "/wallet/benefits/offers/" + offerID + "/decline"} {
		if r := b.do("POST", path, url.Values{"csrf": {csrf}}); r.status != http.StatusConflict {
			t.Errorf("second answer %s: %d; want 409", path, r.status)
		}
	}
	if o, _ := rig.st.Offer(ctx, rig.offer.ID); o.Status != store.OfferAccepted {
		t.Errorf("a second answer changed the offer to %s", o.Status)
	}
	if r := b.do("POST", accept, url.Values{"csrf": {"forged"}}); r.status != http.StatusForbidden {
		t.Errorf("accept with a forged token: %d; want 403", r.status)
	}

	// Russian, with the other citizen declining.
	ob := rig.browser(t)
	ocsrf := ob.signIn(rig.other)
	decline := "/wallet/benefits/offers/" + strconv.FormatInt(rig.otherOffer.ID, 10) + "/decline"
	if r := ob.do("POST", decline, url.Values{"csrf": {ocsrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("decline: %d\n%s", r.status, r.body)
	}
	if o, _ := rig.st.Offer(ctx, rig.otherOffer.ID); o.Status != store.OfferDeclined {
		t.Errorf("offer after declining: %s", o.Status)
	}
	page = ob.do("GET", "/wallet/benefits?lang=ru", nil)
	if !strings.Contains(page.body, "Вы отказались") {
		t.Error("the Russian page does not say the offer was declined")
	}
}

// TestWalletBenefitExplanation shows a decision's explanation in Kazakh
// with the facts' agencies named as the registry names them in Kazakh,
// the figures set by law and an appeal button.
func TestWalletBenefitExplanation(t *testing.T) {
	rig := newBenefitsRig(t)
	b := rig.browser(t)
	b.signIn(rig.citizen)
	path := "/wallet/benefits/" + strconv.FormatInt(rig.offer.DecisionID, 10) + "/" + rig.offer.Programme
	page := b.do("GET", path+"?lang=kk", nil)
	if page.status != http.StatusOK {
		t.Fatalf("explanation: %d\n%s", page.status, page.body)
	}
	ix, err := view.LoadSources(context.Background(), rig.st, view.Locale{Lang: "kk"})
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for code, name := range ix.Agency {
		if name != code && strings.Contains(page.body, `<span class="agency-name">`+name+`</span>`) {
			named = true
		}
	}
	if !named {
		t.Errorf("the Kazakh explanation names no agency in Kazakh:\n%s", page.body)
	}
	for _, want := range []string{`id="explain"`, `id="explain-facts"`, `id="explain-params"`, `id="explain-steps"`,
		`id="appeal-button"`, "Шешім неге осындай", "Тиесілі", "₸"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("Kazakh explanation lacks %q", want)
		}
	}
	// The laws by their Kazakh titles, never the English reference, and
	// the rule said once, without a "Rule:" of its own.
	for _, want := range []string{"Қазақстан Республикасының Әлеуметтік кодексі", "бастап қолданылатын редакция"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("Kazakh explanation lacks %q", want)
		}
	}
	for _, bad := range []string{"Social Code", "Law on the republican budget", "Order No.", "Ереже:", "round("} {
		if strings.Contains(page.body, bad) {
			t.Errorf("Kazakh explanation shows %q", bad)
		}
	}
	// Every programme of the decision explains, eligible or not.
	d, err := rig.st.BenefitDecision(context.Background(), rig.offer.DecisionID)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range d.Outcomes {
		for _, lang := range []string{"kk", "ru", "en"} {
			p := "/wallet/benefits/" + strconv.FormatInt(d.ID, 10) + "/" + o.Programme + "?lang=" + lang
			if r := b.do("GET", p, nil); r.status != http.StatusOK || !strings.Contains(r.body, `id="explain-rule"`) {
				t.Errorf("%s: %d", p, r.status)
			}
		}
	}
	if r := b.do("GET", "/wallet/benefits/"+strconv.FormatInt(d.ID, 10)+"/no_such_programme", nil); r.status != http.StatusNotFound {
		t.Errorf("unknown programme: %d; want 404", r.status)
	}
}

var appealLocation = regexp.MustCompile(`^/wallet/benefits\?done=appealed#appeal-([0-9]+)$`)

// TestWalletBenefitAppeal files an appeal with a document: it shows on
// the benefits page with its deadline, its document comes back, a second
// open appeal and an appeal without a reason are refused.
func TestWalletBenefitAppeal(t *testing.T) {
	rig := newBenefitsRig(t)
	ctx := context.Background()
	b := rig.browser(t)
	csrf := b.signIn(rig.citizen)
	path := "/wallet/benefits/" + strconv.FormatInt(rig.offer.DecisionID, 10) + "/" + rig.offer.Programme + "/appeal"

	form := b.do("GET", path+"?lang=en", nil)
	if form.status != http.StatusOK || !strings.Contains(form.body, `id="appeal-form"`) {
		t.Fatalf("appeal form: %d\n%s", form.status, form.body)
	}
	if r := b.upload(path+"?lang=en", map[string]string{"csrf": csrf, "reason": "  "}, "", nil); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "Write the reason for your appeal") {
		t.Errorf("appeal without a reason: %d", r.status)
	}
	if r := b.upload(path+"?lang=en", map[string]string{"csrf": csrf, "reason": "wrong"}, "virus.exe", []byte("MZ\x90\x00 not a document")); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.body, "must be a PDF, JPEG or PNG") {
		t.Errorf("appeal with an executable: %d\n%s", r.status, r.body)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	r := b.upload(path, map[string]string{"csrf": csrf, "reason": "My son studies full-time."}, "certificate.pdf", pdf)
	m := appealLocation.FindStringSubmatch(r.header.Get("Location"))
	if r.status != http.StatusSeeOther || m == nil {
		t.Fatalf("file appeal: %d to %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	a, err := rig.st.Appeal(ctx, id)
	if err != nil || a.AppellantIIN != rig.citizen || a.DocumentName == "" || a.Status != store.AppealOpen {
		t.Fatalf("stored appeal: %+v, %v", a, err)
	}
	page := b.do("GET", "/wallet/benefits?done=appealed&lang=en", nil)
	for _, want := range []string{`id="appeal-` + m[1] + `"`, "Under review", `class="appeal-deadline"`,
		view.Locale{Lang: "en"}.Date(a.Deadline), "My son studies full-time.", "Your appeal is filed"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("benefits page after appealing lacks %q", want)
		}
	}
	doc := b.do("GET", "/wallet/benefits/appeals/"+m[1]+"/document", nil)
	if doc.status != http.StatusOK || doc.body != string(pdf) || !strings.HasPrefix(doc.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("appeal document: %d %q", doc.status, doc.header.Get("Content-Disposition"))
	}
	if r := b.upload(path+"?lang=en", map[string]string{"csrf": csrf, "reason": "again"}, "", nil); r.status != http.StatusConflict {
		t.Errorf("a second open appeal: %d; want 409", r.status)
	}
	// The explanation shows the open appeal instead of the button.
	expl := b.do("GET", "/wallet/benefits/"+strconv.FormatInt(rig.offer.DecisionID, 10)+"/"+rig.offer.Programme, nil)
	if strings.Contains(expl.body, `id="appeal-button"`) || !strings.Contains(expl.body, `id="appeal-`+m[1]+`"`) {
		t.Error("the explanation of an appealed decision still offers to appeal, or hides the appeal")
	}
}

// TestWalletBenefitsRefuseOthers: another citizen gets 404 for every
// benefits route about the first citizen's decision, offer and appeal,
// exactly as for one that does not exist, and changes nothing.
func TestWalletBenefitsRefuseOthers(t *testing.T) {
	rig := newBenefitsRig(t)
	ctx := context.Background()
	owner := rig.browser(t)
	csrf := owner.signIn(rig.citizen)
	dec := strconv.FormatInt(rig.offer.DecisionID, 10)
	appealPath := "/wallet/benefits/" + dec + "/" + rig.offer.Programme + "/appeal"
	r := owner.upload(appealPath, map[string]string{"csrf": csrf, "reason": "mine"}, "scan.pdf", []byte("%PDF-1.4\n%%EOF\n"))
	m := appealLocation.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("owner's appeal: %d\n%s", r.status, r.body)
	}
	members, err := rig.st.HouseholdMembers(ctx, rig.offer.Household)
	if err != nil {
		t.Fatal(err)
	}
	for _, mem := range members {
		if mem.IIN == rig.other {
			t.Fatal("the other citizen belongs to the citizen's household")
		}
	}

	stranger := rig.browser(t)
	scsrf := stranger.signIn(rig.other)
	offer := strconv.FormatInt(rig.offer.ID, 10)
	for _, c := range []struct {
		method, path, missing string
		form                  url.Values
	}{
		{"GET", "/wallet/benefits/" + dec + "/" + rig.offer.Programme, "/wallet/benefits/999999999/" + rig.offer.Programme, nil},
		{"GET", appealPath, "/wallet/benefits/999999999/" + rig.offer.Programme + "/appeal", nil},
		{"POST", appealPath, "/wallet/benefits/999999999/" + rig.offer.Programme + "/appeal", url.Values{"csrf": {scsrf}, "reason": {"not mine"}}},
		{"POST", "/wallet/benefits/offers/" + offer + "/accept", "/wallet/benefits/offers/999999999/accept", url.Values{"csrf": {scsrf}}},
		{"POST", "/wallet/benefits/offers/" + offer + "/decline", "/wallet/benefits/offers/999999999/decline", url.Values{"csrf": {scsrf}}},
		{"GET", "/wallet/benefits/appeals/" + m[1] + "/document", "/wallet/benefits/appeals/999999999/document", nil},
	} {
		size, changes := auditSize(t, rig.st), rig.st.Changes()
		got := stranger.do(c.method, c.path+"?lang=en", c.form)
		missing := stranger.do(c.method, c.missing+"?lang=en", c.form)
		if got.status != http.StatusNotFound {
			t.Errorf("stranger %s %s: %d; want 404", c.method, c.path, got.status)
		}
		if got.status != missing.status || pageText(got.body) != pageText(missing.body) {
			t.Errorf("stranger %s %s answers unlike a missing one: %d vs %d", c.method, c.path, got.status, missing.status)
		}
		if auditSize(t, rig.st) != size || rig.st.Changes() != changes {
			t.Errorf("stranger %s %s changed the store or the audit log", c.method, c.path)
		}
		if strings.Contains(got.body, rig.offer.Household) {
			t.Errorf("stranger %s %s sees the household's id", c.method, c.path)
		}
	}
	if o, _ := rig.st.Offer(ctx, rig.offer.ID); o.Status != store.OfferOffered {
		t.Errorf("the stranger changed the offer to %s", o.Status)
	}
	if list := stranger.do("GET", "/wallet/benefits", nil); strings.Contains(list.body, `id="offer-`+offer+`"`) ||
		strings.Contains(list.body, `id="decision-`+dec+`"`) {
		t.Error("the stranger's benefits page lists the citizen's offer or decision")
	}
}

// pageText is a page's main content, without the frame's per-session
// parts (the CSRF token).
func pageText(body string) string {
	i, j := strings.Index(body, `<main`), strings.Index(body, `</main>`)
	if i < 0 || j < i {
		return body
	}
	return body[i:j]
}

// upload posts a multipart form with fields and, when name is not "", a
// file in the field "document", as a browser sends an appeal.
func (b *browserish) upload(path string, fields map[string]string, name string, data []byte) walletResp {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, err := mw.CreateFormFile("document", name)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest("POST", b.rig.ts.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.rig.ts.URL)
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return walletResp{status: res.StatusCode, header: res.Header, body: string(out)}
}

// TestWalletBenefitsHideDecisionsBeforeJoining moves the citizen into
// the other citizen's household: the household's decisions made before
// they joined (which name its members then, with their incomes) stay
// hidden from them, while the decision that counts them shows.
func TestWalletBenefitsHideDecisionsBeforeJoining(t *testing.T) {
	rig := newBenefitsRig(t)
	ctx := context.Background()
	before, err := rig.st.BenefitDecision(ctx, rig.otherOffer.DecisionID)
	if err != nil {
		t.Fatal(err)
	}
	members, err := rig.st.HouseholdMembers(ctx, before.Household)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := rig.st.HouseholdMembers(ctx, rig.offer.Household)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(mine, func(m store.HouseholdMember) bool { return m.IIN == rig.citizen })
	if i < 0 {
		t.Fatal("the citizen is not a member of their own household")
	}
	// A later decision on the other household, with the citizen in it.
	sit, err := welfare.DecodeSituation(before.Inputs)
	if err != nil {
		t.Fatal(err)
	}
	// The citizen is listed but born after the decision date, so that
	// they change no outcome: the decision reproduces under the rules it
	// names, whatever rule changes other tests made to the shared store.
	sit.Persons = append(sit.Persons, benefits.Person{ID: mine[i].Person, Role: benefits.RoleOther, BirthDate: sit.Date + 1})
	inputs, err := json.Marshal(sit)
	if err != nil {
		t.Fatal(err)
	}
	w, err := rig.st.BeginDecisions(ctx, store.BenefitRun{Kind: store.RunAppeal, DecisionDate: before.DecisionDate,
		CatalogVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	after := before
	after.ID, after.Inputs, after.InputsHash, after.CreatedAt = 0, inputs, []byte("joined"), time.Time{}
	after.Members = append(slices.Clone(members), mine[i])
	if after.ID, err = w.Add(ctx, after); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(ctx, 1); err != nil {
		t.Fatal(err)
	}

	b := rig.browser(t)
	b.signIn(rig.citizen)
	old := "/wallet/benefits/" + strconv.FormatInt(before.ID, 10) + "/" + rig.otherOffer.Programme
	if r := b.do("GET", old+"?lang=en", nil); r.status != http.StatusNotFound {
		t.Errorf("a decision made before the citizen joined: %d; want 404", r.status)
	}
	if r := b.do("GET", old+"/appeal?lang=en", nil); r.status != http.StatusNotFound {
		t.Errorf("appealing a decision made before the citizen joined: %d; want 404", r.status)
	}
	cur := "/wallet/benefits/" + strconv.FormatInt(after.ID, 10) + "/" + rig.otherOffer.Programme
	if r := b.do("GET", cur+"?lang=en", nil); r.status != http.StatusOK {
		t.Errorf("the decision that counts the citizen: %d; want 200", r.status)
	}
}
