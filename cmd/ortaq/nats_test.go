package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ortaq/ortaq/internal/stream"
	"github.com/ortaq/ortaq/internal/stream/natstest"
)

// TestNATSNode is where natstest's child servers run; skipped otherwise.
func TestNATSNode(t *testing.T) { natstest.Child(t) }

// eventSubjects counts the messages of the event stream by subject.
func eventSubjects(t *testing.T, url string) map[string]uint64 {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := js.Stream(ctx, stream.EventStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(">"))
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Subjects
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
