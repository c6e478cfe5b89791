package authn

import (
	"errors"
	"fmt"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func hash(t testing.TB, pw string) string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

// TestBasic: the right password of a user of the tenant passes (and is
// cached); a wrong one, an unknown user or another tenant's user fails.
func TestBasic(t *testing.T) {
	cfg := parseConfig(t, fmt.Sprintf(`
  basic:
    users:
      - {name: ann, password_hash: %q, scopes: [read, write]}
      - {name: ann, password_hash: %q, tenant: abc.com}
`, hash(t, "pw-super"), hash(t, "pw-abc")))
	v := NewBasicVerifier(&cfg.Security.Basic)
	cases := []struct {
		name, tenant, user, pw string
		ok                     bool
	}{
		{"right password", super, "ann", "pw-super", true},
		{"tenant user", "abc.com", "ann", "pw-abc", true},
		{"wrong password", super, "ann", "pw-abc", false},
		{"other tenant's password", "abc.com", "ann", "pw-super", false},
		{"unknown user", super, "bob", "pw-super", false},
		{"empty password", super, "ann", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := v.Verify(tc.tenant, []byte(tc.user), []byte(tc.pw))
			if !tc.ok {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("err = %v, want invalid", err)
				}
				return
			}
			if err != nil || id.User != tc.user || id.Tenant != tc.tenant {
				t.Fatalf("%+v %v", id, err)
			}
		})
	}
	if n := v.cache.Len(); n != 2 {
		t.Errorf("cached successes = %d, want 2 (failures are not cached)", n)
	}
	id, _ := v.Verify(super, []byte("ann"), []byte("pw-super"))
	if id == nil || id.ScopeList != "read write" {
		t.Errorf("cached identity %+v", id)
	}
}

func bcryptHash(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	return string(h), err
}
