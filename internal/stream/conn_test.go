package stream

import (
	"strings"
	"testing"
)

func TestConfigRedacted(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"nats://127.0.0.1:4222", "nats://127.0.0.1:4222"},
		{"nats://ortaq:s3cret@nats-1:4222,tls://ortaq:s3cret@nats-2:4222", "nats://ortaq:xxxxx@nats-1:4222,tls://ortaq:xxxxx@nats-2:4222"},
		{"nats://t0ken@nats:4222", "nats://xxxxx@nats:4222"},
		{"nats://%zz:s3cret@host", "(unparsable URL)"},
	} {
		got := Config{URL: tc.url}.Redacted()
		if got != tc.want || strings.Contains(got, "s3cret") || strings.Contains(got, "t0ken") {
			t.Errorf("Redacted(%q) = %q; want %q", tc.url, got, tc.want)
		}
	}
}
