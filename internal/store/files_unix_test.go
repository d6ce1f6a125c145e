//go:build unix

package store_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
)

// TestSQLiteFilesPrivate opens a new SQLite database under a permissive
// umask: its directory must come out 0700 and the database with its -wal
// and -shm files 0600, since they hold every citizen's records. They used
// to follow the umask: 0755 and 0644, readable by every local user.
func TestSQLiteFilesPrivate(t *testing.T) {
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := filepath.Join(t.TempDir(), "data", "ortaq")
	db := filepath.Join(dir, "ortaq.db")
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	want := map[string]fs.FileMode{dir: 0o700, db: 0o600, db + "-wal": 0o600, db + "-shm": 0o600}
	for path, mode := range want {
		fi, err := os.Stat(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if got := fi.Mode().Perm(); got != mode {
			t.Errorf("%s: mode %o; want %o", filepath.Base(path), got, mode)
		}
	}

	// An existing directory keeps the mode its operator gave it.
	shared := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(shared, 0o750); err != nil {
		t.Fatal(err)
	}
	st2, err := store.Open(ctx, "sqlite:"+filepath.Join(shared, "o.db"))
	if err != nil {
		t.Fatal(err)
	}
	st2.Close()
	if fi, err := os.Stat(shared); err != nil || fi.Mode().Perm() != 0o750 {
		t.Errorf("an existing directory's mode changed: %v %v", fi.Mode(), err)
	}
}
