package ratelimit

import (
	"context"
	"testing"
	"time"
)

// benchLimits is what a typical request checks: subscription and API
// level, the subscription with a burst limit.
func benchLimits() []Limit {
	return []Limit{
		lim("sub|carbon.super|PizzaAPI|1.0.0|Gold|app-1", 1<<40, time.Minute),
		lim("sub-burst|carbon.super|PizzaAPI|1.0.0|Gold|app-1", 1<<40, time.Second),
		lim("api|carbon.super|PizzaAPI|1.0.0|Platinum", 1<<40, time.Minute),
	}
}

func BenchmarkMemoryTake(b *testing.B) {
	m := NewMemory(nil)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		limits := benchLimits()
		for pb.Next() {
			if r, err := m.Take(context.Background(), limits); err != nil || !r.Allowed {
				b.Fatal(r, err)
			}
		}
	})
}

func BenchmarkMemoryTakeOneKey(b *testing.B) {
	m := NewMemory(nil)
	limits := benchLimits()[:1]
	b.ReportAllocs()
	for b.Loop() {
		if r, err := m.Take(context.Background(), limits); err != nil || !r.Allowed {
			b.Fatal(r, err)
		}
	}
}

// BenchmarkRedisTake is one round trip to a real redis-server on
// loopback per take (sequential: the latency a request waits).
func BenchmarkRedisTake(b *testing.B) {
	s, _ := newRedisStore(b)
	limits := benchLimits()
	b.ReportAllocs()
	for b.Loop() {
		if r, err := s.Take(context.Background(), limits); err != nil || !r.Allowed {
			b.Fatal(r, err)
		}
	}
}

// BenchmarkRedisTakeParallel: many requests at once share the client's
// connection pool.
func BenchmarkRedisTakeParallel(b *testing.B) {
	s, _ := newRedisStore(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		limits := benchLimits()
		for pb.Next() {
			if r, err := s.Take(context.Background(), limits); err != nil || !r.Allowed {
				b.Fatal(r, err)
			}
		}
	})
}
