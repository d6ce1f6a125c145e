package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is one subcommand. Each lives in its own file and declares its
// flags in newFlags, so that "ortaq help NAME" and parsing share one set.
type command struct {
	name    string
	summary string
	usage   string // argument synopsis after the command name
	// setup declares the flags on fs and returns the action to run once
	// they are parsed; positional arguments are in fs.Args().
	setup func(fs *flag.FlagSet) func(ctx context.Context, fs *flag.FlagSet, stdout io.Writer) error
}

// commands lists every subcommand in the order "ortaq help" shows them.
var commands = []command{
	demoCommand,
	serveCommand,
	synthCommand,
	ingestCommand,
	linkCommand,
	resolveCommand,
	qualityCommand,
	worklistCommand,
	exchangeCommand,
	caCommand,
	officialsCommand,
	evalCommand,
	benefitsCommand,
	walletCommand,
	ledgerCommand,
	auditCommand,
	migrateCommand,
	versionCommand,
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usageError is a mistake in the command line; main prints it with a hint and
// exits with status 2.
type usageError struct{ msg, hint string }

func (e usageError) Error() string { return e.msg }

// errHelpShown reports that -h was given and usage has been printed.
var errHelpShown = errors.New("help shown")

func (c command) flags(out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(out)
	c.setup(fs)
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: ortaq %s %s\n\n%s\n", c.name, c.usage, c.summary)
		if hasFlags(fs) {
			fmt.Fprintln(out, "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func (c command) run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	action := c.setup(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.flags(stdout).Usage()
			return errHelpShown
		}
		return usageError{msg: fmt.Sprintf("ortaq %s: %v", c.name, err), hint: fmt.Sprintf("run 'ortaq help %s' for its flags", c.name)}
	}
	return action(ctx, fs, stdout)
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

func printCommands(out io.Writer) {
	fmt.Fprintln(out, "ortaq: the national data platform in one binary.")
	fmt.Fprintln(out, "\nusage: ortaq COMMAND [flags]\n\ncommands:")
	w := 0
	for _, c := range commands {
		w = max(w, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(out, "  %s%s  %s\n", c.name, strings.Repeat(" ", w-len(c.name)), c.summary)
	}
	fmt.Fprintln(out, "\nrun 'ortaq help COMMAND' for a command's flags.")
}

// noArgs rejects positional arguments for commands that take none.
func noArgs(c string, fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usageError{msg: fmt.Sprintf("ortaq %s: unexpected argument %q", c, fs.Arg(0)), hint: fmt.Sprintf("run 'ortaq help %s' for its flags", c)}
	}
	return nil
}
