package mediators

import (
	"github.com/seqgate/seqgate/mediation"
)

// API-M class mediators that need no Go counterpart. Each is accepted and
// does nothing, for the reason given; any other class name stays a deploy
// error, so nothing is skipped silently. API-M 2.1 moved the analytics
// classes from org.wso2.carbon.apimgt.usage.publisher to
// org.wso2.carbon.apimgt.gateway.handlers.analytics (its gateway artifact
// migration scripts rename exactly these), so each is registered under
// both names.
var noopClasses = map[string]string{
	// publishes fault events to API-M analytics; seqgate's usage handler
	// and metrics cover requests that fail
	"org.wso2.carbon.apimgt.gateway.handlers.analytics.APIMgtFaultHandler": "analytics",
	"org.wso2.carbon.apimgt.usage.publisher.APIMgtFaultHandler":            "analytics (API-M 1.x)",
	// publishes throttle-out events to API-M analytics (BAM/DAS, then the
	// analytics server): the 2.x/3.x class is in API-M 3.2.0's shipped
	// _throttle_out_handler_; seqgate's usage handler and metrics count
	// throttled requests
	"org.wso2.carbon.apimgt.usage.publisher.APIMgtThrottleUsageHandler":            "analytics (API-M 1.x)",
	"org.wso2.carbon.apimgt.gateway.handlers.analytics.APIMgtThrottleUsageHandler": "analytics",
	// publishes the response event (response time, backend latency, cache
	// hit) to API-M analytics from the outSequence of every API-M 1.x/2.x
	// API and always continues; seqgate's usage handler records the
	// response and its latency
	"org.wso2.carbon.apimgt.usage.publisher.APIMgtResponseHandler":            "analytics (API-M 1.x)",
	"org.wso2.carbon.apimgt.gateway.handlers.analytics.APIMgtResponseHandler": "analytics",
	// records WebSub delivery status in API-M's event hub; seqgate has no
	// WebSub/webhook APIs, so there is nothing to record
	"org.wso2.carbon.apimgt.gateway.mediators.webhooks.DeliveryStatusUpdater": "webhooks",
}

func init() {
	for name := range noopClasses {
		mediation.RegisterClass(name, func([]mediation.ClassProperty) (mediation.Mediator, error) {
			return noopClass{}, nil
		})
	}
	mediation.RegisterClass("org.wso2.carbon.env.EnvironmentResolver", func([]mediation.ClassProperty) (mediation.Mediator, error) {
		return envResolver{}, nil
	})
}

// noopClass continues and does nothing.
type noopClass struct{}

// Mediate implements mediation.Mediator.
func (noopClass) Mediate(*mediation.MessageContext) (bool, error) { return true, nil }

// envResolver is the org.wso2.carbon.env.EnvironmentResolver of the API-M
// docs (gateways with dedicated backends): it copies the system properties
// environment.host and environment.port into uri.var.host and uri.var.port
// for an endpoint URL such as http://{uri.var.host}:{uri.var.port}/x.
// Java system properties are read from the process environment here, as
// get-property('system', ...) does.
type envResolver struct{}

// Mediate implements mediation.Mediator.
func (envResolver) Mediate(mc *mediation.MessageContext) (bool, error) {
	for _, p := range [...][2]string{{"environment.host", "uri.var.host"}, {"environment.port", "uri.var.port"}} {
		if v, ok := mc.Property(mediation.ScopeSystem, p[0]); ok {
			mc.SetProperty(mediation.ScopeDefault, p[1], v)
		}
	}
	return true, nil
}

// handleThreat is API-M's GatewayUtils.handleThreat: it sets THREAT_FOUND,
// THREAT_CODE, THREAT_MSG and THREAT_DESC and runs the tenant's
// _threat_fault_ sequence, whose result is returned (the product sequence
// answers the client and stops). Without a deployed _threat_fault_ the
// client gets the documented API-M answer: the code as status and
// <am:fault> with code, message and description.
func handleThreat(mc *mediation.MessageContext, code, desc string) (bool, error) {
	msg := "Bad Request"
	if mc.Dir == mediation.Out {
		msg = "Bad Response"
	}
	mc.SetProperty(mediation.ScopeDefault, "THREAT_FOUND", "true")
	mc.SetProperty(mediation.ScopeDefault, "THREAT_CODE", code)
	mc.SetProperty(mediation.ScopeDefault, "THREAT_MSG", msg)
	mc.SetProperty(mediation.ScopeDefault, "THREAT_DESC", desc)
	if mc.Sequences != nil {
		if seq := mc.Sequences.Sequence("_threat_fault_"); seq != nil {
			return runSequence(mc, "_threat_fault_")
		}
	}
	b := []byte(`<am:fault xmlns:am="http://wso2.org/apimanager"><am:code>`)
	b = appendXMLEscaped(b, code)
	b = append(b, "</am:code><am:message>"...)
	b = appendXMLEscaped(b, msg)
	b = append(b, "</am:message><am:description>"...)
	b = appendXMLEscaped(b, desc)
	b = append(b, "</am:description></am:fault>"...)
	mc.SetBody(b)
	mc.SetContentType("application/xml")
	mc.SetProperty(mediation.ScopeAxis2, "HTTP_SC", code)
	mc.Outcome = mediation.Respond
	return false, nil
}
