package authn

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

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

// TestBasicBounds: what an attacker's wrong passwords cost. A password
// over 72 bytes is refused without hashing; a wrong password is
// remembered (answered without bcrypt even when no bcrypt slot is free);
// a new one with every slot taken is ErrBusy; a client with
// max_failures_per_client failures is ErrTooManyFailures until its window
// ends (IPv6 counted per /64), while a cached success still passes.
func TestBasicBounds(t *testing.T) {
	cfg := parseConfig(t, fmt.Sprintf(`
  basic:
    max_concurrent_checks: 2
    max_failures_per_client: 3
    failure_window: 1m
    users:
      - {name: ann, password_hash: %q}
      - {name: long, password_hash: %q}
`, hash(t, "pw"), hash(t, strings.Repeat("L", 72))))
	v := NewBasicVerifier(&cfg.Security.Basic)
	clock := time.Now()
	v.now = func() time.Time { return clock }
	a, b := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2")
	check := func(c netip.Addr, user, pw string) error {
		_, err := v.VerifyFrom(c, super, []byte(user), []byte(pw))
		return err
	}
	if err := check(b, "long", strings.Repeat("L", 72)); err != nil {
		t.Fatalf("72-byte password: %v", err)
	}
	if err := check(b, "long", strings.Repeat("L", 72)+"ANYTHING"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("password over 72 bytes: %v, want invalid", err)
	}
	if err := check(a, "ann", "pw"); err != nil { // cached from now on
		t.Fatal(err)
	}
	if err := check(a, "ann", "wrong-1"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("wrong password: %v", err)
	}
	for range cap(v.sem) { // every bcrypt slot taken
		v.sem <- struct{}{}
	}
	if err := check(a, "ann", "wrong-1"); !errors.Is(err, ErrInvalid) {
		t.Errorf("remembered wrong password with no bcrypt slot free: %v, want invalid (no hashing)", err)
	}
	err := check(b, "ann", "wrong-new")
	if !errors.Is(err, ErrBusy) || RetryAfter(err) <= 0 {
		t.Errorf("new password with no bcrypt slot free: %v (retry %v), want busy with a Retry-After", err, RetryAfter(err))
	}
	for range cap(v.sem) {
		<-v.sem
	}
	_ = check(a, "ann", "wrong-2") // a's third failure
	err = check(a, "ann", "wrong-3")
	if !errors.Is(err, ErrTooManyFailures) || RetryAfter(err) <= 0 || RetryAfter(err) > time.Minute {
		t.Errorf("after 3 failures: %v (retry %v), want too many failures within the window", err, RetryAfter(err))
	}
	if err := check(a, "ann", "pw"); err != nil {
		t.Errorf("cached success of a blocked client: %v", err)
	}
	if err := check(b, "ann", "wrong-4"); !errors.Is(err, ErrInvalid) {
		t.Errorf("another client: %v, want invalid (its own count)", err)
	}
	clock = clock.Add(time.Minute)
	if err := check(a, "ann", "wrong-5"); !errors.Is(err, ErrInvalid) {
		t.Errorf("after the window: %v, want invalid (a new window)", err)
	}
	six1, six2 := netip.MustParseAddr("2001:db8:1:2::1"), netip.MustParseAddr("2001:db8:1:2:ffff::9")
	for i := range 3 {
		_ = check(six1, "ann", fmt.Sprintf("v6-%d", i))
	}
	if err := check(six2, "ann", "v6-x"); !errors.Is(err, ErrTooManyFailures) {
		t.Errorf("another address of the same IPv6 /64: %v, want too many failures", err)
	}
}
