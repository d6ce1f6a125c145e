package access

import "testing"

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		name   string
		p      Principal
		a      Action
		owners []string
		want   Decision
	}{
		{"data officer reads a person of their agency", Principal{"mlsp", []Role{DataOfficer}}, ReadPerson, []string{"moj", "mlsp"}, Allow},
		{"data officer, person of others only", Principal{"mlsp", []Role{DataOfficer}}, ReadPerson, []string{"moj"}, OutOfScope},
		{"data officer, no one holds the person", Principal{"mlsp", []Role{DataOfficer}}, ReadPerson, nil, OutOfScope},
		{"admin never reads a person", Principal{"", []Role{Admin}}, ReadPerson, []string{""}, Deny},
		{"analyst never reads a person", Principal{"kgd", []Role{Analyst}}, ReadPerson, []string{"kgd"}, Deny},
		{"analyst sees aggregates", Principal{"", []Role{Analyst}}, ViewAggregates, nil, Allow},
		{"auditor reviews break-glass", Principal{"", []Role{Auditor}}, ReviewBreakGlass, nil, Allow},
		{"auditor decides no finding", Principal{"kgd", []Role{Auditor}}, DecideFinding, []string{"kgd"}, Deny},
		{"social worker decides no correction", Principal{"mlsp", []Role{SocialWorker}}, DecideCorrection, []string{"mlsp"}, Deny},
		{"social worker reads their agency's people", Principal{"mlsp", []Role{SocialWorker}}, ReadPerson, []string{"mlsp"}, Allow},
		{"no agency is no scope, even for an owner named empty", Principal{"", []Role{DataOfficer}}, ReadPerson, []string{""}, OutOfScope},
		{"no role, no action", Principal{"mlsp", nil}, OwnSession, nil, Deny},
		{"an unknown role permits nothing", Principal{"mlsp", []Role{"superuser"}}, ViewAggregates, nil, Deny},
		{"an unknown action is refused", Principal{"mlsp", Roles}, Action("everything"), nil, Deny},
		{"every role signs out", Principal{"", []Role{Analyst}}, OwnSession, nil, Allow},
		{"social worker confirms their agency's benefits", Principal{"mlsp", []Role{SocialWorker}}, DecideBenefit, []string{"mlsp"}, Allow},
		{"social worker of another agency confirms none", Principal{"kgd", []Role{SocialWorker}}, DecideBenefit, []string{"mlsp"}, OutOfScope},
		{"data officer confirms no benefit", Principal{"mlsp", []Role{DataOfficer}}, DecideBenefit, []string{"mlsp"}, Deny},
		{"policy officer changes their agency's rules", Principal{"mlsp", []Role{PolicyOfficer}}, ChangeRules, []string{"mlsp"}, Allow},
		{"policy officer of another agency changes none", Principal{"moh", []Role{PolicyOfficer}}, ChangeRules, []string{"mlsp"}, OutOfScope},
		{"policy officer never reads a person", Principal{"mlsp", []Role{PolicyOfficer}}, ReadPerson, []string{"mlsp"}, Deny},
		{"analyst simulates a reform", Principal{"", []Role{Analyst}}, SimulateReform, nil, Allow},
		{"social worker simulates nothing", Principal{"mlsp", []Role{SocialWorker}}, SimulateReform, nil, Deny},
		{"admin changes no rule", Principal{"mlsp", []Role{Admin}}, ChangeRules, []string{"mlsp"}, Deny},
		{"policy officer reads their agency's spending", Principal{"mlsp", []Role{PolicyOfficer}}, WalletSpending, []string{"mlsp"}, Allow},
		{"analyst of another agency reads no spending", Principal{"kgd", []Role{Analyst}}, WalletSpending, []string{"mlsp"}, OutOfScope},
		{"the national administrator reads every agency's spending", Principal{"gov", []Role{Admin}}, WalletSpending, []string{"mlsp"}, Allow},
		{"nationwide is the admin's alone: its rules stay scoped", Principal{"gov", []Role{Admin, PolicyOfficer}}, ChangeRules, []string{"mlsp"}, OutOfScope},
		{"social worker reads no spending", Principal{"mlsp", []Role{SocialWorker}}, WalletSpending, []string{"mlsp"}, Deny},
		{"data officer reads no spending", Principal{"mlsp", []Role{DataOfficer}}, WalletSpending, []string{"mlsp"}, Deny},
		{"roles add up", Principal{"kgd", []Role{Analyst, DataOfficer}}, DecideFinding, []string{"kgd"}, Allow},
	} {
		if got := Decide(tc.p, tc.a, tc.owners...); got != tc.want {
			t.Errorf("%s: Decide = %v; want %v", tc.name, got, tc.want)
		}
	}
}

// TestEveryActionHasARole keeps the table honest: an action no role has
// is dead policy, and every role can at least sign out.
func TestEveryActionHasARole(t *testing.T) {
	actions := []Action{OwnSession, ViewAggregates, ViewSource, ReadPerson, DecideFinding, DecideCorrection,
		ManageRegistry, ManageOfficials, ReadAudit, ReviewBreakGlass, DecideBenefit, ChangeRules, SimulateReform, WalletSpending}
	for _, a := range actions {
		if !(Principal{Roles: Roles}).Permits(a) {
			t.Errorf("no role permits %s", a)
		}
	}
	for _, r := range Roles {
		if !r.Valid() || !(Principal{Roles: []Role{r}}).Permits(OwnSession) {
			t.Errorf("role %s cannot sign out", r)
		}
	}
}
