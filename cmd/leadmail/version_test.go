package main

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// --version and the version subcommand name the release, the commit, the
// Go toolchain and the SQLite engine, and touch no database.
func TestTrust22VersionFlag(t *testing.T) {
	e := emptyEnv(t)
	for _, args := range [][]string{{"--version"}, {"version"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd := newRootCmd()
			var out bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetErr(&out)
			cmd.SetArgs(append(args, "--db", e.db))
			if err := cmd.ExecuteContext(t.Context()); err != nil {
				t.Fatalf("%v: %v\n%s", args, err, out.String())
			}
			got := out.String()
			for _, want := range []*regexp.Regexp{
				regexp.MustCompile(`(?m)^leadmail \S+$`),
				regexp.MustCompile(`(?m)^commit +\S+`),
				regexp.MustCompile(`(?m)^go +` + regexp.QuoteMeta(runtime.Version()) + ` `),
				regexp.MustCompile(`(?m)^sqlite +3\.\d+\.\d+$`),
			} {
				if !want.MatchString(got) {
					t.Errorf("output lacks %s:\n%s", want, got)
				}
			}
			if _, err := os.Stat(e.db); err == nil {
				t.Errorf("%v created the database %s", args, e.db)
			}
		})
	}
}

func TestTrust22VersionJSON(t *testing.T) {
	emptyEnv(t)
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"version", "--json"})
	if err := cmd.ExecuteContext(t.Context()); err != nil {
		t.Fatal(err)
	}
	var bi buildInfo
	if err := json.Unmarshal(out.Bytes(), &bi); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if bi.Version == "" || bi.Commit == "" || bi.Go != runtime.Version() || !strings.HasPrefix(bi.SQLite, "3.") {
		t.Errorf("build info = %+v", bi)
	}
}
