package sequences

import (
	"strings"

	"github.com/beevik/etree"
	"github.com/seqgate/seqgate/mediation"
)

// APIHandler is one <handler class> of the <handlers> list with its
// properties, in file order.
type APIHandler struct {
	Line  int
	Class string
	Role  HandlerRole
	Props []HandlerProp
}

// HandlerProp is a <property name value/> of a handler.
type HandlerProp struct{ Name, Value string }

// Prop returns the value of the named property.
func (h *APIHandler) Prop(name string) (string, bool) {
	for _, p := range h.Props {
		if p.Name == name {
			return p.Value, true
		}
	}
	return "", false
}

// HandlerRole is what seqgate does for an API-M handler class: one of
// seqgate's handlers, or nothing (RoleNoop).
type HandlerRole string

// The roles an API-M handler class maps onto.
const (
	RoleCORS      HandlerRole = "cors"
	RoleAuth      HandlerRole = "auth"
	RoleThrottle  HandlerRole = "throttle"
	RoleUsage     HandlerRole = "usage"
	RoleExtension HandlerRole = "extension"
	RoleNoop      HandlerRole = "no-op"
)

// HandlerClass is one row of the mapping table.
type HandlerClass struct {
	Class string
	Role  HandlerRole
	Why   string
}

// apimPkg is the package prefix of API-M's gateway handlers.
const apimPkg = "org.wso2.carbon.apimgt.gateway.handlers."

// HandlerClasses is the one table of API-M handler classes seqgate maps
// (README "Coming from API Manager" shows the same table). A class that is
// not listed is refused at deploy time, naming it: running an API without a
// handler its publisher put there (a security check, a validator) would be
// silently different from API-M.
var HandlerClasses = []HandlerClass{
	{apimPkg + "security.CORSRequestHandler", RoleCORS, "the CORS handler; allowedOrigins, allowedMethods, allowHeaders, allowCredentials override the global cors section"},
	{apimPkg + "security.APIAuthenticationHandler", RoleAuth, "the auth handler; apiSecurity (oauth2, api_key, basic_auth, mutualssl) sets the accepted credentials, else apikey"},
	{apimPkg + "throttling.ThrottleHandler", RoleThrottle, "the throttle handler (tiers from the config)"},
	{apimPkg + "analytics.APIMgtUsageHandler", RoleUsage, "the usage handler (event log and metrics)"},
	{apimPkg + "analytics.AnalyticsMetricsHandler", RoleUsage, "the usage handler (API-M 4.x analytics)"},
	{apimPkg + "ext.APIManagerExtensionHandler", RoleExtension, "the extension handler (WSO2AM--Ext--In/Out, <api>--In/Out), at its place in the list"},
	{apimPkg + "analytics.APIMgtGoogleAnalyticsTrackingHandler", RoleNoop, "no-op: seqgate sends nothing to Google Analytics"},
	{apimPkg + "common.APIMgtLatencyStatsHandler", RoleNoop, "no-op: the usage handler measures latencies itself"},
	{apimPkg + "common.SynapsePropertiesHandler", RoleNoop, "no-op: sets Synapse server properties (ports, key manager address) seqgate does not have"},
	{apimPkg + "ext.APIManagerCacheExtensionHandler", RoleNoop, "no-op: clears API-M's key cache on token revocation; seqgate keeps no such cache"},
	{apimPkg + "common.APIStatusHandler", RoleNoop, "no-op: a deployed file is a published API (seqgate has no lifecycle state)"},
	{apimPkg + "logging.APILogMessageHandler", RoleNoop, "no-op: API-M's sample message logger (debug log of each message); seqgate's usage event logs each request"},
	// API-M 1.x/2.0 names of the same handlers
	{apimPkg + "throttling.APIThrottleHandler", RoleThrottle, "the throttle handler (API-M 1.x; its policyKey tiers come from the config)"},
	{"org.wso2.carbon.apimgt.usage.publisher.APIMgtUsageHandler", RoleUsage, "the usage handler (API-M 1.x)"},
	{"org.wso2.carbon.apimgt.usage.publisher.APIMgtGoogleAnalyticsTrackingHandler", RoleNoop, "no-op: seqgate sends nothing to Google Analytics (API-M 1.x)"},
}

var handlerRoles = func() map[string]HandlerRole {
	m := make(map[string]HandlerRole, len(HandlerClasses))
	for _, c := range HandlerClasses {
		m[c.Class] = c.Role
	}
	return m
}()

// compileHandlers reads <handlers>: each class with its properties, in
// file order; a class not in HandlerClasses is refused, naming it.
func compileHandlers(el *etree.Element, c *mediation.Compiler) []APIHandler {
	var out []APIHandler
	for _, ch := range el.ChildElements() {
		if !mediation.IsSynapse(ch) || ch.Tag == "description" {
			continue
		}
		if ch.Tag != "handler" {
			c.Errs(c.Errorf(ch, "unexpected element in <handlers>"))
			continue
		}
		class, _ := mediation.Attr(ch, "class")
		class = strings.TrimSpace(class)
		role, ok := handlerRoles[class]
		if !ok {
			c.Errs(c.Errorf(ch, "handler class %q is not supported by seqgate (see README, Coming from API Manager: the handler table)", class))
			continue
		}
		h := APIHandler{Line: c.Line(ch), Class: class, Role: role}
		for _, p := range ch.ChildElements() {
			if !mediation.IsSynapse(p) {
				continue
			}
			if p.Tag != "property" {
				c.Errs(c.Errorf(p, "unexpected element in <handler>"))
				continue
			}
			name, _ := mediation.Attr(p, "name")
			val, _ := mediation.Attr(p, "value")
			h.Props = append(h.Props, HandlerProp{Name: name, Value: val})
		}
		out = append(out, h)
	}
	return out
}
