package console

import (
	"context"
	"errors"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
)

// welfareChange is a change to a programme or a parameter, as the
// benefits service takes it.
type welfareChange struct{ Kind, Name, From, Value, LawRef, Reason string }

// welfareSimulation is what a simulated change would do.
type welfareSimulation struct{}

// errWelfareInvalid is the service's refusal of a change.
var errWelfareInvalid = store.ErrInvalid

// errReformPending: the benefits service does not change rules or
// simulate reforms yet.
var errReformPending = errors.New("the benefits service cannot change rules yet")

// changeRules changes the rules through the benefits service.
func (s *Server) changeRules(context.Context, store.Author, welfareChange) (store.BenefitRun, error) {
	return store.BenefitRun{}, errReformPending
}

// simulate simulates a change through the benefits service.
func (s *Server) simulate(context.Context, welfareChange, benefits.Date) (welfareSimulation, error) {
	return welfareSimulation{}, errReformPending
}
