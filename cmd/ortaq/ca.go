package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
)

// defaultCADir is where "ortaq ca" keeps the platform CA, next to the
// default database.
const defaultCADir = "./ortaq-data/ca"

var caCommand = command{
	name:    "ca",
	summary: "Run the platform certificate authority: create it, issue members' client certificates, revoke them.",
	usage: `SUBCOMMAND [flags]

subcommands:
  init [--dir ` + defaultCADir + `] [--name "ortaq platform CA"]
      create the CA (ca.crt, and ca.key readable by its owner only); refuses to overwrite one
  issue --member M --subsystem S [--dir DIR] [--out DIR] [--days 365] [--db DSN]
      issue a client certificate, write M-S.crt and M-S.key to --out, register it and print its serial
  revoke --serial HEX [--db DSN]
      revoke a client certificate at once`,
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			return runCA(ctx, fs.Args(), out)
		}
	},
}

func runCA(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError{msg: "ortaq ca: no subcommand given", hint: "run 'ortaq help ca' for the subcommands"}
	}
	verb, args := args[0], args[1:]
	s := newSub("ca "+verb, false)
	switch verb {
	case "init":
		dir := s.fs.String("dir", defaultCADir, "directory for ca.crt and ca.key")
		name := s.fs.String("name", "ortaq platform CA", "the CA's common name")
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		ca, err := exchange.InitCA(*dir, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "CA %q created: %s (certificate, give to clients) and %s (key, keep secret)\n", *name,
			filepath.Join(*dir, exchange.CACertFile), filepath.Join(*dir, exchange.CAKeyFile))
		fmt.Fprintf(out, "valid until %s\n", ca.Cert.NotAfter.UTC().Format(time.DateOnly))
		return nil

	case "issue":
		dir := s.fs.String("dir", defaultCADir, "directory of the CA")
		outDir := s.fs.String("out", ".", "directory to write MEMBER-SUBSYSTEM.crt and .key to")
		member := s.fs.String("member", "", "member code (the certificate's O; required)")
		subsystem := s.fs.String("subsystem", "", "subsystem code (the certificate's CN; required)")
		days := s.fs.Int("days", 365, "validity in days")
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		if *member == "" || *subsystem == "" {
			return s.usage("--member and --subsystem are required")
		}
		if *days <= 0 || *days > 3650 {
			return s.usage("--days must be 1 to 3650")
		}
		ca, err := exchange.LoadCA(*dir)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%w (run 'ortaq ca init' first)", err)
			}
			return err
		}
		certPEM, keyPEM, cert, err := ca.IssueClient(*member, *subsystem, time.Duration(*days)*24*time.Hour)
		if err != nil {
			return err
		}
		base := filepath.Join(*outDir, *member+"-"+*subsystem)
		// Register first: a certificate for a subsystem that does not
		// exist must not be left lying around as if it worked.
		err = withExchange(ctx, *s.db, func(x *exchange.Exchange) error { return x.RegisterCert(ctx, cert) })
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*outDir, 0o755); err != nil {
			return fmt.Errorf("ca issue: %w", err)
		}
		if err := os.WriteFile(base+".key", keyPEM, 0o600); err != nil {
			return fmt.Errorf("ca issue: %w", err)
		}
		if err := os.WriteFile(base+".crt", certPEM, 0o644); err != nil {
			return fmt.Errorf("ca issue: %w", err)
		}
		fmt.Fprintf(out, "issued %s/%s until %s: %s.crt, %s.key\nserial %s\n", *member, *subsystem,
			cert.NotAfter.UTC().Format(time.DateOnly), base, base, cert.SerialNumber.Text(16))
		return nil

	case "revoke":
		serial := s.fs.String("serial", "", "serial of the certificate (hex, as 'ca issue' printed it; required)")
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		if *serial == "" {
			return s.usage("--serial is required")
		}
		return withExchange(ctx, *s.db, func(x *exchange.Exchange) error {
			return done(out, x.RevokeCert(ctx, *serial), "certificate %s revoked", *serial)
		})
	}
	return usageError{msg: fmt.Sprintf("ortaq ca: unknown subcommand %q", verb), hint: "run 'ortaq help ca' for the subcommands"}
}
