package endpoint

import (
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/seqgate/seqgate/mediation"
)

// qos reads the children of a leaf: <timeout>, <suspendOnFailure>,
// <markForSuspension>. WS-* options (enableSec, enableRM) are refused;
// enableAddressing and retryConfig are accepted and have no effect over
// plain HTTP.
func (k *compiler) qos(el *etree.Element, l *Leaf, sus *Suspension) error {
	for _, ch := range el.ChildElements() {
		if !mediation.IsSynapse(ch) {
			continue
		}
		var err error
		switch ch.Tag {
		case "timeout":
			err = k.timeout(ch, l)
		case "suspendOnFailure":
			err = k.suspendOnFailure(ch, sus)
		case "markForSuspension":
			err = k.markForSuspension(ch, sus)
		case "enableAddressing", "retryConfig", "description":
		case "enableSec", "enableRM":
			err = k.c.Errorf(ch, "not supported (WS-Security and WS-ReliableMessaging are not implemented)")
		default:
			err = k.c.Errorf(ch, "unexpected element in <%s>", el.Tag)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// timeout reads <duration>ms</duration> and <responseAction> (or the older
// <action>). Both fault and discard end the call with 101504: a gateway
// cannot leave its client waiting for an answer that was discarded.
func (k *compiler) timeout(el *etree.Element, l *Leaf) error {
	for _, ch := range el.ChildElements() {
		switch ch.Tag {
		case "duration":
			ms, err := k.millis(ch)
			if err != nil {
				return err
			}
			l.timeout = ms
		case "responseAction", "action":
			switch a := strings.ToLower(strings.TrimSpace(ch.Text())); a {
			case "fault", "discard", "never", "none":
			default:
				return k.c.Errorf(ch, "%q: want fault, discard or never", a)
			}
		default:
			return k.c.Errorf(ch, "unexpected element in <timeout>")
		}
	}
	return nil
}

func (k *compiler) suspendOnFailure(el *etree.Element, sus *Suspension) error {
	for _, ch := range el.ChildElements() {
		var err error
		switch ch.Tag {
		case "errorCodes":
			sus.SuspendCodes, err = k.codes(ch)
		case "initialDuration":
			sus.InitialDuration, err = k.millis(ch)
		case "maximumDuration":
			sus.MaxDuration, err = k.millis(ch)
		case "progressionFactor":
			sus.ProgressionFactor, err = strconv.ParseFloat(strings.TrimSpace(ch.Text()), 64)
			if err != nil {
				err = k.c.Errorf(ch, "%q is not a number", ch.Text())
			}
		default:
			err = k.c.Errorf(ch, "unexpected element in <suspendOnFailure>")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (k *compiler) markForSuspension(el *etree.Element, sus *Suspension) error {
	for _, ch := range el.ChildElements() {
		var err error
		switch ch.Tag {
		case "errorCodes":
			sus.TimeoutCodes, err = k.codes(ch)
		case "retriesBeforeSuspension":
			sus.RetriesBeforeSusp, err = strconv.Atoi(strings.TrimSpace(ch.Text()))
			if err != nil {
				err = k.c.Errorf(ch, "%q is not a whole number", ch.Text())
			}
		case "retryDelay":
			sus.RetryDelay, err = k.millis(ch)
		default:
			err = k.c.Errorf(ch, "unexpected element in <markForSuspension>")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// millis reads a duration in milliseconds (negative allowed: Synapse's
// "unset", as API-M writes -1).
func (k *compiler) millis(el *etree.Element) (time.Duration, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(el.Text()), 10, 64)
	if err != nil {
		return 0, k.c.Errorf(el, "%q is not a whole number of milliseconds", el.Text())
	}
	return time.Duration(n) * time.Millisecond, nil
}

// codes reads "101503, 101504" (API-M writes -1 for "none").
func (k *compiler) codes(el *etree.Element) ([]int, error) {
	var out []int
	for _, f := range strings.Split(el.Text(), ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, k.c.Errorf(el, "error code %q is not a number", f)
		}
		out = append(out, n)
	}
	return out, nil
}
