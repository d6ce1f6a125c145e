package main

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

func TestOfficialsCommand(t *testing.T) {
	for name, db := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "ortaq.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	} {
		t.Run(name, func(t *testing.T) {
			testOfficialsCommand(t, db(t))
		})
	}
}

// withStdin gives the CLI standard input for one call.
func withStdin(t *testing.T, in string) {
	t.Helper()
	old := stdin
	stdin = strings.NewReader(in)
	t.Cleanup(func() { stdin = old })
}

func testOfficialsCommand(t *testing.T, db string) {
	ctx := context.Background()
	printed := mustCLI(t, "officials", "add", "--login", "mlsp.officer", "--name", "Айгүл Сейітова", "--agency", "mlsp",
		"--role", "data_officer,social_worker", "--db", db)
	password := regexp.MustCompile(`password:\s+(\S+)`).FindStringSubmatch(printed)
	secret := regexp.MustCompile(`TOTP secret:\s+([A-Z2-7]+)`).FindStringSubmatch(printed)
	if password == nil || secret == nil || !strings.Contains(printed, "otpauth://totp/ortaq:mlsp.officer?") {
		t.Fatalf("add printed:\n%s", printed)
	}

	withStdin(t, "a password from stdin\n")
	printed = mustCLI(t, "officials", "add", "--login", "auditor", "--name", "Auditor", "--role", "auditor",
		"--password-stdin", "--db", db)
	if strings.Contains(printed, "password:") || !strings.Contains(printed, "TOTP secret:") {
		t.Errorf("add with --password-stdin printed:\n%s", printed)
	}

	for _, bad := range [][]string{
		{"officials", "add", "--login", "x", "--name", "X", "--role", "root", "--db", db},
		{"officials", "add", "--login", "x", "--role", "auditor", "--db", db},
		{"officials", "frobnicate"},
		{"officials"},
		{"officials", "disable", "--db", db},
	} {
		_, err := runCLI(t, bad...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(ue.hint, "ortaq help officials") {
			t.Errorf("ortaq %s: %v; want a usage error pointing at 'ortaq help officials'", strings.Join(bad, " "), err)
		}
	}
	if _, err := runCLI(t, "officials", "add", "--login", "auditor", "--name", "A", "--role", "auditor", "--db", db); !errors.Is(err, officials.ErrExists) {
		t.Errorf("second add: %v; want ErrExists", err)
	}
	if _, err := runCLI(t, "officials", "add", "--login", "kgd.officer", "--name", "K", "--role", "data_officer", "--db", db); !errors.Is(err, officials.ErrInvalid) {
		t.Errorf("data officer without agency: %v; want ErrInvalid", err)
	}
	withStdin(t, "short\n")
	if _, err := runCLI(t, "officials", "add", "--login", "x", "--name", "X", "--role", "analyst", "--password-stdin", "--db", db); !errors.Is(err, officials.ErrInvalid) {
		t.Errorf("short password: %v; want ErrInvalid", err)
	}

	// The code command prints what signs the official in.
	code := strings.TrimSpace(mustCLI(t, "officials", "code", "mlsp.officer", "--db", db))
	if !regexp.MustCompile(`^\d{6}$`).MatchString(code) {
		t.Fatalf("code printed %q", code)
	}
	signIn := func(login, pw, code string) error {
		st, err := store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		_, err = officials.New(st, officials.Options{}).SignIn(ctx, login, pw, code)
		return err
	}
	if err := signIn("mlsp.officer", password[1], code); err != nil {
		t.Fatalf("sign in with the printed password and code: %v", err)
	}

	list := mustCLI(t, "officials", "list", "--db", db)
	for _, want := range []string{"LOGIN", "LOCKED", "mlsp.officer", "data_officer,social_worker", "Айгүл Сейітова", "auditor"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	if js := mustCLI(t, "officials", "list", "--json", "--db", db); !strings.Contains(js, `"login": "mlsp.officer"`) {
		t.Errorf("list --json:\n%s", js)
	}

	mustCLI(t, "officials", "disable", "mlsp.officer", "--db", db)
	if list := mustCLI(t, "officials", "list", "--db", db); !regexp.MustCompile(`mlsp\.officer .* yes`).MatchString(list) {
		t.Errorf("disabled official not shown so:\n%s", list)
	}
	if _, err := runCLI(t, "officials", "disable", "nobody", "--db", db); !errors.Is(err, officials.ErrNotFound) {
		t.Errorf("disable nobody: %v", err)
	}

	printed = mustCLI(t, "officials", "reset", "auditor", "--db", db)
	newSecret := regexp.MustCompile(`TOTP secret:\s+([A-Z2-7]+)`).FindStringSubmatch(printed)
	newPassword := regexp.MustCompile(`password:\s+(\S+)`).FindStringSubmatch(printed)
	if newSecret == nil || newPassword == nil {
		t.Fatalf("reset printed:\n%s", printed)
	}
	code = strings.TrimSpace(mustCLI(t, "officials", "code", "auditor", "--db", db))
	if err := signIn("auditor", newPassword[1], code); err != nil {
		t.Errorf("sign in after reset: %v", err)
	}
	if _, err := runCLI(t, "officials", "code", "nobody", "--db", db); !errors.Is(err, officials.ErrNotFound) {
		t.Errorf("code of nobody: %v", err)
	}
}
