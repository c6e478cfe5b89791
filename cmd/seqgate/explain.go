package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/seqgate/seqgate/handlers/explain"
)

// explainCmd prints what the gateway would do with one request (see
// handlers/explain). The path is what the client sends; a tenant's path may
// leave out /t/<domain>. Without -config it explains the bundled samples,
// extracted to a temporary folder. Exit codes: 0 explained (matched or not),
// 1 config or repository error, 2 bad arguments.
func explainCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("explain", stdout, stderr)
	cfgPath := fs.String("config", "", "config file (YAML); empty explains the bundled samples")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() != 3 {
		fmt.Fprintf(stderr, "seqgate explain: want 3 arguments, got %d\n", fs.NArg())
		fs.Usage()
		return 2
	}
	if *cfgPath == "" {
		dir, err := os.MkdirTemp("", "seqgate-explain-")
		if err != nil {
			fmt.Fprintln(stderr, "seqgate explain:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		if err := extract(dir); err != nil {
			fmt.Fprintln(stderr, "seqgate explain: samples:", err)
			return 1
		}
		*cfgPath = dir + string(os.PathSeparator) + "config.yaml"
	}
	cfg, repo, err := explain.Load(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, "seqgate explain:", err)
		return 1
	}
	rep, err := explain.Explain(explain.Input{Config: cfg, ConfigFile: *cfgPath, Repo: repo}, fs.Arg(0), fs.Arg(1), fs.Arg(2))
	if err != nil {
		fmt.Fprintln(stderr, "seqgate", err)
		return 2
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "seqgate explain:", err)
		return 1
	}
	return 0
}
