package handlers

import (
	"strings"
	"sync"
	"time"

	"github.com/seqgate/seqgate/handlers/route"
)

// DefaultFaultLog is how many faults the admin API keeps (GET /admin/faults).
const DefaultFaultLog = 50

// maxFaultText bounds ERROR_MESSAGE as a fault record keeps it.
const maxFaultText = 300

// FaultRecord is one request that failed, as the web console's live view
// lists it: the status the client got, ERROR_CODE and ERROR_MESSAGE (never
// ERROR_DETAIL, which holds backend URLs and dial errors), and the error
// sequence that handled it ("" when the gateway's JSON error answered).
// Path is without the query, which may carry credentials.
type FaultRecord struct {
	Time         time.Time `json:"time"`
	Tenant       string    `json:"tenant"`
	API          string    `json:"api,omitempty"`
	Method       string    `json:"method"`
	Path         string    `json:"path"`
	Status       int       `json:"status"`
	ErrorCode    string    `json:"error_code,omitempty"`
	ErrorMessage string    `json:"error_message,omitempty"`
	Sequence     string    `json:"sequence,omitempty"`
}

// FaultLog keeps the last faults in a ring. It outlives config
// generations (handlers/runtime passes the same one to each gateway); a mutex
// is enough: only failed requests write, and they are the rare ones.
type FaultLog struct {
	mu   sync.Mutex
	ring []FaultRecord
	next int
	full bool
}

// NewFaultLog keeps the last n faults (n >= 1).
func NewFaultLog(n int) *FaultLog { return &FaultLog{ring: make([]FaultRecord, max(n, 1))} }

// Add records one fault, dropping the oldest when full.
func (l *FaultLog) Add(r FaultRecord) {
	l.mu.Lock()
	l.ring[l.next] = r
	l.next = (l.next + 1) % len(l.ring)
	l.full = l.full || l.next == 0
	l.mu.Unlock()
}

// Recent returns the kept faults, newest first.
func (l *FaultLog) Recent() []FaultRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.next
	if l.full {
		n = len(l.ring)
	}
	out := make([]FaultRecord, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, l.ring[(l.next-i+len(l.ring))%len(l.ring)])
	}
	return out
}

// recordFault adds ex to the log when it failed: a 5xx, or a 4xx with
// ERROR_CODE set (auth, throttle, resource mismatch), or any answer an
// error sequence produced. Cheap for the rest: a status compare and a
// field read.
func (u *Usage) recordFault(ex *Exchange, status int, m *apiMetrics) {
	if u.Faults == nil || (status < 400 && ex.FaultSequence == "") {
		return
	}
	code, _ := ex.MC.Props.Get(PropErrorCode)
	if status < 500 && code == "" && ex.FaultSequence == "" {
		return
	}
	msg, _ := ex.MC.Props.Get(PropErrorMessage)
	if len(msg) > maxFaultText {
		msg = msg[:maxFaultText] + "…"
	}
	api := m.api
	if api == unmatchedAPI {
		api = ""
	}
	// The client's path: the router's REST_FULL_REQUEST_PATH (the request
	// URI is the backend's by now), else the URI of an unrouted request.
	path, ok := ex.MC.Props.Get(route.PropFullPath)
	if !ok || path == "" {
		path = string(ex.MC.Req.URI().Path())
	}
	path, _, _ = strings.Cut(path, "?")
	u.Faults.Add(FaultRecord{Time: time.Now().UTC(), Tenant: ex.tenantDomain(), API: api,
		Method: route.MethodString(ex.MC.Req.Header.Method()), Path: path,
		Status: status, ErrorCode: code, ErrorMessage: msg, Sequence: ex.FaultSequence})
}
