package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

var versionCommand = command{
	name:    "version",
	summary: "Print the version of this binary.",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		return func(_ context.Context, fs *flag.FlagSet, out io.Writer) error {
			if err := noArgs("version", fs); err != nil {
				return err
			}
			fmt.Fprintf(out, "ortaq %s\n", version())
			return nil
		}
	},
}

// version reports the module version, or the VCS revision for a local build.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "+dirty"
	}
	return "devel " + rev
}
