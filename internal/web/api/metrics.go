package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
)

// metrics are the server's Prometheus series, on a registry of its own so
// that several servers in one process (tests) do not collide.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// refused counts requests refused before any handler ran, by reason:
	// unauthenticated (no valid credential), throttled (no valid
	// credential, over the address's allowance) or forbidden (a valid
	// credential without the route's scope).
	refused *prometheus.CounterVec
}

// Label values that stand in for what a refused request could not name,
// so that arbitrary paths and credentials cannot grow the series.
const (
	labelUnknown = "unknown"
	labelNone    = "none"
)

func newMetrics(log *audit.Log) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ortaq_exchange_requests_total",
			Help: "Exchange queries by client member, service, decision (allowed or refused) and HTTP status.",
		}, []string{"member", "service", "decision", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ortaq_exchange_request_duration_seconds",
			Help:    "Time from receiving an exchange query to its audit record being durable, by service and decision.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5},
		}, []string{"service", "decision"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ortaq_api_refused_total",
			Help: "API requests refused for their credential, by reason: unauthenticated, throttled or forbidden.",
		}, []string{"reason"}),
	}
	for _, reason := range []string{"unauthenticated", "throttled", "forbidden"} {
		m.refused.WithLabelValues(reason)
	}
	m.reg.MustRegister(m.requests, m.latency, m.refused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ortaq_audit_log_size",
			Help: "Records committed to the audit log's Merkle tree.",
		}, func() float64 {
			if log == nil {
				return 0
			}
			return float64(log.Size())
		}))
	return m
}

// handler serves the metrics in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// observe counts one exchange request and its latency. Only names the
// registry knows become label values.
func (s *Server) observe(req exchange.Request, err error, start time.Time) {
	member, service := labelNone, labelUnknown
	if req.Client.Member != "" {
		member = req.Client.Member
	}
	if x := s.opts.Exchange; x != nil {
		if _, ok := x.Service(req.Service); ok {
			service = req.Service
		}
	}
	decision, status := "allowed", http.StatusOK
	if err != nil {
		decision, status = "refused", http.StatusInternalServerError
		var rf *exchange.Refusal
		if errors.As(err, &rf) {
			status = rf.Status
		}
	}
	s.metrics.requests.WithLabelValues(member, service, decision, strconv.Itoa(status)).Inc()
	s.metrics.latency.WithLabelValues(service, decision).Observe(time.Since(start).Seconds())
}
