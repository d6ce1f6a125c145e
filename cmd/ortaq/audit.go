package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/store"
)

var auditCommand = command{
	name: "audit",
	summary: "Check the tamper-evident audit log. 'verify' recomputes every record's commitment, the Merkle tree " +
		"and every signed checkpoint, checks the checkpoints' signatures with the log's public key and any " +
		"trusted checkpoints kept outside the database, and lists what was edited, deleted, reordered, " +
		"inserted or rewritten. It also checks the log against the latest checkpoint the server keeps outside the " +
		"database, beside its signing key (audit.key.checkpoint), and reports a log cut back or rewritten behind " +
		"it, or a missing file. It exits with an error when it finds a problem. 'receipt FILE' checks a receipt " +
		"downloaded from the wallet or the API on its own, with only the log's public key.",
	usage: "verify [--db DSN] [--key FILE|VERIFIER-KEY] [--checkpoint FILE|none] [--trusted CHECKPOINT-FILE]...\n       ortaq audit receipt FILE --key FILE|VERIFIER-KEY",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		db := dbFlag(fs)
		key := fs.String("key", "",
			"the log's public key, trusted to sign checkpoints: a file holding a note verifier key, or the key itself "+
				"(NAME+HASH+BASE64); by default the .pub file the server writes beside its signing key "+
				"(audit.key.pub beside a SQLite database, else "+audit.DefaultKeyFile+".pub)")
		cpFile := fs.String("checkpoint", "",
			"the checkpoint file the server keeps outside the database (KEY.checkpoint beside the signing key); by default "+
				"beside the .pub file given to --key, else beside the default key; 'none' to skip it")
		var trusted fileList
		fs.Var(&trusted, "trusted", "a signed checkpoint kept outside the database (a note, or a receipt's JSON); "+
			"the log must still match it; repeatable")
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			args := fs.Args()
			if len(args) == 0 {
				return usageError{msg: "ortaq audit: no subcommand", hint: "run 'ortaq audit verify'; see 'ortaq help audit'"}
			}
			verb := args[0]
			if verb != "verify" && verb != "receipt" {
				return usageError{msg: fmt.Sprintf("ortaq audit: unknown subcommand %q", verb), hint: "run 'ortaq help audit'"}
			}
			var file string
			if verb == "receipt" {
				if len(args) < 2 || strings.HasPrefix(args[1], "-") {
					return usageError{msg: "ortaq audit receipt: no receipt file given", hint: "ortaq audit receipt FILE --key audit.key.pub"}
				}
				file, args = args[1], args[1:]
			}
			// Flags may follow the subcommand too.
			if err := fs.Parse(args[1:]); err != nil {
				if errors.Is(err, flag.ErrHelp) {
					fs.SetOutput(out)
					fmt.Fprintln(out, "usage: ortaq audit verify [--db DSN] [--key FILE|VERIFIER-KEY] [--checkpoint FILE|none] [--trusted CHECKPOINT-FILE]...\n\nflags:")
					fs.PrintDefaults()
					return errHelpShown
				}
				return usageError{msg: fmt.Sprintf("ortaq audit verify: %v", err), hint: "run 'ortaq help audit' for its flags"}
			}
			if err := noArgs("audit "+verb, fs); err != nil {
				return err
			}
			if *cpFile == "" {
				*cpFile = audit.CheckpointFile(auditKeyFile("", *db))
				if k, ok := strings.CutSuffix(*key, ".pub"); ok {
					*cpFile = audit.CheckpointFile(k)
				}
			}
			if *key == "" {
				*key = auditKeyFile("", *db) + ".pub"
			}
			if verb == "receipt" {
				return auditReceipt(out, file, *key)
			}
			if *cpFile == "none" {
				*cpFile = ""
			}
			return auditVerify(ctx, out, *db, *key, *cpFile, trusted)
		}
	},
}

// fileList collects a repeated flag's values.
type fileList []string

func (l *fileList) String() string { return strings.Join(*l, ", ") }

func (l *fileList) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// auditReceipt checks a receipt file with the log's public key alone.
func auditReceipt(out io.Writer, file, key string) error {
	v, err := loadVerifier(key)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	var r audit.Receipt
	if err := json.Unmarshal(data, &r); err != nil {
		return fmt.Errorf("receipt %s: not a receipt: %w", file, err)
	}
	if err := r.Verify(v); err != nil {
		return fmt.Errorf("receipt %s does not verify: %w", file, err)
	}
	fmt.Fprintf(out, "receipt %s verifies: record %d (%s, %s for %s, %s) is in the log of %d records under a checkpoint signed by %s\n",
		file, r.Record.Index, r.Record.Time.UTC().Format(time.RFC3339), r.Record.Member, r.Record.Service,
		r.Record.Decision, r.TreeSize, v.Name())
	return nil
}

func auditVerify(ctx context.Context, out io.Writer, dsn, key, cpFile string, trustedFiles []string) error {
	v, err := loadVerifier(key)
	if err != nil {
		return err
	}
	var trusted [][]byte
	for _, f := range trustedFiles {
		cp, err := readTrusted(f)
		if err != nil {
			return err
		}
		trusted = append(trusted, cp)
	}
	st, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	// Reads through a long SQLite write-ahead log look every page up in
	// it first, which halves Verify's speed after a busy day; copying the
	// log into the database first changes nothing but the speed.
	if err := st.Checkpoint(ctx); err != nil {
		slog.WarnContext(ctx, "audit verify: cannot checkpoint the database first", "err", err)
	}

	start := time.Now()
	extErr := checkExternal(ctx, out, st, v, cpFile)
	if extErr == nil && cpFile != "" {
		// The file's checkpoint is also checked leaf by leaf, as a trusted
		// one: the check above trusts the stored tree nodes.
		if cp, err := os.ReadFile(cpFile); err == nil {
			trusted = append(trusted, cp)
		}
	}
	var (
		bar  *progress.Bar
		seen uint64
	)
	rep, err := audit.Verify(ctx, st, v, trusted, func(done, total uint64) {
		if bar == nil {
			bar = progress.New(os.Stderr, "verify audit log", int64(total))
		}
		bar.Add(int64(done - seen))
		seen = done
	})
	bar.Finish()
	if err != nil {
		return err
	}
	root := "(cannot be computed: leaves are missing)"
	if rep.Root != nil {
		root = hex.EncodeToString(rep.Root)
	}
	fmt.Fprintf(out, "audit log %s: %d records, %d leaves, %d checkpoints, %d trusted checkpoints\n",
		st, rep.Records, rep.Leaves, rep.Checkpoints, len(trusted))
	fmt.Fprintf(out, "key %s\nroot %s\nverified in %s\n", v.Name()+"+"+fmt.Sprintf("%08x", v.KeyHash()), root,
		time.Since(start).Round(time.Millisecond))
	if rep.OK() && extErr == nil {
		fmt.Fprintln(out, "no problems found")
		return nil
	}
	if rep.OK() {
		fmt.Fprintln(out, "1 problem found:")
		fmt.Fprintf(out, "  %-13s %v\n", "checkpoint", extErr)
		return fmt.Errorf("audit log: %w", extErr)
	}
	n := uint64(len(rep.Problems)) + rep.Unlisted
	if extErr != nil {
		n++
	}
	fmt.Fprintf(out, "%d problems found:\n", n)
	if extErr != nil {
		fmt.Fprintf(out, "  %-13s %v\n", "checkpoint", extErr)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(out, "  %-13s index %d: %s\n", p.Kind, p.Index, p.Detail)
	}
	if rep.Unlisted > 0 {
		fmt.Fprintf(out, "  … and %d more\n", rep.Unlisted)
	}
	return fmt.Errorf("audit log: %d problems found (first: %s at index %d)", n, rep.Problems[0].Kind, rep.Problems[0].Index)
}

// checkExternal checks the log against the checkpoint file kept outside
// the database, printing what it found; "" skips the check.
func checkExternal(ctx context.Context, out io.Writer, st *store.Store, v note.Verifier, path string) error {
	if path == "" {
		fmt.Fprintln(out, "checkpoint file: not checked (--checkpoint none)")
		return nil
	}
	size, err := audit.CheckCheckpointFile(ctx, st, v, path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the checkpoint file %s, kept outside the database, is missing: the log cannot be checked "+
			"against it, and a log cut back to an earlier checkpoint would go unnoticed (give --checkpoint its path, "+
			"or start the server once to write it from the database)", path)
	case err != nil:
		return err
	}
	fmt.Fprintf(out, "checkpoint file %s: %d leaves, extended by the stored log\n", path, size)
	return nil
}

// loadVerifier reads the verifier key from a file, or takes key as the
// verifier key itself.
func loadVerifier(key string) (note.Verifier, error) {
	text, err := os.ReadFile(key)
	switch {
	case err == nil:
		v, err := note.NewVerifier(strings.TrimSpace(string(text)))
		if err != nil {
			return nil, fmt.Errorf("audit key %s: %w", key, err)
		}
		return v, nil
	case errors.Is(err, fs.ErrNotExist):
		if v, verr := note.NewVerifier(key); verr == nil {
			return v, nil
		}
		return nil, usageError{msg: fmt.Sprintf("ortaq audit verify: no key file %s, and it is not a verifier key", key),
			hint: "give --key the log's .pub file or its verifier key (NAME+HASH+BASE64)"}
	default:
		return nil, fmt.Errorf("audit key: %w", err)
	}
}

// readTrusted reads a signed checkpoint from a file: the note itself, or
// the JSON of a receipt, whose checkpoint it takes.
func readTrusted(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trusted checkpoint: %w", err)
	}
	if t := strings.TrimSpace(string(b)); strings.HasPrefix(t, "{") {
		var r audit.Receipt
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("trusted checkpoint %s: %w", path, err)
		}
		if r.Checkpoint == "" {
			return nil, fmt.Errorf("trusted checkpoint %s: the receipt holds no checkpoint", path)
		}
		return []byte(r.Checkpoint), nil
	}
	return b, nil
}
