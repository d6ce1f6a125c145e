package benefits

import (
	"bytes"
	"errors"
	"fmt"
)

// Samples returns the built-in sample situations a changed catalog must
// decide without error: households of every kind, dated within the
// regional tables.
func Samples() ([]Situation, error) {
	b, err := embedded.ReadFile("programmes/samples.ndjson")
	if err != nil {
		return nil, err
	}
	var out []Situation
	err = ReadSituations(bytes.NewReader(b), func(s Situation, err error) error {
		if err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// Validate checks a catalog before it is accepted (a ministry's new
// programme version or parameter value): every expression compiles and
// type-checks, and every sample situation (Samples, plus extra) is
// decided by every programme without error, with whole, non-negative
// amounts. It returns the engine for the catalog.
func (c *Catalog) Validate(extra ...Situation) (*Engine, error) {
	e, err := NewEngine(c)
	if err != nil {
		return nil, err
	}
	samples, err := Samples()
	if err != nil {
		return nil, fmt.Errorf("samples: %w", err)
	}
	var errs []error
	for _, s := range append(samples, extra...) {
		r := e.Decide(&s)
		for _, d := range r.Programmes {
			switch {
			case d.Err != "":
				errs = append(errs, fmt.Errorf("sample %s: %s", s.ID, d.Err))
			case d.Amount.Sign() < 0 || !d.Amount.IsWhole():
				errs = append(errs, fmt.Errorf("sample %s: %s: amount %s", s.ID, d.Programme, d.Amount))
			}
		}
		if len(errs) >= 10 {
			break
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return e, nil
}
