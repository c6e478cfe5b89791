// Package runtime is the serving side of a gateway process: it builds,
// swaps and retires config generations, and keeps what must outlive them.
// cmd/seqgate keeps flags, signals, logging, the listeners and the admin
// server; handlers/seqtest builds its gateway with it too (Options.Isolated).
//
// The name says what it holds (the running gateway and its lifetime). It
// shadows the standard library's runtime only in files that import it.
//
// A generation is everything one config decides per request, built by
// gateway.Assemble: the router, the handler chain (auth, throttle, usage,
// extension), the backends, the payload limits. It is built whole before it
// serves: a config that does not build leaves the running generation as it
// was. A new generation is made at start, on each applied reload (Apply,
// Reload) and when the repository's API-M api files change; it is published
// with one atomic store (gateway.Switch), so a request runs on one
// generation from start to end, and the previous one is retired (its
// backend clients' idle connections closed) once the new one serves.
//
// What survives a reload, and why:
//   - repository (deploy): sequences hot-deploy on their own; a reload only
//     adds tenants before the new router serves them and drops removed ones after.
//   - backend clients (endpoint.Pool): carried over when their settings are
//     unchanged, so a reload keeps backend connections.
//   - throttle store and its health: the counters live for the process, so a
//     reload does not reset anyone's quota (throttle.go).
//   - analytics publisher: owns a goroutine, files and connections; rebuilt
//     only when analytics or usage.events changes, switched when the new
//     generation serves (analytics.go).
//   - tracer provider: tracing is fixed at start (tracing.go).
//   - authn registry: JWKS fetchers and introspection caches are reused by
//     the new generation; entries no config still names are stopped (authn.go).
//   - debug hook (dry-run, X-Seqgate-Trace) and the fault log: the admin's
//     view spans generations.
//   - access log, Redis client, backend TLS, TLS certificates: fixed at start
//     (certificates reload their files on change and with the config).
//   - extension bundles: their manager follows the config the process
//     started with (bundles.go).
//   - custom sequence library use: updated on each reload, before the new
//     router serves, so an API's library copies are in place (library.go).
//
// Settings a reload cannot change (listeners, repository, redis, tracing,
// log, ...) are logged and wait for a restart (warnFixed).
package runtime
