package exchange

import (
	"context"
	"testing"

	"github.com/ortaq/ortaq/internal/store/storetest"
)

// benchRequest is a granted request on a seeded registry whose member has
// no rate limit, so that the benchmark measures the decision itself.
func benchRequest(b *testing.B) (*Exchange, Request, string) {
	ctx := context.Background()
	x := mustExchange(b, storetest.SQLite(b), Options{})
	if err := x.PutMember(ctx, Member{Code: "gfc"}); err != nil {
		b.Fatal(err)
	}
	c, token, _ := mustKey(b, x, "gfc", "benefit-desk")
	return x, Request{Client: c, ClientID: "gfc/benefit-desk", Service: "person-basic", Keys: []string{mustIIN(b, 1)},
		Purpose: "social-benefit-eligibility", LegalBasis: "social-code-art-11", User: "operator-17", RequestID: "req-1"}, token
}

func BenchmarkDecide(b *testing.B) {
	x, req, _ := benchRequest(b)
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := x.Decide(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fields", func(b *testing.B) {
		req := req
		req.Fields = []string{"last_name", "first_name", "birth_date"}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := x.Decide(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rate-limited member", func(b *testing.B) {
		// A limit far above the loop's pace: every request pays the bucket.
		if err := x.PutMember(ctx, Member{Code: "gfc", RateLimit: 1_000_000}); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				x.Decide(ctx, req)
			}
		})
	})
	b.Run("parallel", func(b *testing.B) {
		if err := x.PutMember(ctx, Member{Code: "gfc"}); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := x.Decide(ctx, req); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func BenchmarkAuthenticateKey(b *testing.B) {
	x, _, token := benchRequest(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.AuthenticateKey(token); err != nil {
			b.Fatal(err)
		}
	}
}
