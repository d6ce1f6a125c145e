package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOf(t *testing.T) {
	const rev = "9c6a82b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7"
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-buildmode", Value: "exe"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: "2026-12-06T19:50:13Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	tests := []struct {
		name     string
		main     string
		settings []debug.BuildSetting
		want     string
	}{
		{"built with -buildvcs=false", "(devel)", []debug.BuildSetting{{Key: "-buildvcs", Value: "false"}}, "devel"},
		{"clean commit, old toolchain", "(devel)", vcs("false"), "9c6a82b1c2d3 2026-12-06T19:50:13Z"},
		{"dirty tree", "(devel)", vcs("true"), "9c6a82b1c2d3+dirty 2026-12-06T19:50:13Z"},
		{"pseudo-version", "v0.0.0-20261206195013-9c6a82b1c2d3", vcs("false"), "9c6a82b1c2d3 2026-12-06T19:50:13Z"},
		{"pseudo-version, dirty", "v0.0.0-20261206195013-9c6a82b1c2d3+dirty", vcs("true"), "9c6a82b1c2d3+dirty 2026-12-06T19:50:13Z"},
		{"release tag", "v0.3.0", vcs("false"), "v0.3.0 2026-12-06T19:50:13Z"},
		{"go install of a tag", "v0.3.0", nil, "v0.3.0"},
	}
	for _, tt := range tests {
		info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/ortaq/ortaq", Version: tt.main}, Settings: tt.settings}
		if got := versionOf(info); got != tt.want {
			t.Errorf("%s: versionOf = %q; want %q", tt.name, got, tt.want)
		}
	}
}

// TestVersionCommand checks 'ortaq version' names the toolchain and, for
// a test binary (which Go does not stamp), says how to get a stamped one.
func TestVersionCommand(t *testing.T) {
	out, err := runCLI(t, "version")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "ortaq "+version()+" (go") {
		t.Errorf("version output %q", out)
	}
	if version() == unstamped && !strings.Contains(out, "-buildvcs=true") {
		t.Errorf("unstamped version output gives no hint: %q", out)
	}
}
