// Command seqgate is the gateway binary: run (the default), validate, fmt,
// lint, test and version. run's wiring reads top to bottom in run.go.
package main

import (
	"fmt"
	"os"

	_ "github.com/seqgate/seqgate/mediation/mediators" // registers the built-in mediators
)

func main() {
	os.Exit(dispatch(os.Args[1:]))
}

// dispatch runs the command args name (run when the first argument is a
// flag or absent). Help goes to stdout with exit 0; usage errors to
// stderr with exit 2.
func dispatch(args []string) int {
	cmd := "run"
	if len(args) > 0 {
		switch a := args[0]; {
		case isHelp(a):
			usage(os.Stdout)
			return 0
		case a == "--version" || a == "-version":
			cmd, args = "version", args[1:]
		case a != "" && a[0] != '-':
			cmd, args = a, args[1:]
		}
	}
	switch cmd {
	case "validate", "lint", "version": // no flags of their own
		if wantsHelp(args) {
			commandUsage(os.Stdout, cmd, nil)
			return 0
		}
	}
	switch cmd {
	case "run":
		return run(args)
	case "check":
		return checkCmd(args, os.Stdout, os.Stderr)
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
	case "import":
		return importCmd(args, os.Stdout, os.Stderr)
	case "version":
		fmt.Println(versionString())
		return 0
	case "help":
		return helpCmd(args, os.Stdout, os.Stderr)
	}
	fmt.Fprintf(os.Stderr, "seqgate: unknown command %q\n\n", cmd)
	usage(os.Stderr)
	return 2
}
