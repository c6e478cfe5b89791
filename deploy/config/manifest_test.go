package config

import (
	"os"
	"testing"
)

// TestKubernetesConfig keeps the config shipped in the kustomize base valid
// (the token file it names is only read by Load, in the pod).
func TestKubernetesConfig(t *testing.T) {
	b, err := os.ReadFile("../kubernetes/base/seqgate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(b)
	if err != nil {
		t.Fatalf("deploy/kubernetes/base/seqgate.yaml: %v", err)
	}
	if c.Listen.AdminLoopback() || c.Listen.AdminTokenFile == "" {
		t.Errorf("the base must bind admin for the kubelet's probes and guard it with a token file: %+v", c.Listen)
	}
}
