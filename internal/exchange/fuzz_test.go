package exchange

import (
	"context"
	"errors"
	"testing"

	"github.com/ortaq/ortaq/internal/store/storetest"
)

// FuzzAuthenticateKey checks that no token, however malformed, panics or
// authenticates without the secret.
func FuzzAuthenticateKey(f *testing.F) {
	x := mustExchange(f, storetest.SQLite(f), Options{})
	_, token, _ := mustKey(f, x, "gfc", "benefit-desk")
	for _, s := range []string{"", "ortaq_", "ortaq__", token[:30], token + "0", "Bearer " + token} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := x.AuthenticateKey(tok)
		if err == nil && tok != token {
			t.Fatalf("token %q authenticated as %+v", tok, c)
		}
		var ref *Refusal
		if err != nil && (!errors.As(err, &ref) || ref.Status != 401) {
			t.Fatalf("token %q: %v, want a 401 refusal", tok, err)
		}
	})
}

// FuzzDecide checks that any header values and keys give a grant or a
// refusal, never a panic or another error.
func FuzzDecide(f *testing.F) {
	x := mustExchange(f, storetest.SQLite(f), Options{})
	c, _, _ := mustKey(f, x, "gfc", "benefit-desk")
	f.Add("gfc/benefit-desk", "person-basic", "880523338479", "social-benefit-eligibility", "social-code-art-11", "u", "r", "last_name")
	f.Add("gfc/", "animal-by-tag", "KZ0100000221", "veterinary-control", "vet-law-art-8", "\x00", "r r", "")
	f.Fuzz(func(t *testing.T, client, service, key, purpose, basis, user, id, field string) {
		req := Request{Client: c, ClientID: client, Service: service, Keys: []string{key}, Purpose: purpose, LegalBasis: basis,
			User: user, RequestID: id}
		if field != "" {
			req.Fields = []string{field}
		}
		_, err := x.Decide(context.Background(), req)
		var ref *Refusal
		if err != nil && !errors.As(err, &ref) {
			t.Fatalf("%+v: %v is not a refusal", req, err)
		}
		if _, ok := NormalizeSerial(key); ok && key == "" {
			t.Fatal("empty serial accepted")
		}
	})
}
