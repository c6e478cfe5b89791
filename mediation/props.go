package mediation

// Props is a small property map for one scope of one request: the pairs in
// insertion order, plus an open-addressing index over them. A Go map would
// allocate per request and lose the order; a pooled MessageContext keeps
// Props' storage across requests, so setting properties does not allocate.
//
// The index is a fixed table of slot numbers reached by a hash of a key's
// length and three of its bytes. A request holds a few dozen properties (32
// in the bench `mediation` scenario) and a plain scan made every Set and Get
// O(n): ~2 µs per request on that scenario's 32 sets and 32 gets
// (BenchmarkProps), ~0.5 µs with the index. Past indexMax properties the
// index is dropped and lookups scan, which stays correct.
type Props struct {
	kv    []prop
	slots [indexSize]uint8 // 0: empty; i+1: kv[i]
	// scan is set once more than indexMax properties exist (or after a
	// Del): lookups scan kv until Reset.
	scan bool
}

type prop struct{ k, v string }

const (
	indexBits = 7
	indexSize = 1 << indexBits
	indexMax  = indexSize * 3 / 4 // load factor 0.75
)

// slot is the first probe position of k.
func slot(k string) uint32 {
	n := len(k)
	h := uint32(n)
	if n > 0 {
		h = h<<24 ^ uint32(k[0])<<16 ^ uint32(k[n/2])<<8 ^ uint32(k[n-1])
	}
	return (h * 0x9E3779B1) >> (32 - indexBits)
}

// index returns the position of k in kv, or -1.
func (p *Props) index(k string) int {
	if p.scan {
		for i := range p.kv {
			if p.kv[i].k == k {
				return i
			}
		}
		return -1
	}
	for h := slot(k); ; h = (h + 1) & (indexSize - 1) {
		s := p.slots[h]
		if s == 0 {
			return -1
		}
		if p.kv[s-1].k == k {
			return int(s - 1)
		}
	}
}

// Get returns the value of k and whether it is set.
func (p *Props) Get(k string) (string, bool) {
	if i := p.index(k); i >= 0 {
		return p.kv[i].v, true
	}
	return "", false
}

// Set sets k to v.
func (p *Props) Set(k, v string) {
	if i := p.index(k); i >= 0 {
		p.kv[i].v = v
		return
	}
	p.kv = append(p.kv, prop{k, v})
	if p.scan {
		return
	}
	if len(p.kv) > indexMax {
		p.scan = true
		return
	}
	h := slot(k)
	for p.slots[h] != 0 {
		h = (h + 1) & (indexSize - 1)
	}
	p.slots[h] = uint8(len(p.kv))
}

// Del removes k. Positions after it move, so the index is dropped until
// Reset: removing properties is rare on the request path.
func (p *Props) Del(k string) {
	if i := p.index(k); i >= 0 {
		p.kv = append(p.kv[:i], p.kv[i+1:]...)
		p.kv[len(p.kv):cap(p.kv)][0] = prop{} // drop the moved-out copy's references
		p.scan = true
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
	p.slots = [indexSize]uint8{}
	p.scan = false
}

// clone is a copy of p that shares no storage with it (a scatter branch's
// scopes).
func (p *Props) clone() Props {
	c := *p
	c.kv = append([]prop(nil), p.kv...)
	return c
}
