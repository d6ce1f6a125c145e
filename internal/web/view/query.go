package view

import (
	"fmt"
	"net/http"
	"strconv"
)

// ParamError is a query parameter that cannot be used; WriteError answers
// it with 400 naming the parameter.
type ParamError struct{ Name, Reason string }

// Error says which parameter and why.
func (e *ParamError) Error() string { return fmt.Sprintf("query parameter %q: %s", e.Name, e.Reason) }

// Bounds of the list endpoints' limit parameter. The ceiling keeps one
// request from pulling a whole quarantine of millions of rows into memory;
// clients page with offset instead.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// IntParam reads the integer query parameter name, which must lie in
// [lo, hi]; absent or empty, it is def.
func IntParam(r *http.Request, name string, def, lo, hi int64) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, &ParamError{name, fmt.Sprintf("%q is not a whole number", v)}
	}
	if n < lo || n > hi {
		return 0, &ParamError{name, fmt.Sprintf("%d is out of range: want %d to %d", n, lo, hi)}
	}
	return n, nil
}

// LimitParam reads ?limit= for list endpoints.
func LimitParam(r *http.Request) (int, error) {
	n, err := IntParam(r, "limit", defaultLimit, 1, maxLimit)
	return int(n), err
}
