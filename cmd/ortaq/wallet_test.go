package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/socialwallet"
)

func TestWalletCommand(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "ortaq.db")
	ctx := context.Background()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"migrate", "--db", db}, ""},
		{[]string{"wallet", "merchant", "add", "--db", db, "--bin", "100140000001", "--name", "Дүкен", "--category", "food",
			"--member", "shop", "--subsystem", "pos"}, "merchant M100140000001 (Дүкен) registered on food"},
		{[]string{"wallet", "merchant", "list", "--db", db}, "M100140000001"},
		{[]string{"wallet", "budget", "--db", db, "--programme", "asp", "--ledger", "food", "--amount", "1250.50", "--ref", "law-1"},
			"appropriated 1250.50 ₸ to asp on food"},
		{[]string{"wallet", "fund", "--db", db, "--month", "2026-03"}, "funded 2026-03: 0 households"},
		{[]string{"wallet", "expire", "--db", db}, "0 vouchers expired"},
	} {
		var out bytes.Buffer
		if err := run(ctx, c.args, &out); err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("%v printed %q, want %q", c.args, out.String(), c.want)
		}
	}
	var ue usageError
	next := socialwallet.MonthOf(time.Now().AddDate(0, 1, 0))
	for _, args := range [][]string{{"wallet"}, {"wallet", "fund", "--db", db, "--month", "2026-13"},
		{"wallet", "fund", "--db", db, "--month", next},
		{"wallet", "budget", "--db", db, "--programme", "asp", "--ledger", "food", "--amount", "1.234", "--ref", "x"}} {
		if err := run(ctx, args, &bytes.Buffer{}); !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}
