//go:build !unix

package endpoint

// pending cannot peek without blocking here; fasthttp's own error on a
// dead connection is the only check.
func (c *checkedConn) pending() bool { return false }

func (c *checkedConn) peek(uintptr) {}
