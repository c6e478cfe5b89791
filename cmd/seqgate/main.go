// Command seqgate is the gateway binary: run (the default), validate, fmt,
// lint, test and version. run's wiring reads top to bottom in run.go.
package main

import (
	"fmt"
	"os"

	_ "github.com/seqgate/seqgate/mediation/mediators" // registers the built-in mediators
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	os.Exit(dispatch(os.Args[1:]))
}

func dispatch(args []string) int {
	cmd := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return run(args)
	case "validate":
		return validate(args)
	case "fmt":
		return formatCmd(args, os.Stdout, os.Stderr)
	case "lint":
		return lintCmd(args, os.Stdout, os.Stderr)
	case "test":
		return testCmd(args, os.Stdout, os.Stderr)
	case "explain":
		return explainCmd(args, os.Stdout, os.Stderr)
	case "version":
		fmt.Println("seqgate", version)
		return 0
	case "help":
		usage()
		return 0
	}
	fmt.Fprintf(os.Stderr, "seqgate: unknown command %q\n", cmd)
	usage()
	return 2
}

func usage() {
	fmt.Fprint(os.Stderr, `usage:
  seqgate [run] [-config file.yaml] [-workdir dir] [-log-level level]
        run the gateway; without -config, on the bundled samples
  seqgate validate <file-or-folder>
        compile every sequence and print each error as file:line: <element>: reason
  seqgate fmt [-w] [-l] [-d] <file-or-folder>...
        print sequence files in canonical form (-w rewrite, -l list, -d diff)
  seqgate lint <file-or-folder>...
        warn about suspicious constructs; exit 1 if any are found
  seqgate explain [-config file.yaml] [-json] <tenant> <METHOD> <path>
        show the API, resource, auth, throttle tiers, handler chain and the
        sequences each flow runs (with their files) for one request; tenant
        is a domain (carbon.super for the super tenant), path as the client
        sends it (/t/<domain> may be left out); without -config, the samples
  seqgate test [-junit report.xml] [-v] [path...]
        run the *.test.yaml sequence tests under each path; exit 1 if any case fails
  seqgate version
`)
}
