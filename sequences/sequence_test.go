package sequences

import (
	"errors"
	"strings"
	"testing"
)

func TestSequenceMediate(t *testing.T) {
	set := mustSet(t,
		`<sequence name="ok"><t.mark name="ran" value="ok"/></sequence>`,
		`<sequence name="fails" onError="handler"><t.mark name="before" value="1"/><t.fail/><t.mark name="after" value="1"/></sequence>`,
		`<sequence name="handler"><t.mark name="handled" value="yes"/></sequence>`,
		`<sequence name="coded" onError="handler"><t.fail code="101503"/></sequence>`,
		`<sequence name="unhandled"><t.fail/></sequence>`,
		`<sequence name="missing-handler" onError="nope"><t.fail/></sequence>`,
		`<sequence name="outer" onError="handler"><t.call key="unhandled"/></sequence>`,
	)
	tests := []struct {
		name     string
		seq      string
		wantCont bool
		wantErr  string
		props    map[string]string // "" value: must be unset
	}{
		{"plain", "ok", true, "", map[string]string{"ran": "ok", "ERROR_CODE": ""}},
		{"onError handles", "fails", true, "", map[string]string{
			"before": "1", "after": "", "handled": "yes",
			"ERROR_CODE": "0", "ERROR_MESSAGE": "t.fail failed", "ERROR_DETAIL": "t.fail failed"}},
		{"code carried by the error", "coded", true, "", map[string]string{
			"ERROR_CODE": "101503", "ERROR_MESSAGE": "backend failed", "ERROR_DETAIL": "backend failed\nsecond line"}},
		{"no onError returns the error", "unhandled", false, `sequence "unhandled": t.fail failed`, map[string]string{"ERROR_CODE": "0"}},
		{"onError not deployed", "missing-handler", false, `sequence "missing-handler": t.fail failed`, map[string]string{"ERROR_CODE": "0"}},
		{"inner error caught by outer onError", "outer", true, "", map[string]string{"handled": "yes", "ERROR_MESSAGE": "t.fail failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mc := newMC(set)
			cont, err := set.Sequence(tt.seq).Mediate(mc)
			if cont != tt.wantCont || errString(err) != tt.wantErr {
				t.Fatalf("Mediate = (%v, %v), want (%v, %q)", cont, err, tt.wantCont, tt.wantErr)
			}
			for k, want := range tt.props {
				if got, _ := mc.Props.Get(k); got != want {
					t.Errorf("property %s = %q, want %q", k, got, want)
				}
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestSequenceKeepsFirstErrorCode(t *testing.T) {
	set := mustSet(t, `<sequence name="s"><t.fail/></sequence>`)
	mc := newMC(set)
	mc.Props.Set("ERROR_CODE", "900901")
	if _, err := set.Sequence("s").Mediate(mc); err == nil {
		t.Fatal("want error")
	}
	if got, _ := mc.Props.Get("ERROR_CODE"); got != "900901" {
		t.Errorf("ERROR_CODE = %q, want the code already set", got)
	}
	if _, set := mc.Props.Get("ERROR_MESSAGE"); set {
		t.Error("ERROR_MESSAGE overwritten although a code was set")
	}
}

// A dynamic key that names its own sequence recurses at run time; the
// depth guard stops it with an error instead of a stack overflow.
func TestSequenceDynamicRecursionGuarded(t *testing.T) {
	set := mustSet(t, `<sequence name="loop"><t.mark name="next" value="loop"/><t.dyn prop="next"/></sequence>`)
	mc := newMC(set)
	_, err := set.Sequence("loop").Mediate(mc)
	if !errors.Is(err, ErrTooDeep) {
		t.Fatalf("err = %v, want ErrTooDeep", err)
	}
	if !strings.HasPrefix(err.Error(), `sequence "loop": `) {
		t.Errorf("err = %q", err)
	}
	// The guard unwinds: the context is usable again afterwards.
	ok := mustSet(t, `<sequence name="ok"><t.mark name="x" value="1"/></sequence>`)
	if cont, err := ok.Sequence("ok").Mediate(mc); !cont || err != nil {
		t.Errorf("after unwinding: (%v, %v)", cont, err)
	}
}
