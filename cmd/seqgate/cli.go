package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// command is one subcommand as the help shows it. The table is the single
// source of the top-level usage and of each command's `-h`, so a new
// command cannot be left out of either.
type command struct {
	name, args, summary string
	detail              string // printed under the usage line by `<cmd> -h`
}

var commands = []command{
	{"run", "[-config file.yaml] [-workdir dir] [-log-level level]", "run the gateway (the default command); without -config, on the bundled samples", ""},
	{"check", "-config file.yaml", "load the config and the repository exactly as run would, without listening; report every problem (exit 0 ok, 1 problems)",
		"Loads and validates the config (every problem with file:line), then the repository it names:\nevery tenant's sequences, endpoints, library, local entries and registry. Nothing listens."},
	{"validate", "<file-or-folder | home | config.yaml>", "compile every sequence and print each error as file:line: <element>: reason (a .yaml/.yml argument runs check)",
		"A folder holding repository/deployment/server/synapse-configs is loaded as a WSO2 home\n(every tenant, keys resolved). A .yaml or .yml file is a gateway config: same as check -config."},
	{"fmt", "[-w] [-l] [-d] <file-or-folder>...", "print sequence files in canonical form (-w rewrite, -l list, -d diff)", ""},
	{"lint", "<file-or-folder>...", "warn about suspicious constructs; exit 1 if any are found", ""},
	{"explain", "[-config file.yaml] [-json] <tenant> <METHOD> <path>", "show the API, resource, auth, throttling, handler chain and sequences one request goes through",
		"  <tenant>  a domain (carbon.super for the super tenant)\n  <METHOD>  the HTTP method (GET, POST...)\n  <path>    as the client sends it (/t/<domain> may be left out)\nWithout -config, explains the bundled samples."},
	{"test", "[-junit report.xml] [-v] [path...]", "run the *.test.yaml sequence tests under each path (default .); exit 1 if any case fails",
		"  path...  files or folders searched for *.test.yaml (default: the current folder)"},
	{"import", "[-o dir] [-tenant domain [-tenant-id n]] [-provider name] [-f] <project dir | project.zip | openapi.yaml | openapi.json>...", "turn API Manager projects (apictl export, 3.x/4.x) and OpenAPI 3 / Swagger 2 files into a config and repository",
		"Writes <dir>/seqgate.yaml (apis with context, version, provider, resources, auth from the\nsecurity schemes, scopes, tiers, production backend; the tiers and JWT issuers they need) and\n<dir>/repository with each API's custom sequences under its per-API name\n(<provider>--<name>:v<version>--In/Out/Fault). Prints one line per API imported (stdout) and\none per thing not mapped, with file:line (stderr). Then: seqgate check -config <dir>/seqgate.yaml.\nExit 0 when an API was written, 1 when none could be, 2 on a usage or unreadable input."},
	{"version", "", "print the version, VCS commit and build time", ""},
	{"help", "[command]", "print this help, or one command's arguments and flags", ""},
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// usage is the top-level help: one line per command.
func usage(w io.Writer) {
	fmt.Fprintln(w, "seqgate: an API gateway running Synapse-style sequences.")
	fmt.Fprintln(w, "\nUsage:\n  seqgate [command] [flags] [arguments]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nWithout a command seqgate runs the gateway (seqgate -config f.yaml is seqgate run -config f.yaml).")
	fmt.Fprintln(w, "Run `seqgate help <command>` or `seqgate <command> -h` for its arguments and flags;")
	fmt.Fprintln(w, "`seqgate --version` prints the version. Exit codes: 0 ok, 1 failure or problems found, 2 usage or config error.")
}

// commandUsage prints one command's usage line, its detail and its flags.
func commandUsage(w io.Writer, name string, fs *flag.FlagSet) {
	c := lookup(name)
	if c == nil {
		return
	}
	fmt.Fprintf(w, "usage: seqgate %s %s\n\n%s\n", c.name, c.args, c.summary)
	if c.detail != "" {
		fmt.Fprintf(w, "\n%s\n", c.detail)
	}
	if fs != nil {
		has := false
		fs.VisitAll(func(*flag.Flag) { has = true })
		if has {
			fmt.Fprintln(w, "\nFlags:")
			out := fs.Output()
			fs.SetOutput(w)
			fs.PrintDefaults()
			fs.SetOutput(out)
		}
	}
}

// isHelp reports whether a is a request for help.
func isHelp(a string) bool { return a == "-h" || a == "-help" || a == "--help" }

// wantsHelp reports whether the arguments ask for help before any
// positional argument (after one, -h may be a file name).
func wantsHelp(args []string) bool {
	for _, a := range args {
		if isHelp(a) {
			return true
		}
		if a == "--" || !strings.HasPrefix(a, "-") {
			return false
		}
	}
	return false
}

// newFlags is a FlagSet for a command whose -h prints the command's usage
// (arguments too, not only flags) on stdout.
func newFlags(name string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { commandUsage(stderr, name, fs) }
	return fs
}

// parseFlags parses args; done is true when the command must return code
// at once: 0 after -h (usage printed on stdout), 2 on a bad flag (the
// error and the usage on stderr).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (code int, done bool) {
	if wantsHelp(args) {
		commandUsage(stdout, fs.Name(), fs)
		return 0, true
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	return 0, false
}

// Set with -ldflags "-X main.version=1.2.3 -X main.commit=abc -X
// main.buildTime=2026-01-02T03:04:05Z". commit and buildTime default to
// what the Go toolchain stamped (vcs.revision, vcs.time), which it does
// only with -buildvcs (off when GOFLAGS has -buildvcs=false), else
// "unknown".
var (
	version   = "0.1.0-dev"
	commit    = ""
	buildTime = ""
)

// versionString is "seqgate <version> (commit <rev>[ dirty], built <time>, <go>)".
func versionString() string {
	rev, at, dirty := buildStamp()
	return fmt.Sprintf("seqgate %s (commit %s%s, built %s, %s %s/%s)", version, rev, dirty, at, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// buildStamp is the commit, build time and " dirty" (or "") of this
// binary: the -ldflags values, else what the toolchain stamped, else
// "unknown" (versionString, seqgate_build_info).
func buildStamp() (rev, at, dirty string) {
	rev, at = commit, buildTime
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if rev == "" {
					rev = s.Value
				}
			case "vcs.time":
				if at == "" {
					at = s.Value
				}
			case "vcs.modified":
				if s.Value == "true" && commit == "" {
					dirty = " dirty"
				}
			}
		}
	}
	if rev == "" {
		rev = "unknown"
	}
	if at == "" {
		at = "unknown"
	}
	return rev, at, dirty
}

// helpCmd is `seqgate help [command]`.
func helpCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stdout)
		return 0
	}
	if lookup(args[0]) == nil {
		fmt.Fprintf(stderr, "seqgate help: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	return dispatch([]string{args[0], "-h"})
}
