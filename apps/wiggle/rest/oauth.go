package rest

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/fifogo/fifo/apps/snarl/identity"
)

// OAuthError is an RFC 6749 §5.2 error answer of the OAuth endpoints:
// {"error": code, "error_description": text}. A 401 carries
// "WWW-Authenticate: Basic".
type OAuthError struct {
	Status      int
	Code        string
	Description string
	// Err is the cause, for the log only.
	Err error
}

// Error implements error.
func (e *OAuthError) Error() string {
	return e.Code + ": " + e.Description
}

// Unwrap returns the cause.
func (e *OAuthError) Unwrap() error { return e.Err }

// oauthErrorBody is the document's OAuthError schema.
type oauthErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// write answers e.
func (e *OAuthError) write(w http.ResponseWriter) {
	h := w.Header()
	if e.Status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", "Basic")
	}
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	b, _ := json.Marshal(oauthErrorBody{Error: e.Code, Description: e.Description})
	writeBody(w, e.Status, formatJSON, b)
}

func oauthInvalid(desc string) *OAuthError {
	return &OAuthError{Status: http.StatusBadRequest, Code: "invalid_request", Description: desc}
}

// oauthClassify maps identity errors of the grants and of Authorize to
// RFC 6749 errors; unknown errors are left to Classify (500).
func oauthClassify(err error) error {
	e := func(status int, code, desc string) error {
		return &OAuthError{Status: status, Code: code, Description: desc, Err: err}
	}
	switch {
	case errors.Is(err, identity.ErrInvalidClient):
		return e(http.StatusUnauthorized, "invalid_client", "client authentication failed")
	case errors.Is(err, identity.ErrOTPRequired):
		return e(http.StatusBadRequest, "invalid_grant", "a YubiKey one-time password (fifo_otp) is required")
	case errors.Is(err, identity.ErrThrottled):
		return e(http.StatusTooManyRequests, "invalid_grant", "too many failed logins; retry later")
	case errors.Is(err, identity.ErrInvalidScope):
		return e(http.StatusBadRequest, "invalid_scope", "unknown scope")
	case errors.Is(err, identity.ErrInvalidGrant), errors.Is(err, identity.ErrUnauthorized),
		errors.Is(err, identity.ErrNotFound):
		return e(http.StatusBadRequest, "invalid_grant", "the grant is not valid")
	case errors.Is(err, identity.ErrForbidden):
		return e(http.StatusForbidden, "unauthorized_client", "the client may not use this grant")
	case errors.Is(err, identity.ErrInvalid):
		return e(http.StatusBadRequest, "invalid_request", "the request is not valid")
	}
	return err
}

// form parses the urlencoded body (and, when query is set, the query
// string, for GET /oauth/auth): every parameter at most once (RFC 6749
// §3.1, §3.2), and only a form body is accepted.
func (c *call) form(query bool) (url.Values, error) {
	var vals url.Values
	if query {
		v, err := url.ParseQuery(c.r.URL.RawQuery)
		if err != nil {
			return nil, oauthInvalid("the query does not parse")
		}
		vals = v
	} else {
		if requestMediaType(c.r.Header) != mimeForm {
			return nil, oauthInvalid("the body must be application/x-www-form-urlencoded")
		}
		v, err := url.ParseQuery(string(c.raw))
		if err != nil {
			return nil, oauthInvalid("the form does not parse")
		}
		vals = v
	}
	for k, v := range vals {
		if len(v) > 1 {
			return nil, oauthInvalid("parameter " + k + " is repeated")
		}
	}
	return vals, nil
}

// validate checks the form (or query) against the document, once the
// handler has given its own, more specific errors.
func (c *call) validate(query bool) error {
	mt, body := mimeForm, c.raw
	if query {
		body = nil
	}
	if err := c.h.validator.ValidateRouted(c.r, c.route, c.params, mt, body); err != nil {
		e := validationError(err)
		return oauthInvalid(e.Message)
	}
	return nil
}

// clientCredentials returns the client's id and secret from HTTP Basic
// (each form-urlencoded, RFC 6749 §2.3.1) or from the form; both at once
// is an error.
func (c *call) clientCredentials(f url.Values) (id, secret string, err error) {
	user, pass, basic := c.r.BasicAuth()
	if basic {
		if f.Has("client_id") && f.Get("client_id") != "" || f.Has("client_secret") {
			return "", "", oauthInvalid("client credentials in both the header and the form")
		}
		if u, err := url.QueryUnescape(user); err == nil {
			user = u
		}
		if p, err := url.QueryUnescape(pass); err == nil {
			pass = p
		}
		return user, pass, nil
	}
	return f.Get("client_id"), f.Get("client_secret"), nil
}

// oauthToken is the token endpoint (RFC 6749 §3.2).
func (h *Handler) oauthToken(c *call) error {
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.Header().Set("Pragma", "no-cache")
	f, err := c.form(false)
	if err != nil {
		return err
	}
	grant := f.Get("grant_type")
	switch grant {
	case "":
		return oauthInvalid("grant_type is required")
	case "password", "client_credentials", "authorization_code", "refresh_token":
	default:
		return &OAuthError{Status: http.StatusBadRequest, Code: "unsupported_grant_type", Description: "unsupported grant_type"}
	}
	id, secret, err := c.clientCredentials(f)
	if err != nil {
		return err
	}
	if err := c.validate(false); err != nil {
		return err
	}
	scope := strings.Fields(f.Get("scope"))
	var resp identity.TokenResponse
	switch grant {
	case "password":
		resp, err = h.api.Password(c.ctx, identity.PasswordGrant{
			Username: f.Get("username"), Password: f.Get("password"), OTP: f.Get("fifo_otp"),
			ClientID: id, ClientSecret: secret, Scope: scope,
		})
	case "client_credentials":
		if id == "" {
			return &OAuthError{Status: http.StatusUnauthorized, Code: "invalid_client", Description: "client authentication is required"}
		}
		resp, err = h.api.ClientCredentials(c.ctx, id, secret, scope)
	case "authorization_code":
		resp, err = h.api.Code(c.ctx, f.Get("code"), f.Get("redirect_uri"), id, secret)
	case "refresh_token":
		resp, err = h.api.Refresh(c.ctx, f.Get("refresh_token"), id, secret, scope)
	}
	if err != nil {
		return oauthClassify(err)
	}
	return c.ok(resp)
}

// authorizeRequest collects an authorization request from vals (query or
// form) and the resource owner's credentials (fields or HTTP Basic).
func (c *call) authorizeRequest(vals url.Values) identity.AuthorizeRequest {
	ar := identity.AuthorizeRequest{
		ResponseType: vals.Get("response_type"), ClientID: vals.Get("client_id"),
		RedirectURI: vals.Get("redirect_uri"), State: vals.Get("state"),
		Scope: strings.Fields(vals.Get("scope")), Username: vals.Get("username"),
		Password: vals.Get("password"), OTP: vals.Get("fifo_otp"),
	}
	if ar.Username == "" && ar.Password == "" {
		if u, p, ok := c.r.BasicAuth(); ok {
			ar.Username, ar.Password = u, p
		}
	}
	return ar
}

// runAuthorize runs the authorization request and redirects (302).
func (h *Handler) runAuthorize(c *call, ar identity.AuthorizeRequest) error {
	switch ar.ResponseType {
	case "code", "token":
	case "":
		return oauthInvalid("response_type is required")
	default:
		return &OAuthError{Status: http.StatusBadRequest, Code: "unsupported_response_type", Description: "unsupported response_type"}
	}
	if ar.Username == "" && ar.Password == "" {
		if tok, ok := bearerToken(c.r); ok {
			sess, err := h.api.Resolve(c.ctx, tok)
			if err != nil {
				return &OAuthError{Status: http.StatusForbidden, Code: "access_denied", Description: "invalid bearer token", Err: err}
			}
			ar.Session = &sess
		}
	}
	loc, err := h.api.Authorize(c.ctx, ar)
	var pend *identity.PendingMFA
	if errors.As(err, &pend) {
		// The password was right; the second factor comes on oauth/2fa.
		loc, err = "/api/"+c.version+"/oauth/2fa?fifo_otp_token="+url.QueryEscape(pend.Token), nil
	}
	if err != nil {
		err = oauthClassify(err)
		var oe *OAuthError
		if errors.As(err, &oe) {
			switch oe.Code {
			case "invalid_client":
				// Never redirect to an unverified client (RFC 6749 §4.1.2.1).
				oe.Status, oe.Code, oe.Description = http.StatusBadRequest, "invalid_request", "unknown client_id"
			case "invalid_grant":
				if oe.Status == http.StatusBadRequest {
					oe.Status, oe.Code = http.StatusForbidden, "access_denied"
					if !errors.Is(oe.Err, identity.ErrOTPRequired) {
						oe.Description = "bad user name or password"
					}
				}
			case "invalid_request":
				oe.Description = "invalid client_id, redirect_uri or response_type"
			}
		}
		return err
	}
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.Header().Set("Location", loc)
	c.w.WriteHeader(http.StatusFound)
	return nil
}

// oauthAuthorizeForm is GET /oauth/auth: the login form, or, with
// credentials in the query, HTTP Basic or a bearer token (the user's
// existing session), the authorization itself.
func (h *Handler) oauthAuthorizeForm(c *call) error {
	q, err := c.form(true)
	if err != nil {
		return err
	}
	if err := c.validate(true); err != nil {
		return err
	}
	ar := c.authorizeRequest(q)
	if ar.Username == "" && ar.Password == "" {
		if _, ok := bearerToken(c.r); !ok {
			return c.html(loginPage(c.version, q))
		}
	}
	return h.runAuthorize(c, ar)
}

// oauthAuthorize is POST /oauth/auth, the submitted login form.
func (h *Handler) oauthAuthorize(c *call) error {
	f, err := c.form(false)
	if err != nil {
		return err
	}
	if f.Get("response_type") != "" && f.Get("response_type") != "code" && f.Get("response_type") != "token" {
		return &OAuthError{Status: http.StatusBadRequest, Code: "unsupported_response_type", Description: "unsupported response_type"}
	}
	if err := c.validate(false); err != nil {
		return err
	}
	return h.runAuthorize(c, c.authorizeRequest(f))
}

// oauth2faForm is GET /oauth/2fa: the second-factor form.
func (h *Handler) oauth2faForm(c *call) error {
	q, err := c.form(true)
	if err != nil {
		return err
	}
	if err := c.validate(true); err != nil {
		return err
	}
	return c.html(secondFactorPage(c.version, q))
}

// oauth2fa is POST /oauth/2fa: the second factor of a login oauth/auth
// left pending (fifo_otp_token, fifo_otp) → 302 to the client, like
// oauth/auth. A pending login is used once, right or wrong.
func (h *Handler) oauth2fa(c *call) error {
	f, err := c.form(false)
	if err != nil {
		return err
	}
	if err := c.validate(false); err != nil {
		return err
	}
	loc, err := h.api.CompleteMFA(c.ctx, f.Get("fifo_otp_token"), f.Get("fifo_otp"))
	if err != nil {
		err = oauthClassify(err)
		var oe *OAuthError
		if errors.As(err, &oe) && oe.Code == "invalid_grant" {
			oe.Status, oe.Code, oe.Description = http.StatusForbidden, "access_denied", "bad or expired one-time password"
		}
		return err
	}
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.Header().Set("Location", loc)
	c.w.WriteHeader(http.StatusFound)
	return nil
}
