package mediation

import "strconv"

// Properties by scope. The default scope lives in mc.Props; transport is
// the current message's headers; axis2 is mc.Axis2 plus the "magic" names
// that act on the message itself (HTTP_SC, messageType, REST_URL_POSTFIX...),
// as Synapse's PropertyMediator and GetPropertyFunction behave.

// Property scopes, as written in scope="..." and get-property('scope', ...).
//
//   - default: the Synapse property map (mc.Props), for the request and its
//     response.
//   - operation: Synapse's operation context, shared by request and
//     response. seqgate's default map already lives that long, so both
//     names read and write mc.Props: a name set in one is seen in the other.
//   - transport: the HTTP headers of the current message.
//   - axis2, axis2-client: the Axis2 values (mc.Axis2) and the magic names
//     that act on the message (HTTP_SC, messageType, REST_URL_POSTFIX...,
//     and the transport switches of transport.go). axis2-client (Axis2
//     Options) is the same map here.
//   - registry, file: read-only and always empty; seqgate has no registry
//     and no file.properties (writing them is a deploy error).
//   - system, env: read the process environment (Go has no Java system
//     properties); read-only.
const (
	ScopeDefault     = "default"
	ScopeTransport   = "transport"
	ScopeAxis2       = "axis2"
	ScopeAxis2Client = "axis2-client"
	ScopeSystem      = "system"
	ScopeEnv         = "env"
	ScopeOperation   = "operation"
	ScopeRegistry    = "registry"
	ScopeFile        = "file"
	// ScopeFunc is call-template parameters ($func:x): no templates, always "".
	ScopeFunc = "func"
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
	case ScopeAxis2, ScopeAxis2Client:
		return mc.axis2Get(name)
	case ScopeSystem, ScopeEnv:
		return lookupEnv(name)
	case ScopeRegistry:
		return mc.registryGet(name)
	}
	return "", false // file, func: nothing is stored there
}

// SetProperty sets a property by scope. The axis2 magic properties act on
// the message: HTTP_SC sets the status, messageType/ContentType the
// Content-Type, REST_URL_POSTFIX the backend path, HTTP_METHOD the method.
// Read-only scopes (registry, file, system, env) are refused when the
// sequence is deployed; here they are ignored.
func (mc *MessageContext) SetProperty(scope, name, value string) {
	switch scope {
	case ScopeTransport:
		mc.SetHeader(name, value)
	case ScopeAxis2, ScopeAxis2Client:
		mc.axis2Set(name, value)
	case ScopeDefault, "", ScopeOperation:
		mc.Props.Set(name, value)
	}
}

// RemoveProperty removes a property by scope (the mirror of SetProperty).
func (mc *MessageContext) RemoveProperty(scope, name string) {
	switch scope {
	case ScopeTransport:
		mc.DelHeader(name)
	case ScopeAxis2, ScopeAxis2Client:
		mc.axis2Del(name)
	case ScopeDefault, "", ScopeOperation:
		mc.Props.Del(name)
	}
}

func (mc *MessageContext) axis2Get(name string) (string, bool) {
	switch name {
	case "REMOTE_ADDR", "REMOTE_HOST":
		if mc.RemoteIP.IsValid() {
			return mc.RemoteIP.String(), true
		}
	case "HTTP_SC":
		if mc.Dir == Out || mc.statusSet {
			return strconv.Itoa(mc.Resp.StatusCode()), true
		}
		return "", false
	case "messageType":
		ct := mc.MessageType()
		return ct, ct != ""
	case "ContentType":
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

// axis2Set applies the magic names. messageType declares the format the
// payload is written in (converted by SerializeForWire); ContentType only
// relabels, as in Synapse, where the formatter is chosen by messageType.
func (mc *MessageContext) axis2Set(name, value string) {
	switch name {
	case "HTTP_SC":
		if sc, err := strconv.Atoi(value); err == nil && sc >= 100 && sc <= 999 {
			mc.Resp.SetStatusCode(sc)
			mc.statusSet = true
		}
		return
	case "messageType":
		mc.declareMessageType(value)
	case "ContentType":
		mc.setContentTypeHeader(value)
	case "REST_URL_POSTFIX":
		mc.restURLPostfix = value
	case "HTTP_METHOD":
		mc.Req.Header.SetMethod(value)
	case "NO_ENTITY_BODY":
		mc.noEntityBody = value == "true"
	default:
		mc.setWireFlag(name, value)
	}
	mc.Axis2.Set(name, value)
}

func (mc *MessageContext) axis2Del(name string) {
	switch name {
	case "messageType":
		if mc.pin.dir == mc.Dir {
			mc.pin = formatPin{}
		}
		mc.delContentTypeHeader()
	case "ContentType":
		// API-M error sequences remove it "so the formatter picks the type
		// from messageType": the header falls back to a declared messageType.
		if mc.pin.active(mc.Dir) {
			mc.setContentTypeHeader(mc.pin.ctype)
		} else {
			mc.delContentTypeHeader()
		}
	case "REST_URL_POSTFIX":
		mc.restURLPostfix = ""
	case "NO_ENTITY_BODY":
		mc.noEntityBody = false
	case "TRANSPORT_HEADERS":
		mc.ClearHeaders()
	default:
		mc.setWireFlag(name, "")
	}
	mc.Axis2.Del(name)
}

func (mc *MessageContext) delContentTypeHeader() {
	if mc.Dir == Out {
		mc.Resp.Header.Del("Content-Type")
	} else {
		mc.Req.Header.Del("Content-Type")
	}
}
