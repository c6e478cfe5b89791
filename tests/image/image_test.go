// Package image builds the container image from deploy/docker/Dockerfile
// with podman and checks what it holds and how it runs.
//
// No registry is reachable where CI runs, so golang:1.26 cannot be pulled:
// the test runs deploy/docker/rootfs.sh (the script the Dockerfile's build
// stage runs) on the host, imports its output as the builder image
// (BUILDER build argument) and builds the rest of the Dockerfile as it is.
// `podman run` needs setrlimit, which the sandbox refuses, so the image's
// filesystem is exported and its binary run with chroot as uid 65532: the
// same files, the same user, no container runtime.
package image

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seqgate/seqgate/tests/testbin"
)

// maxImageBytes bounds the image: a static binary and a CA bundle. Today
// it is ~40 MB; a base image slipping in (hundreds of MB) fails here.
const maxImageBytes = 80 << 20

// podman runs podman on the test's own storage (vfs: no fuse-overlayfs or
// kernel overlay needed), so parallel runs and the machine's images never
// mix.
type podman struct {
	t    *testing.T
	args []string
}

func (p podman) run(args ...string) string {
	p.t.Helper()
	cmd := exec.Command("podman", append(append([]string{}, p.args...), args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		p.t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, testbin.Tail(string(out), 4000))
	}
	return string(out)
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "deploy/docker/Dockerfile")); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestImage(t *testing.T) {
	if _, err := exec.LookPath("podman"); err != nil {
		t.Skip("SKIPPED LOUDLY: podman is not installed, so the container image is not built or checked here " +
			"(apt-get install podman; .ci/run installs it)")
	}
	root := repoRoot(t)
	tmp := t.TempDir()
	pm := podman{t: t, args: []string{"--root", filepath.Join(tmp, "storage"), "--runroot", filepath.Join(tmp, "run"),
		"--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "none"}}
	t.Cleanup(func() {
		// vfs layers are plain directories owned by the image's users:
		// podman removes them, t.TempDir's RemoveAll may not.
		_ = exec.Command("podman", append(pm.args, "system", "reset", "--force")...).Run()
	})

	// The builder image: rootfs.sh's /out tree, as the build stage makes it.
	pre := filepath.Join(tmp, "pre")
	build := exec.Command("sh", "deploy/docker/rootfs.sh", filepath.Join(pre, "out"))
	build.Dir = root
	build.Env = append(os.Environ(), "VERSION=9.8.7-image", "COMMIT=0123abc", "BUILD_TIME=2026-12-05T00:00:00Z")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("rootfs.sh: %v\n%s", err, out)
	}
	tarball := filepath.Join(tmp, "pre.tar")
	if out, err := exec.Command("tar", "-C", pre, "-cf", tarball, "out").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	pm.run("import", tarball, "localhost/seqgate-files:test")

	// The Dockerfile as it is; the context is empty because only the
	// skipped build stage reads it.
	ctx := filepath.Join(tmp, "context")
	if err := os.Mkdir(ctx, 0o755); err != nil {
		t.Fatal(err)
	}
	pm.run("build", "--pull=never", "-f", filepath.Join(root, "deploy/docker/Dockerfile"),
		"--build-arg", "BUILDER=localhost/seqgate-files:test", "-t", "localhost/seqgate:test", ctx)

	var info []struct {
		Size   int64
		Config struct {
			User         string
			Entrypoint   []string
			Cmd          []string
			ExposedPorts map[string]struct{}
			WorkingDir   string
		}
	}
	if err := json.Unmarshal([]byte(pm.run("image", "inspect", "localhost/seqgate:test")), &info); err != nil || len(info) != 1 {
		t.Fatalf("image inspect: %v (%d images)", err, len(info))
	}
	img := info[0]
	t.Logf("image: %.1f MB, user %q, entrypoint %q, cmd %q, ports %v", float64(img.Size)/(1<<20),
		img.Config.User, img.Config.Entrypoint, img.Config.Cmd, img.Config.ExposedPorts)
	if img.Config.User != "65532:65532" {
		t.Errorf("user %q, want 65532:65532 (never root)", img.Config.User)
	}
	if strings.Join(img.Config.Entrypoint, " ") != "/usr/local/bin/seqgate" {
		t.Errorf("entrypoint %q", img.Config.Entrypoint)
	}
	if strings.Join(img.Config.Cmd, " ") != "run -workdir /home/nonroot/seqgate-samples" {
		t.Errorf("cmd %q", img.Config.Cmd)
	}
	if _, ok := img.Config.ExposedPorts["8280/tcp"]; !ok || len(img.Config.ExposedPorts) != 1 {
		t.Errorf("exposed ports %v, want only 8280/tcp (the admin listener stays on loopback)", img.Config.ExposedPorts)
	}
	if img.Size <= 0 || img.Size > maxImageBytes {
		t.Errorf("image size %d bytes, want (0, %d]", img.Size, maxImageBytes)
	}

	// The image's filesystem, exported.
	id := strings.TrimSpace(pm.run("create", "localhost/seqgate:test"))
	exported := filepath.Join(tmp, "image.tar")
	pm.run("export", "-o", exported, id)
	pm.run("rm", id)
	fs := filepath.Join(tmp, "fs")
	if err := os.Mkdir(fs, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("tar", "--same-owner", "-xpf", exported, "-C", fs).CombinedOutput(); err != nil {
		t.Fatalf("tar -x: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("rm", "-rf", fs).Run() })
	checkFiles(t, fs)

	if os.Geteuid() != 0 {
		t.Skip("SKIPPED LOUDLY: not root, so the image's binary is not run with chroot --userspec=65532:65532 " +
			"(CI runs as root)")
	}
	runImage(t, fs)
}

// checkFiles: the whole image is the binary, the CA bundle, passwd/group
// naming 65532 and a home only that user can write.
func checkFiles(t *testing.T, fs string) {
	t.Helper()
	var files []string
	_ = filepath.Walk(fs, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(fs, p)
			files = append(files, rel)
		}
		return nil
	})
	want := map[string]bool{"usr/local/bin/seqgate": true, "etc/ssl/certs/ca-certificates.crt": true,
		"etc/passwd": true, "etc/group": true}
	for _, f := range files {
		if !want[f] {
			t.Errorf("unexpected file in the image: /%s", f)
		}
		delete(want, f)
	}
	for f := range want {
		t.Errorf("missing from the image: /%s", f)
	}
	passwd, _ := os.ReadFile(filepath.Join(fs, "etc/passwd"))
	if !strings.Contains(string(passwd), "nonroot:x:65532:65532:") {
		t.Errorf("/etc/passwd has no nonroot user 65532:\n%s", passwd)
	}
	if uid := owner(t, filepath.Join(fs, "home/nonroot")); uid != 65532 {
		t.Errorf("/home/nonroot owned by uid %d, want 65532", uid)
	}
	if uid := owner(t, filepath.Join(fs, "usr/local/bin/seqgate")); uid != 0 {
		t.Errorf("the binary is owned by uid %d: the runtime user must not be able to replace it", uid)
	}
}

// runImage runs the image's binary as uid 65532 in its own filesystem:
// --version carries the build's stamps, and `run` serves /healthz and real
// traffic to a backend on the host's loopback.
func runImage(t *testing.T, fs string) {
	if _, err := exec.LookPath("chroot"); err != nil {
		t.Fatal("chroot is not on PATH (coreutils)")
	}
	chroot := func(args ...string) *exec.Cmd {
		return exec.Command("chroot", append([]string{"--userspec=65532:65532", fs, "/usr/local/bin/seqgate"}, args...)...)
	}
	out, err := chroot("--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "9.8.7-image") || !strings.Contains(string(out), "0123abc") {
		t.Fatalf("seqgate --version in the image: %v\n%s", err, out)
	}

	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "backend saw %s %s", r.Method, r.URL.Path)
	}))
	defer backend.Close()
	home := filepath.Join(fs, "home/nonroot")
	seqDir := filepath.Join(home, "repo/repository/deployment/server/synapse-configs/default/sequences")
	if err := os.MkdirAll(seqDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("chown", "-R", "65532:65532", filepath.Join(home, "repo")).Run(); err != nil {
		t.Fatal(err)
	}
	var p *testbin.Proc
	var httpAddr string
	for attempt := 0; attempt < 5 && p == nil; attempt++ {
		httpAddr = testbin.FreePort(t)
		adminAddr := testbin.FreePort(t)
		cfg := fmt.Sprintf(`listen:
  http: %q
  admin: %q
repository: /home/nonroot/repo
lifecycle: { drain_delay: 0s }   # stop at once on SIGTERM
apis:
  - provider: admin
    name: Echo
    version: 1.0.0
    context: /echo
    auth: none
    backend: [%q]
`, httpAddr, adminAddr, backend.URL)
		if err := os.WriteFile(filepath.Join(home, "seqgate.yaml"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		var ok bool
		p, ok = testbin.Launch(t, "chroot", adminAddr, "--userspec=65532:65532", fs,
			"/usr/local/bin/seqgate", "run", "-config", "/home/nonroot/seqgate.yaml")
		if !ok {
			p = nil
			continue
		}
		r, err := http.Get("http://" + adminAddr + "/healthz")
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("/healthz: %v %v", err, r)
		}
		r.Body.Close()
	}
	if p == nil {
		t.Fatal("no free ports in 5 attempts")
	}
	if uid := procUID(t, p.Cmd.Process.Pid); uid != 65532 {
		t.Errorf("the gateway runs as uid %d, want 65532", uid)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	r, err := client.Get("http://" + httpAddr + "/echo/1.0.0/hello")
	if err != nil {
		t.Fatalf("request through the image's gateway: %v\n%s", err, p.Stderr.String())
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || string(body) != "backend saw GET /hello" {
		t.Errorf("through the gateway: %d %q\n%s", r.StatusCode, body, testbin.Tail(p.Stderr.String(), 2000))
	}
}

// procUID reads the real uid of a running process (the Uid line of
// /proc/PID/status). chroot execs the gateway in place, so its pid is the
// gateway's.
func procUID(t *testing.T, pid int) int {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "Uid:" {
			uid, _ := strconv.Atoi(f[1])
			return uid
		}
	}
	t.Fatalf("no Uid line in /proc/%d/status", pid)
	return -1
}

// owner is the uid owning path.
func owner(t *testing.T, path string) int {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		t.Fatalf("no owner for %s", path)
	}
	return int(st.Uid)
}
