package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/ledgerlog"
	"github.com/ortaq/ortaq/internal/store"
)

var ledgerCommand = command{
	name: "ledger",
	summary: "Check the Social Wallet's ledger. 'verify' recomputes every account's sums from its transfers, checks " +
		"that debits equal credits on every ledger, that no account is overdrawn unless it is a funding one, that no " +
		"transfer crosses ledgers, that every credit is traceable to its cause, that every committed batch's " +
		"transfers and fates still make its digest, that each digest matches its record in the audit log, and the " +
		"audit log itself. It lists every discrepancy and exits with an error when it finds one.",
	usage: "verify [--db DSN] [--key FILE|VERIFIER-KEY|none]",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		db := dbFlag(fs)
		key := fs.String("key", "", "the audit log's public key (a .pub file or the verifier key itself); by default "+
			"the .pub file beside the server's signing key (audit.key.pub beside a SQLite database, else "+
			audit.DefaultKeyFile+".pub); 'none' skips the audit log's own check")
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			args := fs.Args()
			if len(args) == 0 {
				return usageError{msg: "ortaq ledger: no subcommand", hint: "run 'ortaq ledger verify'; see 'ortaq help ledger'"}
			}
			verb := args[0]
			// Flags may follow the subcommand too.
			if err := fs.Parse(args[1:]); err != nil {
				if errors.Is(err, flag.ErrHelp) {
					fs.SetOutput(out)
					fmt.Fprintf(out, "usage: ortaq ledger %s\n\nflags:\n", verb)
					fs.PrintDefaults()
					return errHelpShown
				}
				return usageError{msg: fmt.Sprintf("ortaq ledger %s: %v", verb, err), hint: "run 'ortaq help ledger' for its flags"}
			}
			if err := noArgs("ledger "+verb, fs); err != nil {
				return err
			}
			switch verb {
			case "verify":
				if *key == "" {
					*key = auditKeyFile("", *db) + ".pub"
				}
				return ledgerVerify(ctx, out, *db, *key)
			default:
				return usageError{msg: fmt.Sprintf("ortaq ledger: unknown subcommand %q", verb), hint: "run 'ortaq help ledger'"}
			}
		}
	},
}

// ledgerVerify prints the ledger's summary and every discrepancy, and
// fails when there is one.
func ledgerVerify(ctx context.Context, out io.Writer, dsn, key string) error {
	st, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	totals, err := st.LedgerTotals(ctx)
	if err != nil {
		return err
	}
	ds, err := st.VerifyLedger(ctx)
	if err != nil {
		return err
	}
	rep, err := ledgerlog.Verify(ctx, st)
	if err != nil {
		return err
	}
	ds = append(ds, rep.Discrepancies...)
	fmt.Fprintf(out, "ledger %s: %d accounts, %d transfers, %d batches\n", st, totals.Accounts, totals.Transfers, totals.Batches)
	for _, l := range totals.Ledgers {
		fmt.Fprintf(out, "  %-15s %6d accounts  posted %s  pending %s\n", l.Ledger, l.Accounts, tenge(l.DebitsPosted), tenge(l.DebitsPending))
	}
	fmt.Fprintf(out, "transfer log: %d of %d batches in the audit log", rep.Logged, rep.Batches)
	if rep.Unlogged > 0 {
		fmt.Fprintf(out, ", %d committed since the last logged one (the server logs them when it runs)", rep.Unlogged)
	}
	fmt.Fprintln(out)
	problems := len(ds)
	auditNote, auditProblems, unlisted, err := verifyAuditLog(ctx, st, key)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, auditNote)
	problems += len(auditProblems) + int(unlisted)
	if problems == 0 {
		fmt.Fprintln(out, "no discrepancies found")
		return nil
	}
	fmt.Fprintf(out, "%d discrepancies found:\n", problems)
	for _, d := range ds {
		fmt.Fprintf(out, "  %s\n", d)
	}
	for _, p := range auditProblems {
		fmt.Fprintf(out, "  audit log %s index %d: %s\n", p.Kind, p.Index, p.Detail)
	}
	if unlisted > 0 {
		fmt.Fprintf(out, "  … and %d more in the audit log (ortaq audit verify)\n", unlisted)
	}
	return fmt.Errorf("ledger: %d discrepancies found", problems)
}

// verifyAuditLog runs the audit log's own verification with the key, and
// says what it found: a note, the problems listed and how many more were
// found. Without a key file an empty audit log is not checked, and one
// that holds records is an error.
func verifyAuditLog(ctx context.Context, st *store.Store, key string) (string, []audit.Problem, uint64, error) {
	if key == "none" {
		return "audit log: not checked (--key none)", nil, 0, nil
	}
	v, err := loadVerifier(key)
	if err != nil {
		var ue usageError
		if _, statErr := os.Stat(key); !errors.As(err, &ue) || !errors.Is(statErr, fs.ErrNotExist) {
			return "", nil, 0, err
		}
		state, serr := st.AuditState(ctx)
		if serr != nil {
			return "", nil, 0, serr
		}
		if state.Size == 0 {
			return "audit log: empty, not checked (no key " + key + ")", nil, 0, nil
		}
		return "", nil, 0, err
	}
	rep, err := audit.Verify(ctx, st, v, nil, nil)
	if err != nil {
		return "", nil, 0, err
	}
	return fmt.Sprintf("audit log: %d records verified against key %s", rep.Records, v.Name()), rep.Problems, rep.Unlisted, nil
}

// tenge writes tiyn as tenge with two decimals.
func tenge(tiyn int64) string {
	sign := ""
	if tiyn < 0 {
		sign, tiyn = "-", -tiyn
	}
	s := fmt.Sprintf("%d", tiyn/100)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s%s.%02d ₸", sign, b.String(), tiyn%100)
}
