package config

import (
	"strconv"
	"time"
)

// Lifecycle defaults.
const (
	DefaultDrainDelay  = Duration(5 * time.Second)
	DefaultGracePeriod = Duration(30 * time.Second)
)

// Lifecycle tunes the graceful stop on SIGTERM/SIGINT: /readyz turns 503,
// the gateway waits DrainDelay so load balancers stop sending, stops
// accepting, and gives in-flight requests GracePeriod to finish.
type Lifecycle struct {
	// DrainDelay may be 0s (no wait); unset, DefaultDrainDelay.
	DrainDelay  *Duration `yaml:"drain_delay"`
	GracePeriod Duration  `yaml:"grace_period"`
}

// Drain returns the drain delay (the default when unset).
func (l Lifecycle) Drain() time.Duration {
	if l.DrainDelay == nil {
		return DefaultDrainDelay.D()
	}
	return l.DrainDelay.D()
}

// Grace returns the grace period (the default when unset).
func (l Lifecycle) Grace() time.Duration {
	if l.GracePeriod <= 0 {
		return DefaultGracePeriod.D()
	}
	return l.GracePeriod.D()
}

func (l *Lifecycle) defaults() {
	if l.DrainDelay == nil {
		d := DefaultDrainDelay
		l.DrainDelay = &d
	}
	setDur(&l.GracePeriod, DefaultGracePeriod)
}

func (l Lifecycle) validate(p *problems) {
	if l.DrainDelay != nil && *l.DrainDelay < 0 {
		p.add("lifecycle.drain_delay: must not be negative")
	}
	if l.GracePeriod <= 0 {
		p.add("lifecycle.grace_period: must be positive")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
