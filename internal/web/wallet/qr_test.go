package wallet

import (
	"strings"
	"testing"
)

func TestQRSVG(t *testing.T) {
	svg, err := qrSVG("ortaq-pay:123456", `Code "1" <b>`)
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	for _, want := range []string{`<svg class="qr"`, `viewBox="0 0 33 33"`, `aria-label="Code &#34;1&#34; &lt;b&gt;"`, `<path fill="#000" d="M4 4h7v1h-7z`} {
		if !strings.Contains(s, want) {
			t.Errorf("the QR's SVG lacks %q:\n%.300s", want, s)
		}
	}
	if strings.Contains(s, "<b>") {
		t.Error("the label is not escaped")
	}
}
