package mediation

import (
	"os"
	"testing"
)

// BenchmarkScanXML is the byte scan alone (xml_scan.go) of the xml
// scenario's 1 KiB body (tests/bench/xml-body.xml) and of a pretty-printed
// SOAP envelope, the part of every XPath read and XML-to-JSON conversion
// that grows with the body.
func BenchmarkScanXML(b *testing.B) {
	order, err := os.ReadFile("../tests/bench/xml-body.xml")
	if err != nil {
		b.Fatal(err)
	}
	soap := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="urn:shop">
  <soapenv:Header><m:trace id="t-1">x</m:trace></soapenv:Header>
  <soapenv:Body>
    <m:order>
      <m:id>ord-20261125-000042</m:id>
      <m:customer tier="gold"><m:name>Ada &amp; Co</m:name></m:customer>
      <m:note><![CDATA[fragile <glass>]]></m:note>
      <!-- items follow -->
      <m:items><m:item sku="SKU-1" qty="2"/><m:item sku="SKU-2" qty="1"/></m:items>
    </m:order>
  </soapenv:Body>
</soapenv:Envelope>`)
	for _, c := range []struct {
		name string
		body []byte
	}{{"order-1KB", trimXML(order)}, {"soap", soap}} {
		b.Run(c.name, func(b *testing.B) {
			var ix xmlIndex
			scanXML(&ix, c.body, DefaultLimits.XML)
			if !ix.ok {
				b.Fatal("the scan refused the body")
			}
			b.SetBytes(int64(len(c.body)))
			b.ReportAllocs()
			for b.Loop() {
				scanXML(&ix, c.body, DefaultLimits.XML)
			}
		})
	}
}

func trimXML(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}
