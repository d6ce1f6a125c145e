package audit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
)

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deep", "dir", "audit.key")
	s1, v1, err := LoadOrCreateKey(path, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v", err, fi.Mode())
	}
	msg, err := signCheckpoint(s1, testOrigin, 1, make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	// The verifier key in the .pub file opens what the key signs.
	pub, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(pub)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(msg, note.VerifierList(v)); err != nil {
		t.Fatalf("the .pub key does not verify the key's signature: %v", err)
	}

	// Loading again gives the same key; a lost .pub is written again.
	if err := os.Remove(path + ".pub"); err != nil {
		t.Fatal(err)
	}
	s2, v2, err := LoadOrCreateKey(path, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if s2.KeyHash() != s1.KeyHash() || v2.KeyHash() != v1.KeyHash() {
		t.Fatal("reloading gave another key")
	}
	if again, _ := os.ReadFile(path + ".pub"); string(again) != string(pub) {
		t.Fatalf(".pub rewritten as %q, was %q", again, pub)
	}

	tests := []struct {
		name  string
		setup func(t *testing.T)
		key   string
	}{
		{"another name", func(*testing.T) {}, "other.example/audit"},
		{"mismatched .pub", func(t *testing.T) {
			_, vkey, _ := note.GenerateKey(nil, testOrigin)
			if err := os.WriteFile(path+".pub", []byte(vkey+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, testOrigin},
		{"garbage key", func(t *testing.T) {
			if err := os.WriteFile(path, []byte("not a key\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, testOrigin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.setup(t)
			if _, _, err := LoadOrCreateKey(path, tt.key); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func FuzzParseCheckpoint(f *testing.F) {
	f.Add(checkpointBody(testOrigin, 7, make([]byte, 32)))
	f.Add(checkpointBody(testOrigin, 0, make([]byte, 32)) + "extension line\n")
	for _, s := range []string{"", "\n\n\n", "o\n01\nAAAA\n", "o\n-1\n\n", "o\n18446744073709551616\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		origin, size, root, err := parseCheckpoint(text)
		if err != nil {
			return
		}
		if body := checkpointBody(origin, size, root); !strings.HasPrefix(text, body) {
			t.Fatalf("%q parsed as %q %d %x, which prints as %q", text, origin, size, root, body)
		}
	})
}
