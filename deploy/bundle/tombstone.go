package bundle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// tombstoneTTL is how long a removal is remembered for nodes that were
// away: long enough for a node down over a weekend, short enough that the
// hash of tombstones stays small. A node down longer keeps the bundle.
const tombstoneTTL = 7 * 24 * time.Hour

// tombstone records that a bundle was removed from the cluster: the
// SHA-256 of the removed copy, so that only that very copy is caught up
// on, never a later upload under the same name.
type tombstone struct {
	SHA256 string `json:"sha256"`
	At     int64  `json:"at"` // unix seconds
}

func (m *Manager) removedKey() string { return m.opts.Prefix + "bundles:removed" }
func (m *Manager) shaKey() string     { return m.opts.Prefix + "bundles:sha256" }

// publishRemove forgets the bundle in Redis before any node removes it,
// so that a reconcile never reinstalls it, and leaves a tombstone for the
// nodes that miss the message; it reports whether the cluster had it.
// Without Redis it does nothing.
func (m *Manager) publishRemove(name string) (bool, error) {
	if m.opts.Redis == nil || !plainName.MatchString(name) {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	var removed int64
	var err error
	for range 3 { // an upload of the same name in between: read again
		if removed, err = m.forget(ctx, name); !errors.Is(err, redis.TxFailedErr) {
			break
		}
	}
	if err != nil {
		return false, fmt.Errorf("removing bundle %q from redis: %w", name, err)
	}
	m.pruneTombstones(ctx)
	return removed > 0, m.publish(ctx, message{Op: "remove", Name: name, Node: m.opts.Node})
}

// forget deletes the bundle's name, zip and SHA-256 and writes its
// tombstone in one transaction, watching the zip so that the tombstone
// names the copy that was actually removed.
func (m *Manager) forget(ctx context.Context, name string) (int64, error) {
	var srem *redis.IntCmd
	err := m.opts.Redis.Watch(ctx, func(tx *redis.Tx) error {
		sha, err := m.removedSHA(ctx, tx, name)
		if err != nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			srem = p.SRem(ctx, m.setKey(), name)
			p.Del(ctx, m.key(name))
			p.HDel(ctx, m.shaKey(), name)
			if sha != "" {
				ts, _ := json.Marshal(tombstone{SHA256: sha, At: time.Now().Unix()})
				p.HSet(ctx, m.removedKey(), name, ts)
			}
			return nil
		})
		return err
	}, m.key(name))
	if err != nil {
		return 0, err
	}
	return srem.Val(), nil
}

// removedSHA is the SHA-256 of the cluster's copy, or of this node's copy
// when Redis has none (installed while Redis was away); "" when neither.
func (m *Manager) removedSHA(ctx context.Context, tx *redis.Tx, name string) (string, error) {
	data, err := tx.Get(ctx, m.key(name)).Bytes()
	if err == nil {
		sum := sha256.Sum256(data)
		return hex.EncodeToString(sum[:]), nil
	}
	if !errors.Is(err, redis.Nil) {
		return "", err
	}
	if in, err := m.Get(name); err == nil {
		return in.SHA256, nil
	}
	return "", nil
}

// pruneTombstones drops tombstones older than tombstoneTTL (and any that
// do not parse). Best effort: the node that writes one prunes, so the
// hash is bounded without a background job.
func (m *Manager) pruneTombstones(ctx context.Context) {
	all, err := m.opts.Redis.HGetAll(ctx, m.removedKey()).Result()
	if err != nil {
		m.log.Warn("bundle tombstones not pruned", zap.Error(err))
		return
	}
	old := time.Now().Add(-tombstoneTTL).Unix()
	var stale []string
	for name, v := range all {
		var ts tombstone
		if json.Unmarshal([]byte(v), &ts) != nil || ts.At < old {
			stale = append(stale, name)
		}
	}
	if len(stale) > 0 {
		if err := m.opts.Redis.HDel(ctx, m.removedKey(), stale...).Err(); err != nil {
			m.log.Warn("bundle tombstones not pruned", zap.Error(err))
		}
	}
}

// clusterState is what a catch-up compares this node with, read in one
// transaction: the names set, each name's SHA-256 and the tombstones.
type clusterState struct {
	names   map[string]bool
	sha     map[string]string
	removed map[string]tombstone
}

func (m *Manager) readClusterState(ctx context.Context) (*clusterState, error) {
	var names *redis.StringSliceCmd
	var sha, removed *redis.MapStringStringCmd
	_, err := m.opts.Redis.TxPipelined(ctx, func(p redis.Pipeliner) error {
		names = p.SMembers(ctx, m.setKey())
		sha = p.HGetAll(ctx, m.shaKey())
		removed = p.HGetAll(ctx, m.removedKey())
		return nil
	})
	if err != nil {
		return nil, err
	}
	st := &clusterState{names: map[string]bool{}, sha: sha.Val(), removed: map[string]tombstone{}}
	for _, n := range names.Val() {
		st.names[n] = true
	}
	for n, v := range removed.Val() {
		var ts tombstone
		if json.Unmarshal([]byte(v), &ts) == nil {
			st.removed[n] = ts
		}
	}
	return st, nil
}

// removeTombstoned removes every local bundle the cluster removed while
// this node was away: a tombstone with the local copy's SHA-256 and the
// name not in the set again. An empty Redis has no tombstones, so it
// removes nothing.
func (m *Manager) removeTombstoned(st *clusterState) {
	infos, err := m.List()
	if err != nil {
		m.log.Warn("bundle catch-up: listing installed bundles", zap.Error(err))
		return
	}
	for _, in := range infos {
		name := in.Manifest.Name
		ts, ok := st.removed[name]
		if !ok || ts.SHA256 != in.SHA256 || st.names[name] {
			continue
		}
		if _, err := m.remove(name); err != nil {
			if !errors.Is(err, ErrNotFound) { // not found: a node sharing the folder was first
				m.log.Error("bundle removal caught up failed", zap.String("bundle", name), zap.Error(err))
			}
			continue
		}
		m.log.Info("bundle removed by the cluster while this node was away", zap.String("bundle", name),
			zap.Time("removed_at", time.Unix(ts.At, 0).UTC()))
	}
}
