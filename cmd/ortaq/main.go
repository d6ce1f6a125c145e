// Command ortaq is the national data platform in one binary: it synthesises
// test nations, ingests agency extracts into its store, and serves the console
// and the JSON API. Run "ortaq help" for the list of commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()})))
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err == nil {
		return
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(os.Stderr, "usage error: %s\n%s\n", ue.msg, ue.hint)
		os.Exit(2)
	}
	if !errors.Is(err, errHelpShown) {
		fmt.Fprintf(os.Stderr, "ortaq: %v\n", err)
		os.Exit(1)
	}
}

// logLevel reads ORTAQ_LOG (debug, info, warn, error); info by default.
func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("ORTAQ_LOG"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

// progressOut is where long commands show their progress: standard error,
// where a terminal gets redrawn bars and a pipe plain lines. Tests capture
// it.
var progressOut io.Writer = os.Stderr

// run dispatches one command line; it is main without the process around it,
// so that tests can call it.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		printCommands(stdout)
		return usageError{msg: "no command given", hint: "run 'ortaq help' for the list of commands"}
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "--help", "-help":
		if len(rest) == 0 {
			printCommands(stdout)
			return nil
		}
		c, ok := lookup(rest[0])
		if !ok {
			return usageError{msg: fmt.Sprintf("unknown command %q", rest[0]), hint: "run 'ortaq help' for the list of commands"}
		}
		fs := c.flags(stdout)
		fs.Usage()
		return nil
	}
	c, ok := lookup(name)
	if !ok {
		return usageError{msg: fmt.Sprintf("unknown command %q", name), hint: "run 'ortaq help' for the list of commands"}
	}
	return c.run(ctx, rest, stdout)
}
