//go:build race

package accesslog

// raceOn: the race detector makes sync.Pool drop entries at random, so
// allocation counts mean nothing under it.
const raceOn = true
