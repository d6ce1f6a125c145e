package view

import (
	"net/http"

	"github.com/ortaq/ortaq/internal/access"
)

// Audience is who a route serves. Each web package serves one audience
// with its own middleware chain, and a listener mounts only the audiences
// it is for: the public wallet listener mounts the citizens' pages alone.
type Audience string

// The audiences of ortaq's routes.
const (
	// Systems are agencies' information systems calling the JSON API.
	Systems Audience = "agency systems"
	// Officials are the state's staff using the console.
	Officials Audience = "officials"
	// Citizens use their own wallet.
	Citizens Audience = "citizens"
	// Operators run the server: metrics and health for their monitoring.
	Operators Audience = "operators"
	// Anyone covers what every page needs whoever reads it: style sheets
	// and images.
	Anyone Audience = "anyone"
)

// Route is one pattern a package answers, with the audience it is for and
// the policy that says who among them may call it. Policies are short
// phrases in the route listing that tests hold fixed, so that a route
// cannot appear or change hands unnoticed.
type Route struct {
	Pattern  string
	Audience Audience
	Policy   string
	// Action is what an official's route takes, checked against the
	// access policy before the handler runs; "" for routes that are not
	// an official's (signing in, static files, other audiences).
	Action access.Action
}

// Router is an http.ServeMux that records every route with its audience
// and policy.
type Router struct {
	Mux      *http.ServeMux
	audience Audience
	routes   []Route
}

// NewRouter returns an empty router for one audience.
func NewRouter(a Audience) *Router {
	return &Router{Mux: http.NewServeMux(), audience: a}
}

// Handle registers h for pattern under policy.
func (rt *Router) Handle(pattern, policy string, h http.Handler) {
	rt.Mux.Handle(pattern, h)
	rt.routes = append(rt.routes, Route{Pattern: pattern, Audience: rt.audience, Policy: policy})
}

// HandleAction registers h for pattern as taking action a, under policy.
func (rt *Router) HandleAction(pattern string, a access.Action, policy string, h http.Handler) {
	rt.Mux.Handle(pattern, h)
	rt.routes = append(rt.routes, Route{Pattern: pattern, Audience: rt.audience, Policy: policy, Action: a})
}

// HandleFunc registers h for pattern under policy.
func (rt *Router) HandleFunc(pattern, policy string, h http.HandlerFunc) {
	rt.Handle(pattern, policy, h)
}

// Routes lists the registered routes in registration order.
func (rt *Router) Routes() []Route { return append([]Route(nil), rt.routes...) }
