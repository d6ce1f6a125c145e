package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/officials"
)

// stdin is where commands read secrets given on standard input; tests
// replace it.
var stdin io.Reader = os.Stdin

// totpIssuer names the platform in officials' authenticator apps.
const totpIssuer = "ortaq"

var officialsCommand = command{
	name:    "officials",
	summary: "Manage officials' local accounts: add, disable, reset, list.",
	usage: `SUBCOMMAND [flags]

subcommands:
  add --login L --name N [--agency A] --role ROLE[,ROLE] [--password-stdin] [--db DSN]
      add a local account; prints its TOTP secret and otpauth:// URI, and the
      generated password unless --password-stdin reads one (at least 12 characters)
  disable LOGIN [--db DSN]
      disable an official and end their sessions
  reset LOGIN [--password-stdin] [--db DSN]
      give a new password and TOTP secret, unlock, end sessions
  list [--json] [--db DSN]
      list officials: login, name, agency, roles, via, disabled, locked
  code LOGIN [--db DSN]
      print the official's current TOTP code, read from the database: a
      convenience for the demo and tests, which have no authenticator app

roles: admin, data_officer, auditor, analyst, social_worker, policy_officer
(data officers, social workers and policy officers need --agency).`,
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			return runOfficials(ctx, fs.Args(), out)
		}
	},
}

// withOfficials opens the store and runs fn with its officials' directory.
func withOfficials(ctx context.Context, dsn string, fn func(d *officials.Directory) error) error {
	st, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(officials.New(st, officials.Options{}))
}

// readPassword reads one line from stdin: the password, without its line
// ending.
func readPassword() (string, error) {
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("read password: standard input is empty")
	}
	return line, nil
}

// parseRoles reads a comma-separated list of roles.
func parseRoles(s string) ([]access.Role, error) {
	var roles []access.Role
	for _, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !access.Role(r).Valid() {
			return nil, fmt.Errorf("unknown role %q (roles: %v)", r, access.Roles)
		}
		roles = append(roles, access.Role(r))
	}
	return roles, nil
}

func runOfficials(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError{msg: "ortaq officials: no subcommand given", hint: "run 'ortaq help officials' for the subcommands"}
	}
	verb, args := args[0], args[1:]
	s := newSub("officials "+verb, verb == "list")
	switch verb {
	case "add":
		login := s.fs.String("login", "", "the official's login (required)")
		name := s.fs.String("name", "", "the official's full name (required)")
		agency := s.fs.String("agency", "", "the official's agency code, e.g. mlsp (data officers and social workers)")
		role := s.fs.String("role", "", "roles, comma-separated (required)")
		fromStdin := s.fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		if *login == "" || *name == "" || *role == "" {
			return s.usage("--login, --name and --role are required")
		}
		roles, err := parseRoles(*role)
		if err != nil {
			return s.usage("%v", err)
		}
		password, generated, err := newPassword(*fromStdin)
		if err != nil {
			return err
		}
		o := officials.Official{Login: *login, Name: *name, Agency: *agency, Roles: roles}
		return withOfficials(ctx, *s.db, func(d *officials.Directory) error {
			secret, err := d.Add(ctx, o, password)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "official %s added\n", o.Login)
			printCredentials(out, o, password, generated, secret)
			return nil
		})

	case "disable":
		pos, err := s.parse(args, 1, "LOGIN")
		if err != nil {
			return err
		}
		return withOfficials(ctx, *s.db, func(d *officials.Directory) error {
			return done(out, d.Disable(ctx, pos[0]), "official %s disabled; their sessions ended", pos[0])
		})

	case "reset":
		fromStdin := s.fs.Bool("password-stdin", false, "read the new password from standard input instead of generating one")
		pos, err := s.parse(args, 1, "LOGIN")
		if err != nil {
			return err
		}
		password, generated, err := newPassword(*fromStdin)
		if err != nil {
			return err
		}
		return withOfficials(ctx, *s.db, func(d *officials.Directory) error {
			secret, err := d.Reset(ctx, pos[0], password)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "official %s reset: unlocked, sessions ended\n", pos[0])
			printCredentials(out, officials.Official{Login: pos[0]}, password, generated, secret)
			return nil
		})

	case "list":
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		return withOfficials(ctx, *s.db, func(d *officials.Directory) error {
			all, err := d.List(ctx)
			if err != nil {
				return err
			}
			return printOfficials(out, all, *s.json, time.Now())
		})

	case "code":
		pos, err := s.parse(args, 1, "LOGIN")
		if err != nil {
			return err
		}
		return withOfficials(ctx, *s.db, func(d *officials.Directory) error {
			secret, err := d.TOTPSecret(ctx, pos[0])
			if err != nil {
				return err
			}
			code, err := officials.Code(secret, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintln(out, code)
			return nil
		})
	}
	return usageError{msg: fmt.Sprintf("ortaq officials: unknown subcommand %q", verb), hint: "run 'ortaq help officials' for the subcommands"}
}

// newPassword reads the password from stdin, or generates one.
func newPassword(fromStdin bool) (password string, generated bool, err error) {
	if !fromStdin {
		return officials.GeneratePassword(), true, nil
	}
	password, err = readPassword()
	return password, false, err
}

// printCredentials shows what the official needs to sign in, once.
func printCredentials(out io.Writer, o officials.Official, password string, generated bool, secret string) {
	if generated {
		fmt.Fprintf(out, "password:    %s  (shown once: give it to the official)\n", password)
	}
	fmt.Fprintf(out, "TOTP secret: %s\n", secret)
	fmt.Fprintf(out, "TOTP URI:    %s\n", officials.OTPAuthURI(totpIssuer, o, secret))
}

// printOfficials lists officials as a table or as JSON.
func printOfficials(out io.Writer, all []officials.Official, asJSON bool, now time.Time) error {
	if asJSON {
		type row struct {
			Login       string        `json:"login"`
			Name        string        `json:"name"`
			ID          int64         `json:"id"`
			Agency      string        `json:"agency"`
			Roles       []access.Role `json:"roles"`
			Via         string        `json:"via"`
			Disabled    bool          `json:"disabled"`
			LockedUntil *time.Time    `json:"locked_until,omitempty"`
		}
		rows := make([]row, 0, len(all))
		for _, o := range all {
			r := row{ID: o.ID, Login: o.Login, Name: o.Name, Agency: o.Agency, Roles: o.Roles, Via: o.Via, Disabled: o.Disabled}
			if now.Before(o.LockedUntil) {
				r.LockedUntil = &o.LockedUntil
			}
			rows = append(rows, r)
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	// ID is what the audit log names an official by.
	fmt.Fprintln(tw, "ID\tLOGIN\tNAME\tAGENCY\tROLES\tVIA\tDISABLED\tLOCKED")
	for _, o := range all {
		roles := make([]string, len(o.Roles))
		for i, r := range o.Roles {
			roles[i] = string(r)
		}
		disabled, locked := "-", "-"
		if o.Disabled {
			disabled = "yes"
		}
		if now.Before(o.LockedUntil) {
			locked = "until " + o.LockedUntil.UTC().Format("2006-01-02 15:04Z")
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", o.ID, o.Login, o.Name, orDash(o.Agency), strings.Join(roles, ","), o.Via,
			disabled, locked)
	}
	return tw.Flush()
}
