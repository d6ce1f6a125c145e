package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/web/api"
)

// admissionRig is the exchange behind admission control, on a real SQLite
// store and a real listener, with an exchange key to query with.
type admissionRig struct {
	p     *platform
	url   string
	addr  string
	token string
	right exchange.Right
	basis exchange.LegalBasis
}

func newAdmissionRig(t *testing.T, a api.Admission) *admissionRig {
	t.Helper()
	st := storetest.SQLite(t)
	p := newPlatform(t, st, 0)
	rig := &admissionRig{p: p}
	var ok bool
	if rig.right, rig.basis, ok = p.x.ExampleRight(); !ok {
		t.Fatal("the seeded registry has no consent-free right")
	}
	var err error
	if rig.token, _, err = p.x.CreateKey(context.Background(), rig.right.Member, rig.right.Subsystem,
		[]string{exchange.ScopeExchange}); err != nil {
		t.Fatal(err)
	}
	s, err := newTestServer(st, Options{Version: "test", Exchange: p.x, Audit: p.log, Admission: a})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	rig.url, rig.addr = ts.URL, ts.Listener.Addr().String()
	return rig
}

// headerLines are the request headers of an exchange query with the rig's key.
func (rig *admissionRig) headerLines() string {
	return "Authorization: Bearer " + rig.token + "\r\n" +
		api.HeaderClient + ": " + rig.right.Member + "/" + rig.right.Subsystem + "\r\n" +
		api.HeaderPurpose + ": " + rig.right.Purpose + "\r\n" +
		api.HeaderLegalBasis + ": " + rig.basis.Code + "\r\n"
}

// query asks for one person; every answer but admission's 503 is audited.
func (rig *admissionRig) query(t *testing.T, iin string) response {
	t.Helper()
	return do(t, http.MethodGet, rig.url+"/api/v1/exchange/"+rig.right.Service+"/"+iin, "", "",
		"Authorization", "Bearer "+rig.token, api.HeaderClient, rig.right.Member+"/"+rig.right.Subsystem,
		api.HeaderPurpose, rig.right.Purpose, api.HeaderLegalBasis, rig.basis.Code)
}

// stalled starts a batch query whose body never finishes arriving: it holds
// a turn of admission, in the handler, until the returned func sends the
// rest of the body; that func returns the status of the answer (400: the
// key is not a valid IIN, a refusal audited like any other answer).
func (rig *admissionRig) stalled(t *testing.T) (finish func() int) {
	t.Helper()
	conn, err := net.Dial("tcp", rig.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	body := `{"keys": ["900101300011"]}`
	head := "POST /api/v1/exchange/" + rig.right.Service + " HTTP/1.1\r\nHost: " + rig.addr + "\r\n" + rig.headerLines() +
		"Content-Type: application/json\r\nContent-Length: " + fmt.Sprint(len(body)) + "\r\n\r\n"
	if _, err := io.WriteString(conn, head+body[:5]); err != nil {
		t.Fatal(err)
	}
	return func() int {
		t.Helper()
		if _, err := io.WriteString(conn, body[5:]); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
}

// waitInFlight waits until the server has taken the stalled request in.
func waitInFlight(t *testing.T, rig *admissionRig, probe func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !probe() {
		if time.Now().After(deadline) {
			t.Fatal("the stalled request never took its turn")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestAdmissionRefusesBeyondQueue: with every turn taken and no room to
// wait, an exchange query is refused with 503, Retry-After and a problem
// document, and leaves no audit record; once the turn is free, queries are
// answered and audited again. Without admission control the refused query
// was answered, and a thousand clients were all worked on at once.
func TestAdmissionRefusesBeyondQueue(t *testing.T) {
	rig := newAdmissionRig(t, api.Admission{MaxInFlight: 1, MaxQueued: -1, RefusalDelay: -1})
	finish := rig.stalled(t)
	// The stalled request holds the one turn once a query is refused.
	var r response
	waitInFlight(t, rig, func() bool {
		r = rig.query(t, "900101300011")
		return r.status == http.StatusServiceUnavailable
	})
	size := rig.p.log.Size()
	for range 5 {
		r = rig.query(t, "900101300011")
		if r.status != http.StatusServiceUnavailable {
			t.Fatalf("query while the turn is taken = %d %s; want 503", r.status, r.body)
		}
	}
	if got := r.header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q; want 1", got)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q; want application/problem+json", ct)
	}
	if got := rig.p.log.Size(); got != size {
		t.Fatalf("audit log grew from %d to %d on refusals by admission; want no record", size, got)
	}
	if status := finish(); status == http.StatusServiceUnavailable {
		t.Fatalf("stalled batch = %d; want an answer", status)
	}
	if r = rig.query(t, "900101300011"); r.status == http.StatusServiceUnavailable {
		t.Fatalf("query after the turn was freed = 503 %s", r.body)
	}
	if got := rig.p.log.Size(); got != size+2 {
		t.Fatalf("audit log = %d records; want %d: one for the batch's key and one for the query", got, size+2)
	}
}

// TestAdmissionQueueWaits: a query that finds every turn taken waits in
// the queue and is answered when a turn frees up within the queue wait.
func TestAdmissionQueueWaits(t *testing.T) {
	rig := newAdmissionRig(t, api.Admission{MaxInFlight: 1, MaxQueued: 1, QueueWait: 10 * time.Second, RefusalDelay: -1})
	finish := rig.stalled(t)
	// Give the stalled request time to take the turn; a query that still
	// got it would be answered at once and the test would not wait.
	time.Sleep(100 * time.Millisecond)
	done := make(chan response, 1)
	go func() { done <- rig.query(t, "900101300011") }()
	select {
	case r := <-done:
		t.Fatalf("queued query answered %d before the turn was freed", r.status)
	case <-time.After(200 * time.Millisecond):
	}
	if status := finish(); status == http.StatusServiceUnavailable {
		t.Fatalf("stalled batch = %d; want an answer", status)
	}
	if r := <-done; r.status == http.StatusServiceUnavailable {
		t.Fatalf("queued query = 503 %s; want an answer", r.body)
	}
}

// TestAdmissionAuditsEveryAnswerOnly: under many concurrent clients,
// the audit log grows by exactly the answers given; the 503s of admission
// leave nothing, and each is held for the refusal delay.
func TestAdmissionAuditsEveryAnswerOnly(t *testing.T) {
	const delay = 50 * time.Millisecond
	rig := newAdmissionRig(t, api.Admission{MaxInFlight: 2, MaxQueued: 2, QueueWait: time.Millisecond, RefusalDelay: delay})
	size := rig.p.log.Size()
	var (
		mu              sync.Mutex
		answers, refuse int
		wg              sync.WaitGroup
	)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 5 {
				start := time.Now()
				r := rig.query(t, fmt.Sprintf("9001013%05d", i*5+j))
				mu.Lock()
				if r.status == http.StatusServiceUnavailable {
					refuse++
					if !strings.Contains(string(r.body), "nothing was decided or logged") {
						t.Errorf("503 not from admission: %s", r.body)
					}
					if d := time.Since(start); d < delay {
						t.Errorf("refusal sent after %v; want it held %v", d, delay)
					}
				} else {
					answers++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if refuse == 0 {
		t.Fatal("64 concurrent clients with 2 turns and 2 places in the queue: no refusal")
	}
	if got := rig.p.log.Size() - size; got != uint64(answers) {
		t.Fatalf("audit log grew by %d; want %d, the answers given (%d refused)", got, answers, refuse)
	}
}
