package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/stream"
	"github.com/ortaq/ortaq/internal/stream/natstest"
)

// TestNATSNode is where natstest's child servers run; skipped otherwise.
func TestNATSNode(t *testing.T) { natstest.Child(t) }

// streamMessages is how many messages stream has had, 0 before it is
// declared.
func streamMessages(t *testing.T, url, name string) uint64 {
	if info := natstest.StreamInfo(t, url, name, false); info != nil {
		return info.State.LastSeq
	}
	return 0
}

// eventSubjects counts the messages of the event stream by subject; nil
// before the stream is declared.
func eventSubjects(t *testing.T, url string) map[string]uint64 {
	if info := natstest.StreamInfo(t, url, stream.EventStream, true); info != nil {
		return info.State.Subjects
	}
	return nil
}

// TestCommandsPublishEvents: ingest without --nats leaves its events in
// the store; the next command with --nats publishes them with its own.
func TestCommandsPublishEvents(t *testing.T) {
	node := natstest.Single(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "o.db")
	if _, err := runCLI(t, "ingest", "--db", db, "--sources", "testdata/ingest/sources.yaml"); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, "resolve", "--db", db, "--nats", node.URL()); err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{"ortaq.events.records.stored.livestock": 1, "ortaq.events.entities.changed.animal": 1}
	if diff := cmp.Diff(want, eventSubjects(t, node.URL())); diff != "" {
		t.Errorf("events after ingest and resolve --nats (-want +got):\n%s", diff)
	}
	if _, err := runCLI(t, "ingest", "--db", db, "--sources", "testdata/ingest/sources.yaml", "--nats", node.URL()); err != nil {
		t.Fatal(err)
	}
	want["ortaq.events.records.stored.livestock"] = 2
	if diff := cmp.Diff(want, eventSubjects(t, node.URL())); diff != "" {
		t.Errorf("events after a second ingest --nats (-want +got):\n%s", diff)
	}
	if _, err := runCLI(t, "ingest", "--db", db, "--sources", "testdata/ingest/sources.yaml", "--nats", node.URL(), "--nats-replicas", "0"); err == nil {
		t.Error("ingest --nats-replicas 0 ran")
	}
}

// TestServeWithNATS starts serve with --nats: it publishes the events an
// earlier ingest left in the store, and a push goes through the queue and
// its worker to a run, answered with the run's summary.
func TestServeWithNATS(t *testing.T) {
	node := natstest.Single(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "o.db")
	mustCLI(t, "ingest", "--db", db, "--sources", "testdata/ingest/sources.yaml")
	mustCLI(t, "exchange", "member", "add", "moa", "--db", db)
	out := mustCLI(t, "exchange", "key", "create", "--db", db, "--member", "moa", "--scopes", "sources")
	token := regexp.MustCompile(`ortaq_[0-9a-f]{16}_[0-9a-f]{64}`).FindString(out)
	if token == "" {
		t.Fatalf("key create printed no token:\n%s", out)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", addr, "--nats", node.URL()}, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for eventSubjects(t, node.URL())["ortaq.events.records.stored.livestock"] != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("serve --nats published no event of the earlier ingest within 30s: %v", eventSubjects(t, node.URL()))
		}
		time.Sleep(20 * time.Millisecond)
	}
	for {
		res, err := http.Get("http://" + addr + "/api/v1/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer within 30s: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	req, err := http.NewRequest("POST", "http://"+addr+"/api/v1/sources/livestock/records", strings.NewReader("tag;species;born;owner\nKZ009;camel;20200101;900101300017\n"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var sum struct{ Run, Stored int }
	if res.StatusCode != http.StatusOK || json.Unmarshal(body, &sum) != nil || sum.Stored != 1 || sum.Run == 0 {
		t.Fatalf("push through serve --nats = %d: %s; want the summary of a run storing it", res.StatusCode, body)
	}
	if n := streamMessages(t, node.URL(), stream.PushStream); n != 1 {
		t.Errorf("%d pushes went through the queue; want 1", n)
	}
	deadline = time.Now().Add(30 * time.Second)
	for eventSubjects(t, node.URL())["ortaq.events.records.stored.livestock"] != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the push's run made no event within 30s: %v", eventSubjects(t, node.URL()))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
