package ratelimit

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis keeps counters in a Redis server shared by every node. One Lua
// script (take.lua) checks and counts all of a request's keys, so the
// all-or-nothing rule holds across nodes too; windows expire by Redis's
// clock (PEXPIRE/PTTL), so node clocks never matter. The script is run by
// EVALSHA, falling back to EVAL when the server does not know it (after a
// restart), as go-redis's Script does. Every call is bounded by timeout.
// Keys of one Take may live in different hash slots: Redis Cluster is not
// supported (one server or a primary with replicas is).
type Redis struct {
	c       redis.Scripter
	prefix  string
	timeout time.Duration
}

//go:embed take.lua
var takeSource string

var (
	takeScript = redis.NewScript(takeSource)
	peekScript = redis.NewScript(`return {tonumber(redis.call('GET', KEYS[1]) or 0), redis.call('PTTL', KEYS[1])}`)
)

// NewRedis returns a store on c whose keys are prefix + Limit.Key; each
// call waits at most timeout.
func NewRedis(c redis.Scripter, prefix string, timeout time.Duration) *Redis {
	return &Redis{c: c, prefix: prefix, timeout: timeout}
}

// Take implements Store.
func (r *Redis) Take(ctx context.Context, limits []Limit) (Result, error) {
	if len(limits) == 0 {
		return noLimits, nil
	}
	if len(limits) > MaxLimits {
		return Result{}, ErrTooManyLimits
	}
	keys := make([]string, len(limits))
	args := make([]any, 0, 2*len(limits))
	for i := range limits {
		keys[i] = r.prefix + string(limits[i].Key)
		args = append(args, limits[i].Max, windowMS(limits[i].Window))
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	v, err := takeScript.Run(ctx, r.c, keys, args...).Int64Slice()
	if err != nil {
		return Result{}, fmt.Errorf("ratelimit: redis: %w", err)
	}
	if len(v) != 4 || v[1] < 1 || int(v[1]) > len(limits) {
		return Result{}, fmt.Errorf("ratelimit: redis: unexpected script answer %v", v)
	}
	return Result{Allowed: v[0] == 1, Index: int(v[1] - 1), Remaining: v[2], Reset: time.Duration(v[3]) * time.Millisecond}, nil
}

// Peek implements Store.
func (r *Redis) Peek(ctx context.Context, key string) (Count, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	v, err := peekScript.Run(ctx, r.c, []string{r.prefix + key}).Int64Slice()
	if err != nil {
		return Count{}, fmt.Errorf("ratelimit: redis: %w", err)
	}
	if len(v) != 2 || v[0] == 0 || v[1] < 0 {
		return Count{}, nil
	}
	return Count{Count: v[0], Reset: time.Duration(v[1]) * time.Millisecond}, nil
}

// windowMS is d in whole milliseconds, rounded up (PEXPIRE 0 would delete
// the key at once).
func windowMS(d time.Duration) int64 {
	return max(1, int64((d+time.Millisecond-1)/time.Millisecond))
}
