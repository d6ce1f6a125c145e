package console

import (
	"slices"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
)

// explanationView is one programme's decision explained, as the officer's
// pages show it: the engine's sentences, grouped by what they say.
type explanationView struct {
	Eligible bool
	// Rule names the programme version and its law; Outcome says what
	// the household gets; Change what would change the outcome, when the
	// rule says.
	Rule, Outcome, Change string
	// Steps are the rule's steps and the arithmetic, in order.
	Steps []string
	// Facts are the facts the decision read, each person's with the
	// agency, source and date they came from.
	Facts []string
	// Params are the parameters used, with their dates and law.
	Params []string
	// Laws are the law references the decision rests on, each once.
	Laws []string
}

// explanationOf groups ex's lines for the page; eligible is the stored
// outcome of the programme.
func explanationOf(ex benefits.Explanation, eligible bool) explanationView {
	v := explanationView{Eligible: eligible}
	for _, line := range ex.Lines {
		switch line.Kind {
		case "rule":
			v.Rule = line.Text
		case "outcome":
			v.Outcome = line.Text
		case "change":
			v.Change = line.Text
		case "fact":
			v.Facts = append(v.Facts, line.Text)
		case "parameter":
			v.Params = append(v.Params, line.Text)
		default: // step, arithmetic, error
			v.Steps = append(v.Steps, line.Text)
		}
		if line.Law != "" && !slices.Contains(v.Laws, line.Law) {
			v.Laws = append(v.Laws, line.Law)
		}
	}
	return v
}

// eligibleFor reports whether a decision's outcomes make the household
// eligible for programme.
func eligibleFor(os []store.BenefitOutcome, programme string) bool {
	for _, o := range os {
		if o.Programme == programme {
			return o.Eligible
		}
	}
	return false
}
