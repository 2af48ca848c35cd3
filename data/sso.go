package data

// SignInMethods is the answer of GET /v1/agent/sign-in-methods: how agents
// may sign in to this backend, asked before the sign-in screen is shown.
type SignInMethods struct {
	// Password is true when the username and password form is on.
	Password bool `json:"password"`
	// OIDC is the company's single sign-on, when the backend has one.
	OIDC *OIDCMethod `json:"oidc,omitempty"`
}

// OIDCMethod is what the console needs to run the OpenID Connect sign-in
// (authorization code with PKCE, RFC 8252) against the company's provider.
type OIDCMethod struct {
	Issuer       string   `json:"issuer"`
	ClientID     string   `json:"client_id"`
	ProviderName string   `json:"provider_name"`
	Scopes       []string `json:"scopes"`
}

// OIDCSignInRequest is the body of POST /v1/agent/sessions/oidc: the
// provider's ID token and the nonce the console put in its sign-in request.
type OIDCSignInRequest struct {
	IDToken string `json:"id_token"`
	Nonce   string `json:"nonce"`
}

// ErrCodeProviderUnavailable (502): the backend could not reach the sign-in
// provider, or its answer was not OpenID Connect.
const ErrCodeProviderUnavailable = "provider_unavailable"
