package mediation

// Props is a small property map for one scope of one request. It is a slice
// of pairs rather than a Go map: a request holds a few dozen properties at
// most, a linear scan over them is faster than hashing, and Reset keeps the
// backing array, so a pooled MessageContext sets properties without
// allocating.
type Props struct {
	kv []prop
}

type prop struct{ k, v string }

// Get returns the value of k and whether it is set.
func (p *Props) Get(k string) (string, bool) {
	for i := range p.kv {
		if p.kv[i].k == k {
			return p.kv[i].v, true
		}
	}
	return "", false
}

// Set sets k to v.
func (p *Props) Set(k, v string) {
	for i := range p.kv {
		if p.kv[i].k == k {
			p.kv[i].v = v
			return
		}
	}
	p.kv = append(p.kv, prop{k, v})
}

// Del removes k.
func (p *Props) Del(k string) {
	for i := range p.kv {
		if p.kv[i].k == k {
			p.kv = append(p.kv[:i], p.kv[i+1:]...)
			return
		}
	}
}

// Len is the number of properties set.
func (p *Props) Len() int { return len(p.kv) }

// Range calls fn for each property in insertion order until fn returns false.
func (p *Props) Range(fn func(k, v string) bool) {
	for _, e := range p.kv {
		if !fn(e.k, e.v) {
			return
		}
	}
}

// Reset empties the map and keeps its storage.
func (p *Props) Reset() {
	clear(p.kv)
	p.kv = p.kv[:0]
}
