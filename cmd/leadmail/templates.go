package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/leadmail/leadmail/mail"
	"github.com/leadmail/leadmail/mail/outbox"
	"github.com/leadmail/leadmail/store"
)

func newEmailsExportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "export DIR",
		Short: "Write every email template to DIR as a Markdown file with front matter",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openApp(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer a.Close()
			es, err := a.st.ListEmails(cmd.Context(), store.EmailFilter{})
			if err != nil {
				return err
			}
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("create %s: %w", dir, err)
			}
			used := map[string]bool{}
			for _, e := range es {
				name := fileNameFor(e.Name, used)
				f := outbox.EmailFile{Name: e.Name, Subject: e.Subject, Tags: e.Tags, SmartMail: e.SmartMail, Body: e.Body}
				if err := os.WriteFile(filepath.Join(dir, name), f.Marshal(), 0o600); err != nil {
					return fmt.Errorf("write %s: %w", name, err)
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Exported %d emails to %s\n", len(es), dir)
			return nil
		},
	}
}

// fileNameFor makes a file name from an email name: letters, digits, '-'
// and '_' kept, other runs become '-', made unique case-insensitively.
func fileNameFor(name string, used map[string]bool) string {
	var b strings.Builder
	dash := false
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	base := strings.Trim(b.String(), "-")
	if base == "" {
		base = "email"
	}
	out := base + ".md"
	for i := 2; used[strings.ToLower(out)]; i++ {
		out = fmt.Sprintf("%s-%d.md", base, i)
	}
	used[strings.ToLower(out)] = true
	return out
}

func newEmailsImportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import DIR",
		Short: "Create or update (by name) email templates from DIR/*.md; all or nothing",
		Long: `import reads every *.md file in DIR (front matter: name, subject, tags,
smart_mail; then the Markdown body). A template with the same name is updated,
others are created. A file that cannot be read, or whose subject or body has
an error (reported as FILE:LINE:COLUMN), refuses the whole import: nothing is
written.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			es, err := readEmailDir(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			a, err := openApp(cmd.Context(), g)
			if err != nil {
				return err
			}
			defer a.Close()
			created, updated, err := a.st.ImportEmails(cmd.Context(), es)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Imported %d emails from %s: %d created, %d updated\n", len(es), args[0], created, updated)
			return nil
		},
	}
}

// readEmailDir parses and checks every *.md file of dir, in name order.
func readEmailDir(ctx context.Context, dir string) ([]store.Email, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		return nil, fmt.Errorf("import: %s holds no .md files", dir)
	}
	slices.Sort(paths)
	var out []store.Email
	seen := map[string]string{}
	for _, p := range paths {
		file := filepath.Base(p)
		data, err := readUserFile(ctx, p, maxTextFile)
		if err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		f, err := outbox.ParseFrontMatter(data)
		var fe *outbox.FrontMatterError
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("import refused, nothing written: %s:%d: %s", file, fe.Line, fe.Msg)
		}
		if err != nil {
			return nil, fmt.Errorf("import refused, nothing written: %s: %w", file, err)
		}
		name := strings.TrimSpace(f.Name)
		if name == "" {
			name = strings.TrimSuffix(file, filepath.Ext(file))
		}
		if prev, ok := seen[strings.ToLower(name)]; ok {
			return nil, fmt.Errorf("import refused, nothing written: %s and %s both hold the email %q", prev, file, name)
		}
		seen[strings.ToLower(name)] = file
		if strings.TrimSpace(f.Subject) == "" {
			return nil, fmt.Errorf("import refused, nothing written: %s: no subject in the front matter", file)
		}
		if _, err := mail.ParseTemplate(f.Subject); err != nil {
			return nil, fmt.Errorf("import refused, nothing written: %s: subject: %w", file, err)
		}
		if _, err := mail.ParseTemplate(f.Body); err != nil {
			var se *mail.SyntaxError
			if errors.As(err, &se) {
				return nil, fmt.Errorf("import refused, nothing written: %s:%d:%d: %s", file,
					se.Line+outbox.BodyLineOffset(data, f), se.Col, se.Msg)
			}
			return nil, fmt.Errorf("import refused, nothing written: %s: %w", file, err)
		}
		out = append(out, store.Email{Name: name, Subject: f.Subject, Body: f.Body, Tags: f.Tags, SmartMail: f.SmartMail})
	}
	return out, nil
}

type signatureJSON struct {
	Name    string `json:"name"`
	Default bool   `json:"default"`
	Body    string `json:"body"`
}

func newSignaturesCmd(g *globals) *cobra.Command {
	var asJSON bool
	list := func(cmd *cobra.Command, _ []string) error {
		a, err := openSender(cmd, g)
		if err != nil {
			return err
		}
		defer a.Close()
		ss, err := a.st.ListSignatures(cmd.Context(), a.user.ID)
		if err != nil {
			return err
		}
		out := make([]signatureJSON, len(ss))
		for i, s := range ss {
			out[i] = signatureJSON{Name: s.Name, Default: s.IsDefault, Body: s.Body}
		}
		if asJSON {
			return writeJSON(cmd.OutOrStdout(), out)
		}
		return writeTable(cmd.OutOrStdout(), []string{"NAME", "DEFAULT", "FIRST LINE"}, len(out), func(i int) []string {
			def := ""
			if out[i].Default {
				def = "yes"
			}
			first, _, _ := strings.Cut(strings.TrimSpace(out[i].Body), "\n")
			return []string{out[i].Name, def, first}
		})
	}
	cmd := &cobra.Command{
		Use:   "signatures",
		Short: "List, add and delete your signatures (appended to Smart Mail)",
		Args:  cobra.NoArgs,
		RunE:  list,
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	ls := &cobra.Command{Use: "list", Short: "List your signatures, the default first", Args: cobra.NoArgs, RunE: list}
	ls.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var file string
	var def bool
	add := &cobra.Command{
		Use:   "add NAME --file FILE [--default]",
		Short: "Add a signature from a Markdown file ({{user.*}} variables allowed)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return errors.New("--file FILE is required (the signature's Markdown)")
			}
			body, err := readUserFile(cmd.Context(), file, maxTextFile)
			if err != nil {
				return fmt.Errorf("--file: %w", err)
			}
			if _, err := mail.ParseTemplate(string(body)); err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			a, err := openSender(cmd, g)
			if err != nil {
				return err
			}
			defer a.Close()
			s := store.Signature{UserID: a.user.ID, Name: args[0], Body: string(body), IsDefault: def}
			err = a.st.CreateSignature(cmd.Context(), &s)
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("you already have a signature named %q: delete it first", args[0])
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Added signature %q\n", s.Name)
			return nil
		},
	}
	add.Flags().StringVar(&file, "file", "", "the signature's Markdown file")
	add.Flags().BoolVar(&def, "default", false, "make it your default signature")

	del := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete one of your signatures",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := openSender(cmd, g)
			if err != nil {
				return err
			}
			defer a.Close()
			ss, err := a.st.ListSignatures(cmd.Context(), a.user.ID)
			if err != nil {
				return err
			}
			for _, s := range ss {
				if strings.EqualFold(s.Name, args[0]) {
					if err := a.st.DeleteSignature(cmd.Context(), s.ID); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "Deleted signature %q\n", s.Name)
					return nil
				}
			}
			return fmt.Errorf("you have no signature named %q (list them with: leadmail signatures)", args[0])
		},
	}
	cmd.AddCommand(ls, add, del)
	return cmd
}

// openSender is openApp for commands about the configured user's own data.
func openSender(cmd *cobra.Command, g *globals) (*app, error) {
	a, err := openApp(cmd.Context(), g)
	if err != nil {
		return nil, err
	}
	if a.user.ID == 0 {
		a.Close()
		return nil, errors.New("signatures belong to you: set user.email in the config first (see config.example.yaml)")
	}
	return a, nil
}
