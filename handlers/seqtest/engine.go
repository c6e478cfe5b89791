package seqtest

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/seqgate/seqgate/deploy"
	"github.com/seqgate/seqgate/handlers/runtime"
	_ "github.com/seqgate/seqgate/mediation/mediators" // the gateway compiles sequences with the built-in mediators
)

// Options tune a Runner.
type Options struct {
	// Timeout bounds one case's request; 0: 10s.
	Timeout time.Duration
}

// Runner runs test files. Files on the same config share one gateway (the
// config and the sequences are compiled once): their cases run one after
// the other, so throttle counters carry over from case to case.
type Runner struct {
	opts Options
	envs map[string]*env
}

// NewRunner returns a Runner; Close it when done.
func NewRunner(opts Options) *Runner {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	return &Runner{opts: opts, envs: map[string]*env{}}
}

// RunFile runs one file with a Runner of its own.
func RunFile(path string, opts Options) (FileReport, error) {
	r := NewRunner(opts)
	defer r.Close()
	return r.RunFile(path)
}

// Close stops every gateway and backend the Runner started.
func (r *Runner) Close() {
	for _, e := range r.envs {
		e.close()
	}
	r.envs = map[string]*env{}
}

// RunFile loads a test file and runs its cases. The error is for a file
// that cannot run at all (bad YAML, no config, a sequence refused); a case
// that fails is in the report.
func (r *Runner) RunFile(path string) (FileReport, error) {
	rep := FileReport{Path: path}
	f, err := Load(path)
	if err != nil {
		return rep, err
	}
	e, err := r.envFor(f)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", path, err)
	}
	for i := range f.Cases {
		rep.Cases = append(rep.Cases, e.run(&f.Cases[i]))
	}
	return rep, nil
}

// env is one running gateway with its echo backend and log capture.
type env struct {
	backend *echoBackend
	rt      *runtime.Runtime
	srv     *fasthttp.Server
	ln      net.Listener
	logs    *observer.ObservedLogs
	client  *http.Client
	base    string // http://127.0.0.1:port
}

func (r *Runner) envFor(f *File) (*env, error) {
	cfgPath, err := f.configPath()
	if err != nil {
		return nil, err
	}
	key := cfgPath
	if key == "" {
		key = "minimal:" + f.path
	}
	if e, ok := r.envs[key]; ok {
		return e, nil
	}
	e, err := startEnv(f, cfgPath, r.opts)
	if err != nil {
		return nil, err
	}
	r.envs[key] = e
	return e, nil
}

// startEnv builds the gateway exactly as `seqgate run` does (runtime.New:
// the config's APIs and the repository's API-M api files, sequences,
// endpoints), isolated (runtime.Options.Isolated: in-memory throttle
// counters, no analytics events, no tracing, no access log).
func startEnv(f *File, cfgPath string, opts Options) (*env, error) {
	b, err := startBackend()
	if err != nil {
		return nil, fmt.Errorf("echo backend: %w", err)
	}
	e := &env{backend: b, client: &http.Client{Timeout: opts.Timeout,
		Transport: &http.Transport{DisableCompression: true}}}
	if err := e.start(f, cfgPath); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

func (e *env) start(f *File, cfgPath string) error {
	cfg, err := f.loadConfig(cfgPath, e.backend.addr())
	if err != nil {
		return err
	}
	core, logs := observer.New(zapcore.DebugLevel)
	log := zap.New(core)
	e.logs = logs
	if e.rt, err = runtime.New(cfg, log, runtime.Options{Isolated: true}); err != nil {
		return err
	}
	if err := e.rt.Start(); err != nil {
		return err
	}
	if err := refusals(e.rt.Repo()); err != nil {
		return err
	}
	if e.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return err
	}
	e.base = "http://" + e.ln.Addr().String()
	e.srv = e.rt.Switch().Server(e.rt.ServerOptions())
	go func() { _ = e.srv.Serve(e.ln) }()
	return nil
}

// refusals fails a run whose sequences, endpoints or api files did not all
// deploy (or, for an api file, serve): a case would otherwise test the
// gateway without them.
func refusals(repo *deploy.Repository) error {
	for _, t := range repo.Status() {
		if t.Error != "" {
			return fmt.Errorf("tenant %s: %s", t.Domain, t.Error)
		}
		for _, fs := range [][]deploy.FileStatus{t.Files, t.EndpointFiles, t.APIFiles} {
			for _, s := range fs {
				if s.State == deploy.StateRefused {
					return fmt.Errorf("%s refused: %s", s.Path, s.Error)
				}
			}
		}
	}
	return nil
}

func (e *env) close() {
	if e.srv != nil {
		_ = e.srv.Shutdown()
	}
	if e.client != nil {
		e.client.CloseIdleConnections()
	}
	if e.rt != nil {
		e.rt.Close()
	}
	e.backend.close()
}
