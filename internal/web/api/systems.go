package api

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// DefaultNationalAdmin is the member code of the national administrator
// unless Options.NationalAdmin names another: the one member whose admin
// keys may change every registry entry (purposes, legal bases, other
// members). No demo member has this code, so a fresh registry has no
// national administrator until the operator adds one with
// "ortaq exchange member add gov" and a key with the admin scope.
const DefaultNationalAdmin = "gov"

// Limits on requests that carry no valid credential, per client address:
// a burst, then a steady rate. A system with a valid credential never
// spends from them.
const (
	DefaultUnauthenticatedRate  = 5
	DefaultUnauthenticatedBurst = 20
)

// systemHandler serves a request whose caller has been authenticated.
type systemHandler func(http.ResponseWriter, *http.Request, exchange.Client)

// system wraps h so that it runs only for a caller with a valid system
// credential holding scope ("" for any valid credential). A request
// without one is refused by refuseUnauthenticated, never logged to the
// audit log.
func (s *Server) system(scope string, h systemHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.authenticate(r)
		if err != nil {
			s.refuseUnauthenticated(w, r, err)
			return
		}
		if scope != "" && !c.Can(scope) {
			s.metrics.refused.WithLabelValues("forbidden").Inc()
			writeRefusal(w, r, missingScope(scope), nil)
			return
		}
		h(w, r, c)
	}
}

// missingScope refuses a credential that lacks scope.
func missingScope(scope string) error {
	return &exchange.Refusal{Status: http.StatusForbidden, Code: "missing_scope",
		Detail: "this credential lacks the " + strconv.Quote(scope) + " scope"}
}

// unauthenticated reports whether err refuses a request for its
// credential (missing, malformed, unknown, wrong or revoked) rather than
// for what an identified caller asked.
func unauthenticated(err error) bool {
	var rf *exchange.Refusal
	return errors.As(err, &rf) && rf.Status == http.StatusUnauthorized
}

// refuseUnauthenticated answers a request refused by authenticate: 401
// with the refusal, or 429 with Retry-After once the client's address has
// spent its allowance, so that guessing keys is slow. Nothing reaches the
// audit log: an anonymous caller is accountable to no one, and its chosen
// purpose and case must not appear in a citizen's "who looked". Other
// errors (no exchange on this server) are answered as they are.
func (s *Server) refuseUnauthenticated(w http.ResponseWriter, r *http.Request, err error) {
	if !unauthenticated(err) {
		writeRefusal(w, r, err, nil)
		return
	}
	if ok, wait := s.anonymous.take(clientIP(r), time.Now()); !ok {
		s.metrics.refused.WithLabelValues("throttled").Inc()
		writeRefusal(w, r, &exchange.Refusal{Status: http.StatusTooManyRequests, Code: exchange.CodeRateLimited,
			Detail: "too many requests without a valid credential from this address", RetryAfter: wait}, nil)
		return
	}
	s.metrics.refused.WithLabelValues("unauthenticated").Inc()
	writeRefusal(w, r, err, nil)
}

// clientIP is the address the request came from, without its port. The
// listener is reached directly (no proxy header is trusted), so this is
// the peer the connection came from.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ipLimiter is a token bucket per client address, in memory: rate tokens
// a second up to burst. It forgets addresses whose bucket has refilled
// once it holds maxAddrs of them, so that a scan from many addresses
// cannot grow it without bound.
type ipLimiter struct {
	rate  float64
	burst float64
	mu    sync.Mutex
	addrs map[string]*ipBucket
}

type ipBucket struct {
	tokens float64
	at     time.Time
}

// maxAddrs bounds the addresses an ipLimiter remembers.
const maxAddrs = 100_000

func newIPLimiter(rate, burst int) *ipLimiter {
	return &ipLimiter{rate: float64(rate), burst: float64(burst), addrs: map[string]*ipBucket{}}
}

// take spends a token of addr's bucket at now, or says how long until one
// is available.
func (l *ipLimiter) take(addr string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.addrs[addr]
	if b == nil {
		if len(l.addrs) >= maxAddrs {
			l.forget(now)
		}
		b = &ipBucket{tokens: l.burst, at: now}
		l.addrs[addr] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// forget drops the addresses whose buckets are full again: they have
// nothing to remember. When every address is still draining it drops them
// all rather than grow.
func (l *ipLimiter) forget(now time.Time) {
	for a, b := range l.addrs {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.addrs, a)
		}
	}
	if len(l.addrs) >= maxAddrs {
		clear(l.addrs)
	}
}

// notOwner refuses a caller whose member does not own source.
func notOwner(c exchange.Client, src store.SourceDef) error {
	return &exchange.Refusal{Status: http.StatusForbidden, Code: "not_owner",
		Detail: "source " + src.Name + " belongs to agency " + src.AgencyCode + "; this credential is member " + c.Member + "'s"}
}

// ownSource returns the source name when c may work on it: a credential
// with scope sources of the member whose code is the source's agency code.
// An unknown source is 404, another agency's 403.
func (s *Server) ownSource(r *http.Request, c exchange.Client, name string) (store.SourceDef, error) {
	src, err := s.st.Source(r.Context(), name)
	if err != nil {
		if view.IsNotFound(err) {
			err = view.UnknownSource(name)
		}
		return src, err
	}
	if !c.Can(exchange.ScopeSources) {
		return src, missingScope(exchange.ScopeSources)
	}
	if src.AgencyCode != c.Member {
		return src, notOwner(c, src)
	}
	return src, nil
}
