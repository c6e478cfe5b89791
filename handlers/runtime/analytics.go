package runtime

import (
	"reflect"
	"sync"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers/analytics"
)

// eventsState keeps the analytics publisher across config generations: a
// publisher owns a goroutine, open files and connections, so it is rebuilt
// only when the analytics section (or usage.events) changes. live feeds
// the running gateway; next is one built for a generation not switched in
// yet (a reload whose runtime fails later leaves it, and the next reload
// reuses or closes it).
type eventsState struct {
	mu         sync.Mutex
	live, next *eventsGen
}

// eventsGen is a publisher and the config it was built from.
type eventsGen struct {
	cfg config.Analytics
	on  bool                 // usage.events
	pub *analytics.Publisher // nil when on is false
}

func (g *eventsGen) builtFrom(cfg *config.Config) bool {
	return g != nil && g.on == cfg.Usage.EventsEnabled() && reflect.DeepEqual(g.cfg, cfg.Analytics)
}

// publisher is the publisher for cfg: the live one when its section is
// unchanged, else a new one (switched in by analyticsSwitched).
func (rt *Runtime) publisher(cfg *config.Config) (*analytics.Publisher, error) {
	if rt.isolated { // Options.Isolated: no events leave the process
		return nil, nil
	}
	e := &rt.events
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.live.builtFrom(cfg):
		e.closeNext()
		return e.live.pub, nil
	case e.next.builtFrom(cfg):
		return e.next.pub, nil
	}
	e.closeNext()
	g := &eventsGen{cfg: cfg.Analytics, on: cfg.Usage.EventsEnabled()}
	if g.on {
		pub, err := analytics.FromConfig(cfg.Analytics, analytics.Deps{Log: rt.log, Redis: rt.redis, Registry: rt.reg, Dir: cfg.Dir})
		if err != nil {
			return nil, err
		}
		g.pub = pub
	}
	if e.live == nil { // the first generation: nothing to switch from
		e.live = g
	} else {
		e.next = g
	}
	return g.pub, nil
}

func (e *eventsState) closeNext() {
	if e.next != nil {
		e.next.pub.Close()
		e.next = nil
	}
}

// analyticsSwitched runs once a new gateway serves: a publisher built for
// it becomes live and the previous one is flushed and closed. Events the
// old gateway's last in-flight requests publish after that are dropped
// and counted.
func (rt *Runtime) analyticsSwitched() {
	e := &rt.events
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.next == nil {
		return
	}
	old := e.live
	e.live, e.next = e.next, nil
	rt.log.Info("analytics sinks rebuilt for the new config")
	if old != nil {
		old.pub.Close()
	}
}

// closeAnalytics flushes and stops the publishers (Close).
func (rt *Runtime) closeAnalytics() {
	e := &rt.events
	e.mu.Lock()
	defer e.mu.Unlock()
	e.closeNext()
	if e.live != nil {
		e.live.pub.Close()
		e.live = nil
	}
}
