// Package tracing sets up OpenTelemetry for the gateway: a tracer provider
// exporting over OTLP/HTTP, and the helpers the gateway and the extension
// handler call for a request's server span, its W3C traceparent in and
// out, and a child span per sequence run. When tracing is off nothing of
// this runs: the callers check a nil span or tracer first.
package tracing

import (
	"context"
	"fmt"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/seqgate/seqgate/deploy/config"
)

// Scope is the instrumentation scope of seqgate's spans.
const Scope = "github.com/seqgate/seqgate"

// Provider owns the SDK tracer provider: its batch span processor and the
// OTLP exporter. It is made once at start (tracing is fixed until restart).
type Provider struct {
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
}

// New builds the provider of cfg, or nil when tracing is off. Sampling is
// ParentBased(TraceIDRatioBased(sample_ratio)): an incoming traceparent's
// sampled flag decides, the ratio decides for new traces. Export errors
// (a collector that is down) are logged on log.
func New(cfg config.Tracing, log *zap.Logger) (*Provider, error) {
	if !cfg.Enabled {
		return nil, nil
	}
	if log == nil {
		log = zap.NewNop()
	}
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(ExportURL(cfg.Endpoint)))
	if err != nil {
		return nil, fmt.Errorf("tracing: otlp exporter: %w", err)
	}
	res := resource.NewSchemaless(attribute.String("service.name", cfg.ServiceName))
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))),
	)
	tlog := log.Named("tracing")
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { tlog.Warn("tracing", zap.Error(err)) }))
	return &Provider{tp: tp, tracer: tp.Tracer(Scope)}, nil
}

// ExportURL is the traces URL of an OTLP/HTTP base URL: /v1/traces is
// appended unless the URL already ends with it (as the OTLP spec does for
// OTEL_EXPORTER_OTLP_ENDPOINT).
func ExportURL(endpoint string) string {
	if strings.HasSuffix(endpoint, "/v1/traces") {
		return endpoint
	}
	return strings.TrimSuffix(endpoint, "/") + "/v1/traces"
}

// Tracer is the tracer for request spans; nil on a nil Provider, which is
// how the gateway knows tracing is off.
func (p *Provider) Tracer() trace.Tracer {
	if p == nil {
		return nil
	}
	return p.tracer
}

// Shutdown exports what the batch processor holds and stops it; ctx
// bounds the wait. Nil-safe.
func (p *Provider) Shutdown(ctx context.Context) error {
	if p == nil {
		return nil
	}
	return p.tp.Shutdown(ctx)
}
