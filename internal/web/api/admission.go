package api

import (
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ortaq/ortaq/internal/web/view"
)

// Admission bounds the exchange queries a server works on at once. Without
// a bound, every client's query runs at the same time: with a thousand
// clients each one waits behind all the others, the database pool grows to
// match, and answers slow for everyone. With it, at most MaxInFlight
// queries run, up to MaxQueued more wait at most QueueWait for a turn, and
// any other is refused with 503 and Retry-After, before it is
// authenticated or decided, so a refusal by admission writes no audit
// record.
//
// A refusal is sent after RefusalDelay, not at once: the client waits on
// its connection as Retry-After asks, whether or not it reads the header.
// Refused at once, a thousand clients that retry without pause (as load
// generators and many clients' naive retry loops do) spent the two cores on
// thousands of refusals a second, and the answers fell from 1,671 to 367 a
// second with a p99 of 1.5 s. At most maxHeldRefusals refusals are held; beyond
// that they are sent at once. The zero value takes the defaults.
type Admission struct {
	// MaxInFlight is how many exchange requests are worked on at once;
	// 0 means DefaultMaxInFlight, a negative value turns admission off.
	MaxInFlight int
	// MaxQueued is how many more may wait for a turn; 0 means
	// DefaultMaxQueued, a negative value means none waits.
	MaxQueued int
	// QueueWait is the longest a request waits for a turn before it is
	// refused; 0 means DefaultQueueWait.
	QueueWait time.Duration
	// RefusalDelay is how long a refused request is held before its 503
	// is sent; 0 means DefaultRefusalDelay, a negative value none.
	RefusalDelay time.Duration
}

// Defaults of Admission. A query spends most of its time waiting for its
// audit record's commit, which the log shares among every query waiting
// for it, so more queries in flight than cores keep the log's batches
// full: 48 clients got the most answers a second on 2 cores. A queue four
// times as long keeps every turn taken the moment it is freed and, at
// some thousands of answers a second, still turns over within
// DefaultQueueWait; a shorter one refused so many clients that the
// refusals' cost cut the answers to 82–89 % of the 48-client rate at
// 1,000 clients, against 100 % and more with this one (docs/benchmarks.md,
// "Exchange under many clients").
var (
	DefaultMaxInFlight = max(48, 16*runtime.GOMAXPROCS(0))
	DefaultMaxQueued   = 4 * DefaultMaxInFlight
)

// DefaultQueueWait keeps a waiting query's whole answer well within 100 ms.
const DefaultQueueWait = 50 * time.Millisecond

// DefaultRefusalDelay is as long as Retry-After asks a client to wait.
const DefaultRefusalDelay = admissionRetryAfter * time.Second

// admissionRetryAfter is what a refused client is told to wait, in seconds:
// the queue turns over many times a second, so one is enough to find it
// shorter.
const admissionRetryAfter = 1

// maxHeldRefusals bounds the refused requests held for RefusalDelay at
// once, each a parked goroutine of a few kilobytes.
const maxHeldRefusals = 16384

// admitter holds the exchange's admission state.
type admitter struct {
	slots  chan struct{}
	queued atomic.Int64
	maxQ   int64
	wait   time.Duration
	// delay is how long a refusal is held; held counts those held now.
	delay time.Duration
	held  atomic.Int64
	// shed counts the requests refused by admission.
	shed prometheus.Counter
}

// newAdmitter builds the admission control a and registers its counter on
// reg; it returns nil when admission is turned off.
func newAdmitter(a Admission, reg *prometheus.Registry) *admitter {
	if a.MaxInFlight < 0 {
		return nil
	}
	if a.MaxInFlight == 0 {
		a.MaxInFlight = DefaultMaxInFlight
	}
	if a.MaxQueued == 0 {
		a.MaxQueued = DefaultMaxQueued
	}
	if a.QueueWait <= 0 {
		a.QueueWait = DefaultQueueWait
	}
	if a.RefusalDelay == 0 {
		a.RefusalDelay = DefaultRefusalDelay
	}
	ad := &admitter{slots: make(chan struct{}, a.MaxInFlight), maxQ: int64(max(a.MaxQueued, 0)), wait: a.QueueWait,
		delay: max(a.RefusalDelay, 0),
		shed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ortaq_exchange_shed_total",
			Help: "Exchange requests refused with 503 before any decision because too many were in flight and queued.",
		})}
	reg.MustRegister(ad.shed)
	return ad
}

// admitted are the paths under admission control: the exchange's queries
// and the merchants' purchases, both answered to other systems at their
// pace and both writing at every call.
var admitted = []string{"/api/v1/exchange/", "/api/v1/wallet/"}

// admitExchange puts admission control in front of the exchange's and the
// merchants' routes; every other path goes straight through.
func (s *Server) admitExchange(next http.Handler) http.Handler {
	a := s.admit
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !slices.ContainsFunc(admitted, func(p string) bool { return strings.HasPrefix(r.URL.Path, p) }) {
			next.ServeHTTP(w, r)
			return
		}
		if !a.acquire(r) {
			a.shed.Inc()
			a.hold(r)
			w.Header().Set("Retry-After", strconv.Itoa(admissionRetryAfter))
			view.WriteProblem(w, r, http.StatusServiceUnavailable,
				"the server is answering as many queries and purchases as it can; nothing was decided or logged; retry after the time in Retry-After")
			return
		}
		defer a.release()
		next.ServeHTTP(w, r)
	})
}

// acquire takes a turn: at once if one is free, else after waiting in the
// queue if it has room. It reports false when the request must be refused.
func (a *admitter) acquire(r *http.Request) bool {
	select {
	case a.slots <- struct{}{}:
		return true
	default:
	}
	if a.queued.Add(1) > a.maxQ {
		a.queued.Add(-1)
		return false
	}
	defer a.queued.Add(-1)
	t := time.NewTimer(a.wait)
	defer t.Stop()
	select {
	case a.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-r.Context().Done():
		return false
	}
}

func (a *admitter) release() { <-a.slots }

// hold keeps a refused request for the refusal delay, or less if the client
// goes away or too many are held already.
func (a *admitter) hold(r *http.Request) {
	if a.delay <= 0 {
		return
	}
	if a.held.Add(1) > maxHeldRefusals {
		a.held.Add(-1)
		return
	}
	defer a.held.Add(-1)
	t := time.NewTimer(a.delay)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}
