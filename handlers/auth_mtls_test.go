package handlers

import (
	"strings"
	"testing"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/route"
	"github.com/seqgate/seqgate/sequences"
)

// mtlsConfig has an mtls API, an apikey API with one mtls resource, and an
// application; the TLS files are not read by Parse.
const mtlsConfig = `
tls: {certificates: [{cert: s.pem, key: s.key}], client_ca: ca.pem}
applications: [{name: App1, user: alice, consumer_key: ck-1, keys: [key-1]}]
apis:
  - {provider: admin, name: Partner, version: v1, context: /partner, auth: mtls, backend: ["http://127.0.0.1:1"]}
  - provider: admin
    name: Mixed
    version: v1
    context: /mixed
    backend: ["http://127.0.0.1:1"]
    resources:
      - {uri_template: /cert/*, auth: mtls}
      - {uri_template: /*}
`

// TestAuthMTLS: an mtls resource passes only with a verified client
// certificate, whose CN becomes the user; without one it fails as a bad
// key does (401, 900901), through _auth_failure_handler_ when deployed.
func TestAuthMTLS(t *testing.T) {
	cfg, err := config.Parse([]byte(mtlsConfig))
	if err != nil {
		t.Fatal(err)
	}
	r, err := route.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{cfg: cfg, router: r}
	auth, err := NewAuth(cfg, AuthOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const h = sequences.AuthFailureHandler
	cases := []struct {
		name     string
		uri      string
		headers  []string
		verified bool
		seqs     map[string]string
		pass     bool
		status   int
		body     string // substring of the answer when refused
	}{
		{"verified certificate", "/partner/v1/a", nil, true, nil, true, 200, ""},
		{"no certificate", "/partner/v1/a", nil, false, nil, false, 401, `"code":"900901","message":"Invalid Credentials"`},
		{"a key is no certificate", "/partner/v1/a", []string{"apikey", "key-1"}, false, nil, false, 401, `"code":"900901"`},
		{"no certificate, failure handler", "/partner/v1/a", nil, false, map[string]string{h: `<h.status code="503"/>`}, false, 401, "fault:503"},
		{"mtls resource of an apikey api", "/mixed/v1/cert/x", nil, true, nil, true, 200, ""},
		{"mtls resource refuses a key", "/mixed/v1/cert/x", []string{"apikey", "key-1"}, false, nil, false, 401, `"code":"900901"`},
		{"apikey resource ignores the certificate", "/mixed/v1/other", nil, true, nil, false, 401, `"code":"900902"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ex := f.exchange(t, "GET", tc.uri, tc.headers...)
			ex.ClientCertVerified, ex.ClientCertCN = tc.verified, "partner-7"
			ex.Seqs = buildSet(t, tc.seqs)
			if got := auth.HandleRequest(ex); got != tc.pass {
				t.Fatalf("HandleRequest = %v, want %v (body %s)", got, tc.pass, ex.MC.Resp.Body())
			}
			if !tc.pass {
				if got := ex.MC.Resp.StatusCode(); got != tc.status {
					t.Errorf("status %d, want %d", got, tc.status)
				}
				if body := responseBody(ex); !strings.Contains(string(body), tc.body) {
					t.Errorf("body %q, want %q in it", body, tc.body)
				}
				return
			}
			if ex.App != nil {
				t.Errorf("App = %s, want none", ex.App.Name)
			}
			want := map[string]string{"api.ut.userId": "partner-7", "END_USER_NAME": "partner-7",
				"api.ut.consumerKey": "", "api.ut.application.name": "", "api.ut.HTTP_METHOD": "GET"}
			for k, v := range want {
				if got, ok := ex.MC.Props.Get(k); got != v || !ok {
					t.Errorf("%s = %q (set %v), want %q", k, got, ok, v)
				}
			}
		})
	}
}
