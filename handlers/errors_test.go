package handlers

import (
	"encoding/json"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/seqgate/seqgate/mediation"
)

func TestWriteError(t *testing.T) {
	cases := []struct {
		name, desc string
	}{
		{"plain", "no key"},
		{"quotes and controls", "say \"hi\"\\ \n\t\x01 end"},
		{"unicode", "héllo ✓"},
		{"invalid utf8", "bad \xff byte"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mc := &mediation.MessageContext{}
			mc.Reset(&fasthttp.Request{}, &fasthttp.Response{})
			mc.Resp.SetBodyString("old body")
			WriteError(mc, 401, CodeMissingCredentials, "Missing Credentials", tc.desc)
			if mc.Resp.StatusCode() != 401 {
				t.Errorf("status %d", mc.Resp.StatusCode())
			}
			if ct := string(mc.Resp.Header.ContentType()); ct != "application/json" {
				t.Errorf("content type %q", ct)
			}
			var got struct{ Code, Message, Description string }
			if err := json.Unmarshal(mc.Resp.Body(), &got); err != nil {
				t.Fatalf("body %q is not JSON: %v", mc.Resp.Body(), err)
			}
			want := tc.desc
			if tc.name == "invalid utf8" {
				want = "bad \ufffd byte"
			}
			if got.Code != "900902" || got.Message != "Missing Credentials" || got.Description != want {
				t.Errorf("got %+v", got)
			}
			for k, v := range map[string]string{"ERROR_CODE": "900902", "ERROR_MESSAGE": "Missing Credentials", "ERROR_DETAIL": tc.desc} {
				if p, _ := mc.Props.Get(k); p != v {
					t.Errorf("%s = %q, want %q", k, p, v)
				}
			}
		})
	}
}

func BenchmarkWriteError(b *testing.B) {
	mc := &mediation.MessageContext{}
	mc.Reset(&fasthttp.Request{}, &fasthttp.Response{})
	b.ReportAllocs()
	for b.Loop() {
		WriteError(mc, 429, CodeThrottledOut, "Message throttled out", "You have exceeded your quota")
	}
}
