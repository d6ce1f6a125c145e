package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// DefaultKeyFile is where the log's signing key lives beside the default
// database; DefaultKeyFile+".pub" holds the verifier key auditors use.
const DefaultKeyFile = "./ortaq-data/audit.key"

// LoadOrCreateKey returns the log's signing key kept at path, creating it
// (an Ed25519 note key named name, with any missing parent directories)
// when the file does not exist. The file holds the private key text, mode
// 0600; path+".pub" holds the verifier key that auditors and clients need,
// and is written again if it is missing. An existing key with another name,
// or a .pub file that does not match the key, is an error rather than a
// silent replacement: checkpoints already published depend on the key.
func LoadOrCreateKey(path, name string) (note.Signer, note.Verifier, error) {
	skey, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if skey, err = createKey(path, name); err != nil {
			return nil, nil, err
		}
	case err != nil:
		return nil, nil, fmt.Errorf("audit key: %w", err)
	}
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return nil, nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	if name != "" && signer.Name() != name {
		return nil, nil, fmt.Errorf("audit key %s is named %q, not %q", path, signer.Name(), name)
	}
	vkey, err := verifierKey(strings.TrimSpace(string(skey)))
	if err != nil {
		return nil, nil, fmt.Errorf("audit key %s: %w", path, err)
	}
	pub := path + ".pub"
	stored, err := os.ReadFile(pub)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.WriteFile(pub, []byte(vkey+"\n"), 0o644); err != nil {
			return nil, nil, fmt.Errorf("audit key: %w", err)
		}
	case err != nil:
		return nil, nil, fmt.Errorf("audit key: %w", err)
	case strings.TrimSpace(string(stored)) != vkey:
		return nil, nil, fmt.Errorf("audit key: %s does not match %s", pub, path)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, nil, fmt.Errorf("audit key %s: %w", pub, err)
	}
	return signer, verifier, nil
}

// createKey writes a new key to path, failing if another process created
// one meanwhile rather than overwriting it.
func createKey(path, name string) ([]byte, error) {
	if name == "" {
		return nil, errors.New("audit key: no key name")
	}
	skey, _, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	// The key's directory, when new, and the key itself are private
	// whatever the umask: whoever reads the key can sign checkpoints.
	if dir := filepath.Dir(path); !exists(dir) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("audit key: %w", err)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("audit key: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if _, err := f.WriteString(skey + "\n"); err != nil {
		f.Close()
		return nil, fmt.Errorf("audit key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("audit key: %w", err)
	}
	return []byte(skey), nil
}

// exists reports whether path names anything.
func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// verifierKey derives the verifier key from a note signer key
// ("PRIVATE+KEY+name+hash+base64(alg, seed)"), which note does not offer.
func verifierKey(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("not a note signer key")
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return "", err
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", errors.New("not an Ed25519 note key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(signer.Name(), pub)
}
