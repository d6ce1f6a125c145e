package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"golang.org/x/mod/module"
)

var versionCommand = command{
	name:    "version",
	summary: "Print the version of this binary: its release tag or commit, and the commit's time.",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		return func(_ context.Context, fs *flag.FlagSet, out io.Writer) error {
			if err := noArgs("version", fs); err != nil {
				return err
			}
			v := version()
			fmt.Fprintf(out, "ortaq %s (%s %s/%s)\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			if v == unstamped {
				fmt.Fprintln(out, "this binary does not record the commit it was built from: build it in a git clone "+
					"with 'go build -buildvcs=true -o ortaq ./cmd/ortaq' (Go records no commit under -buildvcs=false, "+
					"nor in a linked git worktree)")
			}
			return nil
		}
	},
}

// unstamped is the version of a build that carries neither a release tag
// nor VCS information: built with -buildvcs=false, outside a clone, or in
// a linked git worktree, whose .git file Go does not recognise
// (golang/go#58218).
const unstamped = "devel"

// version is what /api/v1/health, the pages' footers and 'ortaq version'
// show: see versionOf.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return unstamped
	}
	return versionOf(info)
}

// versionOf names a build by what Go stamped into it: the release tag, or
// else the commit (12 hex digits, "+dirty" when the tree had uncommitted
// changes), followed by the commit's time in UTC. A pseudo-version, which
// Go makes for an untagged commit, is replaced by the plainer commit.
func versionOf(info *debug.BuildInfo) string {
	var rev, at string
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	name := info.Main.Version
	if name == "(devel)" || module.IsPseudoVersion(name) {
		name = ""
	}
	if name == "" && rev != "" {
		name = rev[:min(len(rev), 12)]
		if dirty {
			name += "+dirty"
		}
	}
	switch {
	case name == "":
		return unstamped
	case at == "":
		return name
	default:
		return name + " " + at
	}
}
