package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version and commit are the release and the Git commit this binary was
// built from, set by the Makefile's build target with -ldflags "-X
// main.version=… -X main.commit=…" (the commit Go stamps itself is missing
// when VCS stamping is off). They have to be variables for the linker to
// set them; nothing assigns them at run time.
var version, commit string

// buildInfo is what `leadmail --version` reports.
type buildInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Modified bool   `json:"modified"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
	SQLite   string `json:"sqlite"`
}

// readBuildInfo gathers the version (the linker's, else the module's), the
// VCS commit Go stamped into the binary, and the SQLite engine linked in.
func readBuildInfo(ctx context.Context) (buildInfo, error) {
	bi := buildInfo{Version: version, Commit: commit, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info, ok := debug.ReadBuildInfo(); ok {
		if bi.Version == "" && info.Main.Version != "" {
			bi.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if bi.Commit == "" {
					bi.Commit = s.Value
				}
			case "vcs.modified":
				bi.Modified = s.Value == "true"
			}
		}
	}
	if bi.Version == "" {
		bi.Version = "(devel)"
	}
	if bi.Commit == "" {
		bi.Commit = "unknown"
	}
	v, err := sqliteVersion(ctx)
	if err != nil {
		return bi, err
	}
	bi.SQLite = v
	return bi, nil
}

// sqliteVersion asks the linked SQLite engine for its version, on an
// in-memory database: nothing on disk is opened.
func sqliteVersion(ctx context.Context) (string, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return "", fmt.Errorf("open sqlite: %w", err)
	}
	defer func() { _ = db.Close() }()
	var v string
	if err := db.QueryRowContext(ctx, `SELECT sqlite_version()`).Scan(&v); err != nil {
		return "", fmt.Errorf("read sqlite version: %w", err)
	}
	return v, nil
}

// printVersion writes the build information, one fact a line.
func printVersion(ctx context.Context, w io.Writer, asJSON bool) error {
	bi, err := readBuildInfo(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(w, bi)
	}
	commit := bi.Commit
	if bi.Modified {
		commit += " (with uncommitted changes)"
	}
	_, err = fmt.Fprintf(w, "leadmail %s\ncommit   %s\ngo       %s %s\nsqlite   %s\n",
		bi.Version, commit, bi.Go, bi.Platform, bi.SQLite)
	return err
}

func newVersionCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit, Go and SQLite versions (same as --version)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return printVersion(cmd.Context(), cmd.OutOrStdout(), asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
