package runtime

import (
	"errors"
	"sync"

	"github.com/seqgate/seqgate/deploy/config"
	"github.com/seqgate/seqgate/handlers"
	"github.com/seqgate/seqgate/handlers/ratelimit"
)

// throttleShared is what every config generation's throttle handler
// shares, made on first use and kept for the life of the process: the
// counters (so a reload does not reset anyone's quota) and the store's
// health (its metrics and its down/up log lines).
type throttleShared struct {
	mu     sync.Mutex
	memory *ratelimit.Memory
	redis  *ratelimit.Redis
	health *handlers.StoreHealth
}

// Throttle is a throttle handler on the process's store for cfg, outside
// any generation: the admin probe (GET /admin/throttle) reads counters
// with it, on the config being served.
func (rt *Runtime) Throttle(cfg *config.Config) (*handlers.Throttle, error) {
	store, health, err := rt.throttleStore(cfg)
	if err != nil {
		return nil, err
	}
	return handlers.NewThrottle(cfg, handlers.ThrottleOptions{Store: store, Health: health})
}

// throttleStore returns the store throttling.store names. The redis store
// uses the process's client (redis.* is read at start only), so a reload
// that switches to redis without one is refused.
func (rt *Runtime) throttleStore(cfg *config.Config) (ratelimit.Store, *handlers.StoreHealth, error) {
	sh := &rt.throttle
	sh.mu.Lock()
	defer sh.mu.Unlock()
	name := cfg.Throttling.Store
	if rt.isolated { // Options.Isolated: this process's counters only
		name = config.StoreMemory
	}
	if name == config.StoreRedis && rt.redis == nil {
		return nil, nil, errors.New("throttling.store: redis: no redis client (redis.addr is read at start only; restart to add it)")
	}
	if sh.health == nil {
		h, err := handlers.NewStoreHealth(rt.log, rt.reg)
		if err != nil {
			return nil, nil, err
		}
		sh.health = h
	}
	if name == config.StoreRedis {
		if sh.redis == nil {
			sh.redis = ratelimit.NewRedis(rt.redis, cfg.Redis.KeyPrefix, cfg.Redis.Timeout.D())
		}
		return sh.redis, sh.health, nil
	}
	if sh.memory == nil {
		sh.memory = ratelimit.NewMemory(nil)
	}
	return sh.memory, sh.health, nil
}
