package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/store"
)

// demoPassword is every demo official's password. The demo is for trying
// the platform on loopback; its accounts are never for real data.
const demoPassword = "ortaq-demo-password"

// demoOfficialList is one official of each role: data officers of two
// agencies that both hold person records (social benefits and disability
// at mlsp, incomes at kgd), so that one is refused the other's people.
var demoOfficialList = []officials.Official{
	{Login: "admin", Name: "Ерлан Сәрсенов", Roles: []access.Role{access.Admin}},
	{Login: "mlsp.officer", Name: "Айгүл Жұмабаева", Agency: "mlsp", Roles: []access.Role{access.DataOfficer}},
	{Login: "kgd.officer", Name: "Бауыржан Омаров", Agency: "kgd", Roles: []access.Role{access.DataOfficer}},
	{Login: "auditor", Name: "Динара Исаева", Roles: []access.Role{access.Auditor}},
	{Login: "analyst", Name: "Тимур Ахметов", Roles: []access.Role{access.Analyst}},
	{Login: "mlsp.social", Name: "Гүлнар Серікова", Agency: "mlsp", Roles: []access.Role{access.SocialWorker}},
	{Login: "mlsp.policy", Name: "Сәуле Нұрланқызы", Agency: "mlsp", Roles: []access.Role{access.PolicyOfficer}},
}

// demoOfficials adds the demo officials the store lacks (an official
// already there, perhaps reset or disabled, is left as it is) and prints
// how to sign in as each.
func demoOfficials(ctx context.Context, st *store.Store, addr, dsn string, out io.Writer) error {
	d := officials.New(st, officials.Options{})
	fmt.Fprintf(out, "officials: sign in to the console at http://%s/ with password %q and a TOTP code from an\n"+
		"  authenticator app given the secret below, or from: ortaq officials code LOGIN%s\n", addr, demoPassword, demoDBFlag(dsn))
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  LOGIN\tROLE\tAGENCY\tTOTP SECRET")
	for _, o := range demoOfficialList {
		// Look first: Add would hash the password before finding the login
		// taken, and argon2id is meant to be slow.
		secret, err := d.TOTPSecret(ctx, o.Login)
		if errors.Is(err, officials.ErrNotFound) {
			secret, err = d.Add(ctx, o, demoPassword)
		}
		if err != nil {
			return fmt.Errorf("demo official %s: %w", o.Login, err)
		}
		roles := make([]string, len(o.Roles))
		for i, r := range o.Roles {
			roles[i] = string(r)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", o.Login, strings.Join(roles, ","), orDash(o.Agency), secret)
	}
	return tw.Flush()
}

// demoDBFlag is the --db flag that points "ortaq officials code" at the
// demo's database: none for the default (or $ORTAQ_DB), the path for SQLite, a
// placeholder for PostgreSQL, whose URL may hold a password.
func demoDBFlag(dsn string) string {
	switch {
	case dsn == store.DefaultDSN || dsn == os.Getenv("ORTAQ_DB"):
		return ""
	case strings.HasPrefix(dsn, "sqlite:"):
		return " --db " + dsn
	default:
		return " --db <the demo's --db>"
	}
}
