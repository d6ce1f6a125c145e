package web

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/wallet"
)

// officialExpect is an official the browser signs in as.
type officialExpect struct {
	Login      string `json:"login"`
	Password   string `json:"password"`
	Secret     string `json:"secret"`
	AgencyName string `json:"agencyName"` // in Kazakh, as the wallet names the agency
}

// officialsExpect is what e2e/officials.spec.mjs works with.
type officialsExpect struct {
	Officer  officialExpect `json:"officer"`
	Stranger officialExpect `json:"stranger"`
	Auditor  officialExpect `json:"auditor"`
	Person   struct {
		ID  string `json:"id"`
		IIN string `json:"iin"`
	} `json:"person"`
	Citizen struct {
		IIN   string `json:"iin"`
		Phone string `json:"phone"`
	} `json:"citizen"`
	Case struct {
		Ref    string `json:"ref"`
		Reason string `json:"reason"`
	} `json:"case"`
	Text map[string]map[string]string `json:"text"`
}

// TestBrowserOfficials runs e2e/officials.spec.mjs: a data officer signs
// in with a password and a one-time code, states a case and opens a
// citizen; the citizen's wallet then lists that look with the agency, the
// purpose and the case; an official of an agency that holds no record of
// the citizen is refused and opens them by break-glass, which the auditor
// then finds on the review list.
func TestBrowserOfficials(t *testing.T) {
	root := browserRoot(t)
	d := demoSQLite(t)
	ctx := context.Background()
	c := walletCitizen(t, d)
	p := newPlatform(t, d.st, 0)
	w := wallet.New(d.st, p.log, wallet.Options{CodeLimit: 20})
	srv, ts := mustServe(t, d.st, Options{Exchange: p.x, Audit: p.log, AuditVerifier: p.verify, Wallet: w,
		Consents: p.consents, SMSOutbox: true})

	gs, err := d.st.GoldenByNationalID(ctx, c.IIN, 1)
	if err != nil || len(gs) == 0 {
		t.Fatalf("the citizen's golden record: %v", err)
	}
	members, err := d.st.EntityRecords(ctx, []string{gs[0].EntityID})
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := d.st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var held, all []string
	for _, s := range srcs {
		if !slices.Contains(all, s.AgencyCode) {
			all = append(all, s.AgencyCode)
		}
		for _, m := range members {
			if m.SourceID == s.ID {
				held = append(held, s.AgencyCode)
			}
		}
	}
	stranger := ""
	for _, a := range all {
		if !slices.Contains(held, a) {
			stranger = a
			break
		}
	}
	if stranger == "" {
		t.Fatalf("every agency holds a record of %s", c.IIN)
	}

	var e officialsExpect
	e.Person.ID, e.Person.IIN = gs[0].EntityID, c.IIN
	e.Citizen.IIN, e.Citizen.Phone = c.IIN, c.Phone
	e.Case.Ref, e.Case.Reason = "ЖТ-2026/118", "citizen-request"
	e.Officer = browserOfficial(t, srv.officials, c.Agency, access.DataOfficer)
	e.Officer.AgencyName = registryTitles(p.x, c.Agency)["kk"]
	e.Stranger = browserOfficial(t, srv.officials, stranger, access.DataOfficer)
	e.Auditor = browserOfficial(t, srv.officials, "", access.Auditor)
	e.Text = map[string]map[string]string{"kk": {"reason": officials.ReasonLabels[e.Case.Reason]["kk"]}}

	runSpec(t, root, "officials.spec.mjs", ts.URL, filepath.Join(root, "test-output", "browser", "officials"), e)
}

// browserOfficial adds an official the browser signs in as, with their
// password and authenticator secret.
func browserOfficial(t *testing.T, dir *officials.Directory, agency string, role access.Role) officialExpect {
	t.Helper()
	o, secret := newOfficialSecret(t, dir, agency, role)
	return officialExpect{Login: o.Login, Password: testPassword, Secret: secret}
}
