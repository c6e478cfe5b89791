package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/seqgate/seqgate/deploy/config"
)

// newRedis builds the Redis client every part of a node shares (throttle
// counters, the analytics stream sink), or nil when redis.addr is empty.
// It is made once at start: go-redis reconnects by itself when the server
// goes away and comes back, so nothing has to rebuild it; a changed
// redis section waits for a restart (warnFixed says so).
func newRedis(c config.Redis, dir string) (*redis.Client, error) {
	if c.Addr == "" {
		return nil, nil
	}
	pw := c.Password
	if c.PasswordFile != "" {
		path := c.PasswordFile
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("redis.password_file: %w", err)
		}
		pw = strings.TrimSpace(string(b))
	}
	t := c.Timeout.D()
	return redis.NewClient(&redis.Options{
		Addr: c.Addr, Username: c.Username, Password: pw, DB: c.DB,
		DialTimeout: t, ReadTimeout: t, WriteTimeout: t,
		// One retry at most: a request must not wait long for a store that
		// is down (throttling.on_store_error decides what happens then).
		MaxRetries: 1, ContextTimeoutEnabled: true,
		// A refused dial is final: go-redis would otherwise redial 5 times
		// 100 ms apart, so every request during an outage waited the whole
		// timeout before on_store_error applied.
		DialerRetries: 1,
	}), nil
}
