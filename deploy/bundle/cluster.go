package bundle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// reconcileEvery is how often a node compares its bundles with the
// cluster's set: it catches up on messages lost while Redis or the node
// was away (Pub/Sub does not queue).
const reconcileEvery = 10 * time.Second

// redisTimeout bounds one rollout call; zips are up to MaxZipBytes.
const redisTimeout = 5 * time.Second

// message is what a node publishes on <prefix>bundles.
type message struct {
	Op     string `json:"op"` // install or remove
	Name   string `json:"name"`
	SHA256 string `json:"sha256,omitempty"`
	Node   string `json:"node"`
}

func (m *Manager) key(name string) string { return m.opts.Prefix + "bundle:" + name }
func (m *Manager) setKey() string         { return m.opts.Prefix + "bundles:names" }
func (m *Manager) channel() string        { return m.opts.Prefix + "bundles" }

// publishInstall stores the zip and its name, then tells the other nodes.
func (m *Manager) publishInstall(b *Bundle) error {
	if m.opts.Redis == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	name := b.Manifest.Name
	_, err := m.opts.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, m.key(name), b.Zip, 0)
		p.SAdd(ctx, m.setKey(), name)
		return nil
	})
	if err != nil {
		return fmt.Errorf("storing bundle %q in redis: %w", name, err)
	}
	return m.publish(ctx, message{Op: "install", Name: name, SHA256: b.SHA256, Node: m.opts.Node})
}

// publishRemove forgets the bundle in Redis before any node removes it,
// so that a reconcile never reinstalls it; it reports whether the cluster
// had it. Without Redis it does nothing.
func (m *Manager) publishRemove(name string) (bool, error) {
	if m.opts.Redis == nil || !plainName.MatchString(name) {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	n, err := m.opts.Redis.SRem(ctx, m.setKey(), name).Result()
	if err == nil {
		err = m.opts.Redis.Del(ctx, m.key(name)).Err()
	}
	if err != nil {
		return false, fmt.Errorf("removing bundle %q from redis: %w", name, err)
	}
	return n > 0, m.publish(ctx, message{Op: "remove", Name: name, Node: m.opts.Node})
}

func (m *Manager) publish(ctx context.Context, msg message) error {
	data, _ := json.Marshal(msg)
	if err := m.opts.Redis.Publish(ctx, m.channel(), data).Err(); err != nil {
		return fmt.Errorf("publishing bundle %s %q: %w", msg.Op, msg.Name, err)
	}
	return nil
}

// follow subscribes to the cluster's channel and applies what other nodes
// publish; it reconciles at start, on every (re)subscription and every
// reconcileEvery, until stop is closed.
func (m *Manager) follow() {
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-m.stop; cancel() }()
	sub := m.opts.Redis.Subscribe(ctx, m.channel())
	defer sub.Close()
	ch := sub.Channel(redis.WithChannelSize(64))
	tick := time.NewTicker(reconcileEvery)
	defer tick.Stop()
	m.reconcile(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			m.reconcile(ctx)
		case msg, ok := <-ch:
			if !ok {
				return
			}
			m.apply(ctx, msg.Payload)
		}
	}
}

// apply installs or removes locally what another node published. The
// node that published it finds it already done: a no-op.
func (m *Manager) apply(ctx context.Context, payload string) {
	var msg message
	if err := json.Unmarshal([]byte(payload), &msg); err != nil || !plainName.MatchString(msg.Name) {
		m.log.Warn("bundle message ignored", zap.String("payload", payload))
		return
	}
	switch msg.Op {
	case "install":
		m.fetch(ctx, msg.Name)
	case "remove":
		if _, err := m.remove(msg.Name); err != nil && !errors.Is(err, ErrNotFound) {
			m.log.Error("bundle removal from the cluster failed", zap.String("bundle", msg.Name), zap.Error(err))
		}
	}
}

// reconcile installs every bundle of the cluster's set this node lacks.
func (m *Manager) reconcile(ctx context.Context) {
	names, err := m.opts.Redis.SMembers(ctx, m.setKey()).Result()
	if err != nil {
		if ctx.Err() == nil {
			m.log.Warn("bundle reconcile: redis", zap.Error(err))
		}
		return
	}
	for _, name := range names {
		if _, err := m.Get(name); errors.Is(err, ErrNotFound) {
			m.fetch(ctx, name)
		}
	}
}

// fetch installs the cluster's copy of a bundle here, with the same
// validation as an upload. A local copy with other content is replaced.
func (m *Manager) fetch(ctx context.Context, name string) {
	data, err := m.opts.Redis.Get(ctx, m.key(name)).Bytes()
	if err != nil {
		if !errors.Is(err, redis.Nil) && ctx.Err() == nil {
			m.log.Error("bundle fetch from redis failed", zap.String("bundle", name), zap.Error(err))
		}
		return
	}
	b, err := Read(data, m.opts.Limits)
	if err != nil {
		m.log.Error("bundle from the cluster refused", zap.String("bundle", name), zap.Error(err))
		return
	}
	if in, err := m.Get(name); err == nil {
		if in.SHA256 == b.SHA256 {
			return
		}
		_, _ = m.remove(name)
	}
	if _, err := m.install(b, "cluster"); err != nil && !errors.Is(err, ErrExists) {
		m.log.Error("bundle from the cluster not installed", zap.String("bundle", name), zap.Error(err))
	}
}
