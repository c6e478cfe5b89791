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

// publishInstall stores the zip, its name and SHA-256 and clears the
// name's tombstone (a new upload is not removed by a catch-up), then
// tells the other nodes.
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
		p.HSet(ctx, m.shaKey(), name, b.SHA256)
		p.HDel(ctx, m.removedKey(), name)
		return nil
	})
	if err != nil {
		return fmt.Errorf("storing bundle %q in redis: %w", name, err)
	}
	return m.publish(ctx, message{Op: "install", Name: name, SHA256: b.SHA256, Node: m.opts.Node})
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

// reconcile catches this node up with the cluster: it removes what was
// removed while it was away (tombstones), installs every bundle of the
// set it lacks and replaces a copy whose SHA-256 differs from the
// cluster's. rollout keeps a local upload or delete from interleaving.
func (m *Manager) reconcile(ctx context.Context) {
	m.rollout.Lock()
	defer m.rollout.Unlock()
	st, err := m.readClusterState(ctx)
	if err != nil {
		if ctx.Err() == nil {
			m.log.Warn("bundle reconcile: redis", zap.Error(err))
		}
		return
	}
	m.removeTombstoned(st)
	for name := range st.names {
		in, err := m.Get(name)
		stale := err == nil && st.sha[name] != "" && st.sha[name] != in.SHA256
		if errors.Is(err, ErrNotFound) || stale {
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
