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

	"github.com/KimMachineGun/automemlimit/memlimit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()})))
	limitMemory()
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

// memoryShare is the share of the machine's memory (or of its container's
// limit) that ortaq's garbage collector keeps the process within. A full
// quality or resolve run holds a nation in memory, and Go lets the heap
// grow to twice what is live before it collects: at a million people
// that was 17.6 GiB for 7.8 GiB live. A ministry's one server also runs
// the database and the web server, so ortaq keeps to half: the collector
// works harder near the limit instead of taking the rest. A run whose live
// heap nears the limit is slower for it (docs/benchmarks.md, "Golden
// records on disk"); AUTOMEMLIMIT=off gives it the whole machine.
const memoryShare = 0.5

// limitMemory sets the Go runtime's soft memory limit to memoryShare of
// the memory available, unless GOMEMLIMIT sets one or AUTOMEMLIMIT another
// share ("off" for none).
func limitMemory() {
	limit, err := memlimit.Set(memlimit.WithRatio(memoryShare),
		memlimit.WithProvider(memlimit.ApplyFallback(memlimit.FromCgroup, memlimit.FromSystem)))
	if err != nil {
		slog.Warn("no memory limit set", "error", err)
		return
	}
	slog.Debug("memory limit", "bytes", limit)
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
