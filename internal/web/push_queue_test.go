package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/stream"
	"github.com/ortaq/ortaq/internal/stream/natstest"
	"github.com/ortaq/ortaq/internal/web/api"
)

// TestNATSNode is where natstest's child servers run; skipped otherwise.
func TestNATSNode(t *testing.T) { natstest.Child(t) }

// queuedPushes counts the pushes ever queued on the node at url.
func queuedPushes(t *testing.T, url string) uint64 {
	info := natstest.StreamInfo(t, url, stream.PushStream, false)
	if info == nil {
		t.Fatal("the push queue's stream is not declared")
	}
	return info.State.LastSeq
}

// TestPushThroughQueue pushes through the API with a NATS push queue: a
// push stored within the wait is answered as without a queue, and a
// refusal with the same status and reason; a push still queued is
// answered 202 with a status URL that only the source's owner may read
// and that turns into the summary once a worker stores it; requests
// refused before the queue put nothing on it.
func TestPushThroughQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		node := natstest.Single(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		conn, err := stream.Connect(ctx, stream.Config{URL: node.URL(), AckWait: time.Second, Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		mustRegister(t, st)
		s, ts := mustServe(t, st, Options{Pushes: conn, PushWait: 10 * time.Second})
		doc := mustAPIDoc(t)
		moh, mia := s.key(t, "moh"), s.key(t, "mia")
		worker := func() context.CancelFunc {
			wctx, stop := context.WithCancel(ctx)
			w := &stream.PushWorker{Conn: conn, Store: st, Refusal: api.PushRefusal}
			done := make(chan struct{})
			go func() { w.Run(wctx); close(done) }()
			return func() { stop(); <-done }
		}
		const records = "/api/v1/sources/health_cards/records"

		stop := worker()
		r := do(t, "POST", ts.URL+records, "text/csv", cardsCSV(), moh...)
		if r.status != http.StatusOK {
			t.Fatalf("queued push = %d: %s", r.status, r.body)
		}
		doc.check(t, "POST", "/api/v1/sources/{source}/records", r)
		var sum ingest.Summary
		decodeInto(t, r, &sum)
		sum.Run = 0
		want := ingest.Summary{Source: "health_cards", File: "api", Rows: 4, Stored: 2, Quarantined: 2, Flagged: 1, Live: 2}
		if diff := cmp.Diff(want, sum); diff != "" {
			t.Errorf("queued push's summary (-want +got):\n%s", diff)
		}
		stop()

		// Refused before the queue: nothing reaches it, and a body that
		// cannot be read is refused with its reason as without a queue.
		before := queuedPushes(t, node.URL())
		r = do(t, "POST", ts.URL+records, "text/csv", "no,such,columns\n1,2,3\n", moh...)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "nothing was stored") {
			t.Errorf("bad push = %d: %s; want 400 with the reason", r.status, r.body)
		}
		doc.check(t, "POST", "/api/v1/sources/{source}/records", r)
		for _, r := range []response{
			do(t, "POST", ts.URL+records, "text/csv", cardsCSV(), mia...),
			do(t, "POST", ts.URL+records, "application/json", "{}", moh...),
			do(t, "POST", ts.URL+records+"?mode=sideways", "text/csv", cardsCSV(), moh...),
		} {
			if r.status < 400 {
				t.Errorf("a push that must be refused = %d", r.status)
			}
		}
		if after := queuedPushes(t, node.URL()); after != before {
			t.Errorf("%d pushes queued by refused requests", after-before)
		}

		// No worker: the push waits, and the sender is told where to look.
		_, ts2 := mustServe(t, st, Options{Pushes: conn, PushWait: 50 * time.Millisecond, Exchange: s.x})
		moved := "card_no,iin,fio,dob,clinic\nC1," + iinAigerim + ",Айгерім Сәрсенова,14.03.1985,Polyclinic 7\n"
		r = do(t, "POST", ts2.URL+records, "text/csv", moved, moh...)
		if r.status != http.StatusAccepted {
			t.Fatalf("push with no worker = %d: %s; want 202", r.status, r.body)
		}
		doc.check(t, "POST", "/api/v1/sources/{source}/records", r)
		var queued api.PushStatus
		decodeInto(t, r, &queued)
		if loc := r.header.Get("Location"); loc != queued.StatusURL || queued.Status != "queued" || len(queued.ID) != 32 {
			t.Fatalf("202 answer %+v, Location %q", queued, loc)
		}
		const statusPattern = "/api/v1/sources/{source}/pushes/{id}"
		r = get(t, ts2.URL+queued.StatusURL, moh...)
		if r.status != http.StatusAccepted {
			t.Errorf("status of a queued push = %d: %s", r.status, r.body)
		}
		doc.check(t, "GET", statusPattern, r)
		if r := get(t, ts2.URL+queued.StatusURL, mia...); r.status != http.StatusForbidden {
			t.Errorf("another member's status read = %d: %s; want 403", r.status, r.body)
		}
		if r := get(t, ts2.URL+"/api/v1/sources/addresses/pushes/"+queued.ID, mia...); r.status != http.StatusNotFound {
			t.Errorf("status under another source = %d: %s; want 404", r.status, r.body)
		}
		stop = worker()
		defer stop()
		deadline := time.Now().Add(20 * time.Second)
		for r = get(t, ts2.URL+queued.StatusURL, moh...); r.status == http.StatusAccepted; r = get(t, ts2.URL+queued.StatusURL, moh...) {
			if time.Now().After(deadline) {
				t.Fatal("the queued push was never stored")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if r.status != http.StatusOK {
			t.Fatalf("status once stored = %d: %s", r.status, r.body)
		}
		doc.check(t, "GET", statusPattern, r)
		decodeInto(t, r, &sum)
		if sum.Stored != 1 || sum.Rows != 1 {
			t.Errorf("stored push's summary = %+v; want the moved card stored", sum)
		}
		if r := get(t, ts2.URL+"/api/v1/sources/health_cards/pushes/0123", moh...); r.status != http.StatusNotFound {
			t.Errorf("status of an unknown push = %d; want 404", r.status)
		}
	})
}
