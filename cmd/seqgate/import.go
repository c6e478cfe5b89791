package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/seqgate/seqgate/deploy/apimimport"
)

// importCmd is `seqgate import`: API Manager projects (apictl's export,
// folder or zip, 3.x or 4.x) and OpenAPI 3 / Swagger 2 files become a
// seqgate config and repository in one folder (deploy/apimimport does the
// mapping). What was imported goes to stdout, one line per API; what could
// not be mapped to stderr, one line each with file:line. Exit 0 when at
// least one API was written, 1 when none could be, 2 on a usage error or
// an input that cannot be read at all.
func importCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("import", stdout, stderr)
	out := fs.String("o", "imported", "output folder: seqgate.yaml and its repository/ are written there")
	tenant := fs.String("tenant", "", "put every API in this tenant (a domain), whatever the projects say")
	tenantID := fs.Int("tenant-id", 1, "the -tenant's id (its repository/tenants/<id> folder)")
	provider := fs.String("provider", "admin", "provider of APIs read from a plain OpenAPI file")
	force := fs.Bool("f", false, "overwrite an existing seqgate.yaml in the output folder")
	if code, done := parseFlags(fs, args, stdout); done {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "seqgate import: want at least one project folder, .zip, or OpenAPI file")
		fs.Usage()
		return 2
	}
	if *tenantID <= 0 {
		fmt.Fprintln(stderr, "seqgate import: -tenant-id must be positive")
		return 2
	}
	if *tenant == "carbon.super" {
		*tenant = ""
	}
	res, err := apimimport.Import(fs.Args(), apimimport.Options{Tenant: strings.ToLower(*tenant), TenantID: *tenantID, Provider: *provider})
	if err != nil {
		fmt.Fprintf(stderr, "seqgate import: %v\n", err)
		return 2
	}
	for _, n := range res.Notes {
		fmt.Fprintln(stderr, n.String())
	}
	if len(res.Config.APIs) == 0 {
		fmt.Fprintln(stderr, "seqgate import: no API could be imported; nothing written")
		return 1
	}
	header := "Written by `seqgate import " + strings.Join(fs.Args(), " ") + "`.\n" +
		"oauth2 APIs trust API-M's key manager: set SEQGATE_APIM_ISSUER and SEQGATE_APIM_JWKS (or edit\n" +
		"security.jwt.issuers); apikey APIs need applications with keys (see deploy/config/README.md)."
	files, err := res.Write(*out, *force, header)
	if err != nil {
		fmt.Fprintf(stderr, "seqgate import: %v\n", err)
		return 2
	}
	for _, d := range res.Done {
		fmt.Fprintln(stdout, "imported "+d)
	}
	for _, s := range res.Sequences {
		fmt.Fprintf(stdout, "sequence %s from %s\n", s.Name, s.From)
	}
	cfg := filepath.Join(*out, apimimport.ConfigFile)
	fmt.Fprintf(stdout, "wrote %d files under %s (%d APIs, %d sequences, %d not mapped); next: seqgate check -config %s\n",
		len(files), *out, len(res.Config.APIs), len(res.Sequences), len(res.Notes), cfg)
	return 0
}
