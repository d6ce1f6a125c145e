package natstest

import (
	"context"
	"errors"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// StreamInfo returns the state of the stream name on the server at url,
// with its messages counted by subject when bySubject, or nil when the
// stream has not been declared yet.
func StreamInfo(tb testing.TB, url, name string, bySubject bool) *jetstream.StreamInfo {
	tb.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	s, err := js.Stream(ctx, name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil
	}
	if err != nil {
		tb.Fatal(err)
	}
	var opts []jetstream.StreamInfoOpt
	if bySubject {
		opts = append(opts, jetstream.WithSubjectFilter(">"))
	}
	info, err := s.Info(ctx, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return info
}
