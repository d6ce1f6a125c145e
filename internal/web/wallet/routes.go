package wallet

import (
	"net/http"

	"github.com/ortaq/ortaq/internal/web/view"
)

// Policies of the wallet's routes.
const (
	anyone   = "anyone: signing in"
	demoOnly = "anyone, demo only: the SMS outbox is off unless demo turns it on"
	citizen  = "signed-in citizen, own data only"
	citForm  = "signed-in citizen, same-origin form with the session's CSRF token"
)

// routes is the one place that lists what the wallet answers.
func (s *Server) routes() {
	rt := view.NewRouter(view.Citizens)
	rt.HandleFunc("GET /wallet/sign-in", anyone, s.walletSignIn)
	rt.HandleFunc("POST /wallet/sign-in", anyone, s.walletSendCode)
	rt.HandleFunc("POST /wallet/sign-in/code", anyone, s.walletCheckCode)
	rt.HandleFunc("GET /wallet/sms", demoOnly, s.walletSMS)
	rt.HandleFunc("GET /wallet/oidc/login", anyone, s.walletOIDCStart)
	rt.HandleFunc("GET /wallet/oidc/callback", anyone, s.walletOIDCCallback)
	rt.HandleFunc("POST /wallet/sign-out", citForm, s.signedIn(s.walletSignOut))
	rt.HandleFunc("GET /wallet", citizen, s.signedIn(s.walletHome))
	rt.HandleFunc("GET /wallet/data.json", citizen, s.signedIn(s.walletDataJSON))
	rt.HandleFunc("GET /wallet/data.csv", citizen, s.signedIn(s.walletDataCSV))
	rt.HandleFunc("GET /wallet/access", citizen, s.signedIn(s.walletAccess))
	rt.HandleFunc("GET /wallet/access/{index}", citizen, s.signedIn(s.walletReceipt))
	rt.HandleFunc("GET /wallet/access/{index}/receipt.json", citizen, s.signedIn(s.walletReceiptJSON))
	rt.HandleFunc("GET /wallet/consents", citizen, s.signedIn(s.walletConsents))
	rt.HandleFunc("POST /wallet/consents", citForm, s.signedIn(s.walletGrantConsent))
	rt.HandleFunc("POST /wallet/consents/{consent}", citForm, s.signedIn(s.walletChangeConsent))
	rt.HandleFunc("GET /wallet/corrections", citizen, s.signedIn(s.walletCorrections))
	rt.HandleFunc("GET /wallet/corrections/new", citizen, s.signedIn(s.walletCorrectionNew))
	rt.HandleFunc("POST /wallet/corrections", citForm, s.signedIn(s.walletFileCorrection))
	rt.HandleFunc("GET /wallet/corrections/{correction}", citizen, s.signedIn(s.walletCorrection))
	rt.HandleFunc("GET /wallet/corrections/{correction}/attachment", citizen, s.signedIn(s.walletCorrectionAttachment))
	rt.HandleFunc("GET /wallet/benefits", citizen, s.signedIn(s.walletBenefits))
	rt.HandleFunc("GET /wallet/benefits/{decision}/{programme}", citizen, s.signedIn(s.walletExplain))
	rt.HandleFunc("GET /wallet/benefits/{decision}/{programme}/appeal", citizen, s.signedIn(s.walletAppealForm))
	rt.HandleFunc("POST /wallet/benefits/{decision}/{programme}/appeal", citForm, s.signedIn(s.walletFileAppeal))
	rt.HandleFunc("POST /wallet/benefits/offers/{offer}/accept", citForm, s.signedIn(s.walletRespondOffer(true)))
	rt.HandleFunc("POST /wallet/benefits/offers/{offer}/decline", citForm, s.signedIn(s.walletRespondOffer(false)))
	rt.HandleFunc("GET /wallet/benefits/appeals/{appeal}/document", citizen, s.signedIn(s.walletAppealDocument))
	rt.HandleFunc("GET /wallet/money", citizen, s.signedIn(s.walletMoney))
	rt.HandleFunc("GET /wallet/money/pay", citizen, s.signedIn(s.walletPay))
	rt.HandleFunc("POST /wallet/money/pay", citForm, s.signedIn(s.walletPayCode))
	// Any other path under /wallet is the wallet's own 404, so that a
	// route added elsewhere can never surface on the wallet's listener.
	rt.HandleFunc("/wallet/", "anyone: a page saying there is no such page", s.notFoundPage)
	s.router = rt
}

// NotFound answers a path no audience takes with the wallet's page.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) { s.notFoundPage(w, r) }
