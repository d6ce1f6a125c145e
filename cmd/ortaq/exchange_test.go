package main

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// mustCLI runs a command line that must succeed and returns its output.
func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, err := runCLI(t, args...)
	if err != nil {
		t.Fatalf("ortaq %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func TestExchangeCommand(t *testing.T) {
	for name, db := range map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "ortaq.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	} {
		t.Run(name, func(t *testing.T) {
			testExchangeCommand(t, db(t))
		})
	}
}

func testExchangeCommand(t *testing.T, db string) {
	mustCLI(t, "exchange", "member", "add", "akimat", "--db", db, "--title", "Akimat of Almaty", "--title-kk", "Алматы әкімдігі", "--rate", "20")
	mustCLI(t, "exchange", "subsystem", "add", "akimat", "housing", "--db", db)
	mustCLI(t, "exchange", "member", "add", "moj", "--db", db, "--title", "Ministry of Justice")
	mustCLI(t, "exchange", "service", "add", "person-basic", "--db", db, "--member", "moj", "--kind", "person",
		"--fields", "last_name,first_name,birth_date,address")
	mustCLI(t, "exchange", "purpose", "add", "housing-queue", "--db", db, "--title", "Housing queue", "--title-ru", "Очередь на жильё")
	mustCLI(t, "exchange", "basis", "add", "housing-law-art-67", "--db", db, "--law", "Law on Housing Relations",
		"--article", "art. 67", "--purposes", "housing-queue", "--services", "person-basic", "--fields", "last_name,first_name,address",
		"--retention-days", "365")
	mustCLI(t, "exchange", "grant", "akimat/housing", "person-basic", "housing-queue", "--db", db)

	var members []exchange.Member
	if err := json.Unmarshal([]byte(mustCLI(t, "exchange", "members", "--json", "--db", db)), &members); err != nil {
		t.Fatal(err)
	}
	if len(members) != 2 || members[0].Code != "akimat" || members[0].RateLimit != 20 || members[0].Title["kk"] != "Алматы әкімдігі" ||
		len(members[0].Subsystems) != 1 {
		t.Fatalf("members %+v", members)
	}
	for what, want := range map[string]string{
		"services": "person-basic", "purposes": "Housing queue", "bases": "housing-law-art-67", "rights": "akimat/housing",
	} {
		if out := mustCLI(t, "exchange", what, "--db", db); !strings.Contains(out, want) {
			t.Errorf("exchange %s does not list %s:\n%s", what, want, out)
		}
	}

	out := mustCLI(t, "exchange", "key", "create", "--db", db, "--member", "akimat", "--subsystem", "housing", "--scopes", "exchange,audit")
	token := regexp.MustCompile(`ortaq_[0-9a-f]{16}_[0-9a-f]{64}`).FindString(out)
	id := regexp.MustCompile(`key ([0-9a-f]{16})`).FindStringSubmatch(out)
	if token == "" || id == nil {
		t.Fatalf("key create printed no token:\n%s", out)
	}
	mustCLI(t, "exchange", "key", "revoke", id[1], "--db", db)

	mustCLI(t, "exchange", "revoke", "akimat/housing", "person-basic", "housing-queue", "--db", db)
	if out := mustCLI(t, "exchange", "rights", "--db", db); strings.Contains(out, "akimat/housing") {
		t.Fatalf("right still listed after revoke:\n%s", out)
	}
	mustCLI(t, "exchange", "basis", "delete", "housing-law-art-67", "--db", db)
	mustCLI(t, "exchange", "subsystem", "delete", "akimat", "housing", "--db", db)
	mustCLI(t, "exchange", "member", "delete", "akimat", "--db", db)
	mustCLI(t, "exchange", "service", "delete", "person-basic", "--db", db)

	out = mustCLI(t, "exchange", "seed", "--db", db)
	if !strings.Contains(out, "7 members") {
		t.Fatalf("seed: %s", out)
	}
	mustCLI(t, "exchange", "seed", "--db", db)

	// Refusals come back as errors naming the problem.
	_, err := runCLI(t, "exchange", "grant", "nope/x", "person-basic", "tax-audit", "--db", db)
	var ref *exchange.Refusal
	if !errors.As(err, &ref) || ref.Code != exchange.CodeNotFound || !strings.Contains(ref.Detail, "nope") {
		t.Fatalf("grant to an unknown member: %v", err)
	}
	_, err = runCLI(t, "exchange", "basis", "add", "b", "--db", db, "--law", "L", "--article", "1", "--purposes", "tax-audit", "--fields", "Bad Field")
	if !errors.As(err, &ref) || ref.Code != exchange.CodeBadRequest || !strings.Contains(ref.Detail, "Bad Field") {
		t.Fatalf("basis with a bad field: %v", err)
	}
}

func TestExchangeCommandUsage(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "ortaq.db")
	for _, args := range [][]string{
		{"exchange"},
		{"exchange", "frobnicate"},
		{"exchange", "member", "add"},
		{"exchange", "member", "add", "a", "b"},
		{"exchange", "members", "extra"},
		{"exchange", "service", "add", "s", "--member", "moj"},
		{"exchange", "grant", "moj", "s", "p", "--db", db},
		{"exchange", "key", "create", "--db", db},
		{"exchange", "member", "add", "x", "--rate", "many"},
		{"ca"},
		{"ca", "frobnicate"},
		{"ca", "issue", "--member", "moj"},
		{"ca", "revoke"},
	} {
		_, err := runCLI(t, args...)
		var ue usageError
		if !errors.As(err, &ue) || ue.hint == "" {
			t.Errorf("ortaq %s: %v, want a usage error with a hint", strings.Join(args, " "), err)
		}
	}
	if out := mustCLI(t, "help", "exchange"); !strings.Contains(out, "key create") {
		t.Errorf("help exchange:\n%s", out)
	}
}
