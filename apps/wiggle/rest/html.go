package rest

import (
	"bytes"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
)

// pages are the HTML pages of the authorization endpoint. html/template
// escapes every value; nothing secret is ever put in a page (a submitted
// password is never echoed back).
var pages = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>FiFo login</title></head>
<body><h1>FiFo login</h1>
<form method="post" action="{{.Action}}">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<p><label>User <input name="username" autocomplete="username" value="{{.Username}}" required></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><label>YubiKey (if you use one) <input name="fifo_otp" autocomplete="one-time-code"></label></p>
<p><button type="submit">Log in</button></p>
</form></body></html>
{{define "2fa"}}<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>FiFo second factor</title></head>
<body><h1>FiFo second factor</h1>
<form method="post" action="{{.Action}}">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<p><label>YubiKey <input name="fifo_otp" autocomplete="one-time-code" required></label></p>
<p><button type="submit">Continue</button></p>
</form></body></html>
{{end}}`))

// page is what a page template shows.
type page struct {
	template string
	Action   string
	Hidden   []field
	Username string
}

// field is a hidden form field.
type field struct{ Name, Value string }

// hidden copies the named query parameters that are set.
func hidden(q url.Values, names ...string) []field {
	var out []field
	for _, n := range names {
		if v := q.Get(n); v != "" {
			out = append(out, field{Name: n, Value: v})
		}
	}
	return out
}

// loginPage is the authorization endpoint's login form.
func loginPage(version string, q url.Values) page {
	return page{template: "login", Action: "/api/" + version + "/oauth/auth",
		Hidden:   hidden(q, "response_type", "client_id", "redirect_uri", "state", "scope"),
		Username: q.Get("username")}
}

// secondFactorPage is the form of oauth/2fa.
func secondFactorPage(version string, q url.Values) page {
	return page{template: "2fa", Action: "/api/" + version + "/oauth/2fa",
		Hidden: hidden(q, "fifo_otp_token", "response_type", "redirect_uri", "state")}
}

// html answers 200 with the page.
func (c *call) html(p page) error {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, p.template, p); err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(b.Bytes())
	return nil
}
