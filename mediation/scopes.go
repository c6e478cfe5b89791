package mediation

import (
	"strconv"
	"time"
)

// Properties by scope. The default scope lives in mc.Props; transport is
// the current message's headers; axis2 is mc.Axis2 plus the "magic" names
// that act on the message itself (HTTP_SC, messageType, REST_URL_POSTFIX...),
// as Synapse's PropertyMediator and GetPropertyFunction behave.

// Property scopes, as written in scope="..." and get-property('scope', ...).
const (
	ScopeDefault   = "default"
	ScopeTransport = "transport"
	ScopeAxis2     = "axis2"
	ScopeSystem    = "system"
	ScopeEnv       = "env"
	ScopeOperation = "operation"
	ScopeRegistry  = "registry"
)

// Property reads a property by scope. Unknown or unset properties give
// ("", false), which expressions turn into the empty string like Synapse.
func (mc *MessageContext) Property(scope, name string) (string, bool) {
	switch scope {
	case ScopeDefault, "", ScopeOperation:
		if v, ok := mc.Props.Get(name); ok {
			return v, true
		}
		return mc.special(name)
	case ScopeTransport:
		v := mc.HeaderBytes(name)
		if v == nil {
			return "", false
		}
		return string(v), true
	case ScopeAxis2:
		return mc.axis2Get(name)
	case ScopeSystem, ScopeEnv:
		return lookupEnv(name)
	}
	return "", false
}

// special answers the names get-property computes rather than stores.
func (mc *MessageContext) special(name string) (string, bool) {
	switch name {
	case "SYSTEM_TIME":
		return strconv.FormatInt(time.Now().UnixMilli(), 10), true
	case "SYSTEM_DATE":
		return time.Now().Format("1/2/06 3:04 PM"), true
	case "MESSAGE_FORMAT":
		return "pox", true
	case "MessageID":
		// computed once per message, then kept like any property
		id := newMessageID()
		mc.Props.Set("MessageID", id)
		return id, true
	}
	return "", false
}

// SetProperty sets a property by scope. The axis2 magic properties act on
// the message: HTTP_SC sets the status, messageType/ContentType the
// Content-Type, REST_URL_POSTFIX the backend path, HTTP_METHOD the method.
func (mc *MessageContext) SetProperty(scope, name, value string) {
	switch scope {
	case ScopeTransport:
		mc.SetHeader(name, value)
	case ScopeAxis2:
		mc.axis2Set(name, value)
	default:
		mc.Props.Set(name, value)
	}
}

// RemoveProperty removes a property by scope (the mirror of SetProperty).
func (mc *MessageContext) RemoveProperty(scope, name string) {
	switch scope {
	case ScopeTransport:
		mc.DelHeader(name)
	case ScopeAxis2:
		mc.axis2Del(name)
	default:
		mc.Props.Del(name)
	}
}

func (mc *MessageContext) axis2Get(name string) (string, bool) {
	switch name {
	case "HTTP_SC":
		if mc.Dir == Out || mc.statusSet {
			return strconv.Itoa(mc.Resp.StatusCode()), true
		}
		return "", false
	case "messageType", "ContentType":
		ct := mc.ContentType()
		return ct, ct != ""
	case "REST_URL_POSTFIX":
		return mc.restURLPostfix, true
	case "HTTP_METHOD":
		return string(mc.Req.Header.Method()), true
	case "NO_ENTITY_BODY":
		if mc.noEntityBody {
			return "true", true
		}
		return "", false
	}
	return mc.Axis2.Get(name)
}

func (mc *MessageContext) axis2Set(name, value string) {
	switch name {
	case "HTTP_SC":
		if sc, err := strconv.Atoi(value); err == nil && sc >= 100 && sc <= 999 {
			mc.Resp.SetStatusCode(sc)
			mc.statusSet = true
		}
		return
	case "messageType", "ContentType":
		mc.SetContentType(value)
	case "REST_URL_POSTFIX":
		mc.restURLPostfix = value
	case "HTTP_METHOD":
		mc.Req.Header.SetMethod(value)
	case "NO_ENTITY_BODY":
		mc.noEntityBody = value == "true"
	}
	mc.Axis2.Set(name, value)
}

func (mc *MessageContext) axis2Del(name string) {
	switch name {
	case "ContentType", "messageType":
		if mc.Dir == Out {
			mc.Resp.Header.Del("Content-Type")
		} else {
			mc.Req.Header.Del("Content-Type")
		}
	case "REST_URL_POSTFIX":
		mc.restURLPostfix = ""
	case "NO_ENTITY_BODY":
		mc.noEntityBody = false
	case "TRANSPORT_HEADERS":
		mc.ClearHeaders()
	}
	mc.Axis2.Del(name)
}
