package runtime

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/tracing"
)

// tracerState is the tracer provider, made by the first generation and
// kept until the process stops: tracing is fixed at start (warnFixed says
// so on a reload that changes it).
type tracerState struct {
	made     bool
	provider *tracing.Provider // nil when tracing is off
}

// newTracer is the tracer the gateway starts request spans with, nil when
// tracing is off.
func (rt *Runtime) newTracer(cfg *config.Config) (trace.Tracer, error) {
	if rt.isolated { // Options.Isolated: no spans leave the process
		return nil, nil
	}
	if !rt.tracing.made {
		p, err := tracing.New(cfg.Tracing, rt.log)
		if err != nil {
			return nil, err
		}
		rt.tracing = tracerState{made: true, provider: p}
	}
	return rt.tracing.provider.Tracer(), nil
}

// tracerShutdownTimeout bounds the export of the last spans on close.
const tracerShutdownTimeout = 5 * time.Second

// closeTracing exports the spans still batched and stops the exporter.
func (rt *Runtime) closeTracing() {
	ctx, cancel := context.WithTimeout(context.Background(), tracerShutdownTimeout)
	defer cancel()
	if err := rt.tracing.provider.Shutdown(ctx); err != nil {
		rt.log.Warn("tracing shutdown", zap.Error(err))
	}
}
