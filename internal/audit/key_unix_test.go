//go:build unix

package audit

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestKeyFilesPrivate creates a key in a new directory under a permissive
// umask: the directory comes out 0700 and the key 0600, whatever the
// umask; the directory used to be 0755.
func TestKeyFilesPrivate(t *testing.T) {
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := filepath.Join(t.TempDir(), "keys")
	path := filepath.Join(dir, "audit.key")
	if _, _, err := LoadOrCreateKey(path, testOrigin); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %o; want %o", p, fi.Mode().Perm(), want)
		}
	}
}
