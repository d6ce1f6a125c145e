// Package access is ortaq's one policy: which role may take which action,
// and on whose data. Every console page and API call names the action it
// takes, and the server asks Decide before it reads or writes anything.
// The default is to refuse: a role not listed for an action, an action no
// role has, an official without a role or an agency, all are refused.
//
// Agency-scoped actions compare the principal's agency with the agencies
// that own the resource: a source is owned by the agency that keeps it, a
// person by every agency that holds a record of them.
package access

import "slices"

// Role is what an official does; an official may hold several.
type Role string

// The roles of officials.
const (
	// Admin is the national administrator: the exchange registry, members,
	// keys and officials, and national aggregates; no person's data.
	Admin Role = "admin"
	// DataOfficer keeps their agency's sources: its work lists and
	// citizens' corrections, and the data of people their agency holds
	// records of.
	DataOfficer Role = "data_officer"
	// Auditor reads the audit log, receipts and verification, and reviews
	// break-glass access.
	Auditor Role = "auditor"
	// Analyst sees scores and aggregates, never a person.
	Analyst Role = "analyst"
	// SocialWorker is a social-protection officer: the people their agency
	// serves, and (with the benefits issue) their cases.
	SocialWorker Role = "social_worker"
	// PolicyOfficer writes the social programmes' rules and parameters
	// for their agency and simulates reforms; no person's data.
	PolicyOfficer Role = "policy_officer"
)

// Roles lists every role in the order pages show them.
var Roles = []Role{Admin, DataOfficer, Auditor, Analyst, SocialWorker, PolicyOfficer}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Action is something a principal does through a route.
type Action string

// The actions routes take.
const (
	// OwnSession acts on the official's own session alone: signing out.
	// Every role has it.
	OwnSession Action = "session.own"
	// ViewAggregates reads scores, counts and charts that name no person.
	ViewAggregates Action = "aggregates.view"
	// ViewSource reads one source's runs and quarantined rows (which hold
	// personal data): the owning agency only.
	ViewSource Action = "source.view"
	// ReadPerson reads a person's data: the entity page, search results,
	// record history, work-list rows, exports, attachments. Agencies that
	// hold a record of the person only, or with break-glass.
	ReadPerson Action = "person.read"
	// DecideFinding marks findings of the agency's sources.
	DecideFinding Action = "finding.decide"
	// DecideCorrection accepts or rejects a citizen's correction of a
	// record the agency keeps.
	DecideCorrection Action = "correction.decide"
	// ManageRegistry changes the exchange registry: members, services,
	// rights, keys.
	ManageRegistry Action = "registry.manage"
	// ManageOfficials adds, disables and resets officials.
	ManageOfficials Action = "officials.manage"
	// ReadAudit reads the audit log's records and receipts.
	ReadAudit Action = "audit.read"
	// ReviewBreakGlass reviews officials' break-glass access.
	ReviewBreakGlass Action = "breakglass.review"
	// DecideBenefit works the social-protection queue of the agency that
	// administers a programme: confirms offers citizens accepted, answers
	// their appeals and re-decides their households.
	DecideBenefit Action = "benefit.decide"
	// ChangeRules changes a programme of the principal's agency: a new
	// dated version of a rule or a parameter.
	ChangeRules Action = "benefit.rules"
	// SimulateReform runs the reform simulator: what a changed rule or
	// parameter would cost and whom it would change, in aggregates only.
	SimulateReform Action = "benefit.simulate"
	// WalletSpending reads the social wallet's spending figures: money
	// in, out and left per programme, spending by category, region and
	// merchant, and the anomalies, in aggregates that name no citizen.
	// Scoped to the agency that administers the programmes; the national
	// administrator sees every agency's.
	WalletSpending Action = "wallet.spending"
)

// scoped marks the actions whose resource has an owning agency: the
// principal's agency must be among the owners.
var scoped = map[Action]bool{
	ViewSource:       true,
	ReadPerson:       true,
	DecideFinding:    true,
	DecideCorrection: true,
	DecideBenefit:    true,
	ChangeRules:      true,
	WalletSpending:   true,
}

// nationwide lists, per scoped action, the roles that take it on every
// agency's resources: the national administrator reads the spending of
// every programme, whichever agency administers it.
var nationwide = map[Action][]Role{
	WalletSpending: {Admin},
}

// table is the policy: the actions each role permits. Nothing else is
// permitted.
var table = map[Role][]Action{
	Admin:         {OwnSession, ViewAggregates, ManageRegistry, ManageOfficials, WalletSpending},
	DataOfficer:   {OwnSession, ViewAggregates, ViewSource, ReadPerson, DecideFinding, DecideCorrection},
	Auditor:       {OwnSession, ViewAggregates, ReadAudit, ReviewBreakGlass},
	Analyst:       {OwnSession, ViewAggregates, SimulateReform, WalletSpending},
	SocialWorker:  {OwnSession, ViewAggregates, ReadPerson, DecideBenefit},
	PolicyOfficer: {OwnSession, ViewAggregates, ChangeRules, SimulateReform, WalletSpending},
}

// Principal is who is asking: an official (Roles set) with their agency.
type Principal struct {
	// Agency is the code of the official's agency, as sources name their
	// owner and the exchange registry its members.
	Agency string
	Roles  []Role
}

// Decision is the answer of Decide.
type Decision int

// Decisions.
const (
	// Deny: no role of the principal permits the action.
	Deny Decision = iota
	// OutOfScope: a role permits the action, but the resource belongs to
	// other agencies. Reading a person may then go through break-glass.
	OutOfScope
	// Allow: go ahead.
	Allow
)

// Permits reports whether some role of p permits a, whatever the owner.
func (p Principal) Permits(a Action) bool {
	for _, r := range p.Roles {
		if slices.Contains(table[r], a) {
			return true
		}
	}
	return false
}

// Decide decides whether p may take action a on a resource owned by
// owners (ignored for actions that are not agency-scoped; an empty list
// for a scoped action means no agency owns it, which only break-glass
// opens).
func Decide(p Principal, a Action, owners ...string) Decision {
	if !p.Permits(a) {
		return Deny
	}
	if !scoped[a] {
		return Allow
	}
	if p.Agency != "" && slices.Contains(owners, p.Agency) {
		return Allow
	}
	for _, r := range p.Roles {
		if slices.Contains(nationwide[a], r) && slices.Contains(table[r], a) {
			return Allow
		}
	}
	return OutOfScope
}

// Scoped reports whether a is decided per owning agency.
func Scoped(a Action) bool { return scoped[a] }
