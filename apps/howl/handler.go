package howl

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/coder/websocket"
)

// Subprotocols howl speaks; a client that asks for neither gets JSON.
const (
	SubprotocolJSON    = "json"
	SubprotocolMsgPack = "msgpack"
)

// ottParam is the query parameter carrying the one-time token.
const ottParam = "fifo_ott"

// serveHTTP authenticates a websocket request by its one-time token,
// before the upgrade, then serves the connection.
func (s *Service) serveHTTP(w http.ResponseWriter, r *http.Request) {
	h := s.hub.Load()
	if h == nil {
		s.reject(w, http.StatusServiceUnavailable, "howl not running", "not_running")
		return
	}
	ott := r.URL.Query().Get(ottParam)
	if ott == "" {
		s.reject(w, http.StatusUnauthorized, "ott required", "ott_missing")
		return
	}
	if !isWebsocketUpgrade(r) {
		// Not a websocket handshake: keep the token for the real one.
		s.reject(w, http.StatusUpgradeRequired, "websocket upgrade required", "handshake")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.AuthTimeout)
	principal, err := s.opts.Auth.ConsumeOTT(ctx, ott)
	cancel()
	if err != nil {
		if errors.Is(err, ErrAuthUnavailable) {
			s.log.Warn("one-time token not checked", "err", err)
			s.reject(w, http.StatusServiceUnavailable, "authentication unavailable", "auth_unavailable")
			return
		}
		s.log.Debug("one-time token refused", "err", err)
		s.reject(w, http.StatusForbidden, "permission denied", "ott_invalid")
		return
	}
	if principal == nil {
		s.log.Error("auth returned no principal and no error")
		s.reject(w, http.StatusForbidden, "permission denied", "ott_invalid")
		return
	}
	rec := &hijackRecorder{ResponseWriter: w}
	ws, err := websocket.Accept(rec, r, &websocket.AcceptOptions{
		Subprotocols:   []string{SubprotocolJSON, SubprotocolMsgPack},
		OriginPatterns: s.opts.OriginPatterns,
	})
	if err != nil {
		// Accept has answered the client.
		s.m.Rejected.WithLabelValues("handshake").Inc()
		s.log.Debug("websocket handshake failed", "err", err)
		return
	}
	s.serve(h, ws, rec.conn, principal)
}

// reject answers a request that is not served, with a plain-text body.
func (s *Service) reject(w http.ResponseWriter, code int, body, reason string) {
	s.m.Rejected.WithLabelValues(reason).Inc()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	io.WriteString(w, body)
}

// isWebsocketUpgrade reports whether r asks for a websocket upgrade (the
// handshake's details are checked by websocket.Accept).
func isWebsocketUpgrade(r *http.Request) bool {
	return headerHasToken(r.Header, "Connection", "upgrade") && headerHasToken(r.Header, "Upgrade", "websocket")
}

// headerHasToken reports whether a comma-separated header holds token,
// ignoring case.
func headerHasToken(h http.Header, key, token string) bool {
	for _, v := range h.Values(key) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
