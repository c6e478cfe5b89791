package explain

import (
	"fmt"
	"io"
	"strings"
)

// WriteText prints the report for a terminal: one fact per line, the
// sequences of each flow numbered in the order they run.
func (r *Report) WriteText(w io.Writer) error {
	p := &printer{w: w}
	p.line("request   %s %s (tenant %s)", r.Method, r.Path, r.Tenant)
	if a := r.API; a != nil {
		p.line("api       %s (context %s, version %s, tenant %s; %s)", a.Name, a.Context, a.Version, a.Tenant, a.From)
	}
	if r.Status != 0 {
		p.line("no match  %s", r.Reason)
		for _, f := range r.Flows {
			p.flow(f)
		}
		return p.err
	}
	methods := "any method"
	if len(r.Resource.Methods) > 0 {
		methods = strings.Join(r.Resource.Methods, ", ")
	}
	p.line("resource  %s [%s] (%s)", r.Resource.Template, methods, r.Resource.From)
	p.line("auth      %s", list(r.Auth, "none (no credential needed)"))
	p.line("scopes    %s", list(r.Scopes, "none required"))
	p.line("throttle")
	for _, l := range r.Throttle {
		switch {
		case l.Tier == "":
			p.line("  %-13s %s", l.Level, l.From)
		case l.Limit == "":
			p.line("  %-13s %s (%s)", l.Level, l.Tier, l.From)
		default:
			p.line("  %-13s %s %s (%s)", l.Level, l.Tier, l.Limit, l.From)
		}
	}
	if len(r.Chain.Classes) > 0 || r.Chain.Position == "" {
		p.line("chain     %s (from %s)", strings.Join(r.Chain.Handlers, " -> "), r.Chain.From)
		for _, c := range r.Chain.Classes {
			p.line("  %-9s %s (%s)", c.Role, c.Class, c.From)
		}
	} else {
		p.line("chain     %s (extension_handler_position %s: %s)", strings.Join(r.Chain.Handlers, " -> "), r.Chain.Position, r.Chain.From)
	}
	for _, f := range r.Flows {
		p.flow(f)
	}
	return p.err
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
	}
}

// flow prints the steps of one flow; a step that does not run is marked
// "-" and says why.
func (p *printer) flow(f Flow) {
	p.line("%s", f.Direction)
	n := 0
	for _, s := range f.Steps {
		if !s.Runs {
			p.line("  -  %s: %s", s.Sequence, s.Why)
			continue
		}
		n++
		from := s.File
		if s.Library != "" {
			from = "library " + s.Library + " (" + s.File + ")"
		}
		p.line("  %d. %s <- %s", n, s.Sequence, from)
		if s.Why != "" {
			p.line("     warning: %s", s.Why)
		}
	}
	if f.Note != "" {
		p.line("  %s", f.Note)
	}
}

func list(s []string, none string) string {
	if len(s) == 0 {
		return none
	}
	return strings.Join(s, ", ")
}
