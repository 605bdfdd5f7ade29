package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/fifogo/fifo/apps/snarl/credential"
)

// PendingMFA is the error of an authorization whose user must still give
// a YubiKey one-time password: the password was right, the request waits
// (120 s) under Token for CompleteMFA (/oauth/2fa). It wraps
// ErrOTPRequired.
type PendingMFA struct {
	// Token names the pending authorization (fifo_otp_token).
	Token string
}

// Error implements error; it never holds the token.
func (e *PendingMFA) Error() string { return "second factor required: " + ErrOTPRequired.Error() }

// Unwrap returns ErrOTPRequired.
func (e *PendingMFA) Unwrap() error { return ErrOTPRequired }

// pending is what an MFA token keeps of the authorization request.
type pending struct {
	RedirectURI  string `json:"redirect_uri"`
	Requested    string `json:"requested_uri,omitempty"`
	State        string `json:"state,omitempty"`
	ResponseType string `json:"response_type"`
}

// pendMFA stores an authorization waiting for its second factor and
// returns the PendingMFA error naming it.
func (s *Service) pendMFA(ctx context.Context, user, client string, scope []string, uri string, r AuthorizeRequest) error {
	b, err := json.Marshal(pending{RedirectURI: uri, Requested: r.RedirectURI, State: r.State, ResponseType: r.ResponseType})
	if err != nil {
		return fmt.Errorf("pending login: %w", err)
	}
	m, err := s.mint(ctx, credential.KindMFA, user, client, scope, "", string(b))
	if err != nil {
		return err
	}
	return &PendingMFA{Token: m.bearer}
}

// CompleteMFA finishes an authorization that waits for its second factor:
// the token is used once, the OTP must be one of the user's YubiKeys
// (failures count toward the login throttle), and the answer is the
// redirect Authorize would have given.
func (s *Service) CompleteMFA(ctx context.Context, token, otp string) (string, error) {
	if token == "" {
		return "", fmt.Errorf("no pending login: %w", ErrInvalidGrant)
	}
	t, err := s.consume(ctx, credential.TokenID(token), credential.KindMFA)
	if err != nil {
		return "", fmt.Errorf("pending login: %w", ErrInvalidGrant)
	}
	var p pending
	if err := json.Unmarshal([]byte(t.Comment), &p); err != nil {
		return "", fmt.Errorf("pending login unreadable: %w", ErrInvalidGrant)
	}
	var keys []string
	if err := s.userField(ctx, t.User, "yubikeys", &keys); err != nil {
		return "", fmt.Errorf("pending login: %w", ErrInvalidGrant)
	}
	key := "user-id:" + t.User
	now := s.opts.Now()
	if d := s.throttle.Wait(key, now); d > 0 {
		return "", fmt.Errorf("retry later: %w", ErrThrottled)
	}
	kid, err := credential.YubikeyID(otp)
	if err != nil || !slices.Contains(keys, kid) {
		s.throttle.Failure(key, now)
		return "", fmt.Errorf("bad one-time password: %w", ErrInvalidGrant)
	}
	s.throttle.Success(key, now)
	return s.finishAuthorize(ctx, t.User, t.Client, t.Scope, p.RedirectURI,
		AuthorizeRequest{ResponseType: p.ResponseType, RedirectURI: p.Requested, State: p.State})
}
