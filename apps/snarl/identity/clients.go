package identity

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"

	"github.com/fifogo/fifo/apps/snarl/credential"
	"github.com/fifogo/fifo/internal/record"
)

// Client types.
const (
	ClientPublic       = "public"
	ClientConfidential = "confidential"
)

// CreateClient implements API: the client's OAuth2 client_id is its name;
// a client with a secret is confidential, one without is public.
func (s *Service) CreateClient(ctx context.Context, name, secret string) (string, error) {
	sec, typ, err := s.hashSecret(secret)
	if err != nil {
		return "", err
	}
	return s.repo.CreateNamed(ctx, record.BucketClient, "client", name, func(id string, st record.Stamp) (*record.Record, error) {
		return record.NewClient(st, record.Client{UUID: id, Name: name, ClientID: name, Secret: sec, ClientType: typ})
	})
}

// hashSecret hashes a client secret; "" makes a public client.
func (s *Service) hashSecret(secret string) (record.Password, string, error) {
	if secret == "" {
		return record.Password{}, ClientPublic, nil
	}
	h, err := s.opts.Password.Hash(secret, s.opts.Rand)
	if err != nil {
		return record.Password{}, "", fmt.Errorf("client secret: %w: %w", ErrInvalid, err)
	}
	return record.Password{Algo: passwordAlgo(h), Hash: []byte(h)}, ClientConfidential, nil
}

// SetClientSecret implements API.
func (s *Service) SetClientSecret(ctx context.Context, client, secret string) error {
	sec, typ, err := s.hashSecret(secret)
	if err != nil {
		return err
	}
	return s.repo.Update(ctx, record.BucketClient, client, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		d, err := r.SetField(st, "secret", sec)
		if err != nil {
			return nil, err
		}
		d2, err := r.SetField(st, "client_type", typ)
		if err != nil {
			return nil, err
		}
		return record.Merge(d, d2)
	})
}

// URIID is the id of a redirect URI in the API (DELETE
// /clients/:id/uris/:uri-id): 16 hex digits of its SHA-256.
func URIID(uri string) string {
	sum := sha256.Sum256([]byte(uri))
	return hex.EncodeToString(sum[:8])
}

// validRedirect accepts absolute URIs without a fragment (RFC 6749 §3.1.2).
func validRedirect(uri string) error {
	u, err := url.Parse(uri)
	if err != nil || !u.IsAbs() || u.Fragment != "" || u.Host == "" && u.Opaque == "" {
		return fmt.Errorf("redirect uri %q: absolute, without fragment: %w", uri, ErrInvalid)
	}
	return nil
}

// AddRedirectURI implements API.
func (s *Service) AddRedirectURI(ctx context.Context, client, uri string) error {
	if err := validRedirect(uri); err != nil {
		return err
	}
	return s.repo.Update(ctx, record.BucketClient, client, func(r *record.Record, st record.Stamp) (*record.Record, error) {
		return r.AddToSet(st, "redirect_uris", uri)
	})
}

// DeleteRedirectURI implements API.
func (s *Service) DeleteRedirectURI(ctx context.Context, client, uriID string) error {
	return s.repo.Update(ctx, record.BucketClient, client, func(r *record.Record, _ record.Stamp) (*record.Record, error) {
		c, err := record.ClientFromRecord(r)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(c.RedirectURIs, func(u string) bool { return URIID(u) == uriID })
		if i < 0 {
			return nil, fmt.Errorf("redirect uri %s: %w", uriID, ErrNotFound)
		}
		return r.RemoveFromSet("redirect_uris", c.RedirectURIs[i])
	})
}

// authClient authenticates an OAuth2 client by client_id and secret. A
// public client needs no secret; a confidential one must present it.
func (s *Service) authClient(ctx context.Context, clientID, secret string) (record.Client, error) {
	id, err := s.st.LookupName(ctx, record.BucketClient, clientID)
	if err != nil {
		return record.Client{}, fmt.Errorf("client %q: %w", clientID, ErrInvalidClient)
	}
	r, err := s.repo.Load(ctx, record.BucketClient, id)
	if err != nil {
		return record.Client{}, fmt.Errorf("client %q: %w", clientID, ErrInvalidClient)
	}
	c, err := record.ClientFromRecord(r)
	if err != nil {
		return record.Client{}, fmt.Errorf("client %q: %w", clientID, err)
	}
	c.UUID = id
	if c.ClientType == ClientPublic {
		return c, nil
	}
	ok, err := credential.VerifyPassword(string(c.Secret.Hash), secret)
	if err != nil || !ok {
		return record.Client{}, fmt.Errorf("client %q: bad secret: %w", clientID, ErrInvalidClient)
	}
	return c, nil
}
