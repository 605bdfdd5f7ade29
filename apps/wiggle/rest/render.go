package rest

import (
	"fmt"
	"slices"

	"github.com/fifogo/fifo/apps/snarl/identity"
	"github.com/fifogo/fifo/internal/record"
)

// The JSON views of snarl's records (the document's User, Role, Org and
// Client schemas). Every list and map is present, empty rather than null.
// Secrets never have a field here: no password hash, no token value, no
// client secret.

// userJSON is the User schema.
type userJSON struct {
	UUID        string            `json:"uuid"`
	Name        string            `json:"name"`
	Roles       []string          `json:"roles"`
	Permissions [][]string        `json:"permissions"`
	Yubikeys    []string          `json:"yubikeys"`
	Keys        map[string]string `json:"keys"`
	Org         string            `json:"org"`
	Orgs        []string          `json:"orgs"`
	Tokens      []tokenJSON       `json:"tokens"`
	Metadata    map[string]any    `json:"metadata"`
}

// tokenJSON is the TokenInfo schema: a token without its value.
type tokenJSON struct {
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Scope   []string `json:"scope"`
	Expiery int64    `json:"expiery,omitempty"`
	Client  string   `json:"client,omitempty"`
	Comment string   `json:"comment,omitempty"`
}

// roleJSON is the Role schema.
type roleJSON struct {
	UUID        string         `json:"uuid"`
	Name        string         `json:"name"`
	Permissions [][]string     `json:"permissions"`
	Metadata    map[string]any `json:"metadata"`
}

// orgJSON is the Org schema.
type orgJSON struct {
	UUID      string                 `json:"uuid"`
	Name      string                 `json:"name"`
	Triggers  map[string]triggerJSON `json:"triggers"`
	Resources map[string]int64       `json:"resources"`
	Docker    *dockerJSON            `json:"docker,omitempty"`
	Metadata  map[string]any         `json:"metadata"`
}

// triggerJSON is the Trigger schema.
type triggerJSON struct {
	Trigger    string   `json:"trigger"`
	Action     string   `json:"action"`
	Target     string   `json:"target"`
	Permission []string `json:"permission,omitempty"`
}

// dockerJSON is the DockerNetworks schema.
type dockerJSON struct {
	Public  string `json:"public,omitempty"`
	Private string `json:"private,omitempty"`
}

// clientJSON is the Client schema.
type clientJSON struct {
	UUID         string            `json:"uuid"`
	Name         string            `json:"name"`
	ClientID     string            `json:"client_id,omitempty"`
	Type         string            `json:"type,omitempty"`
	RedirectURIs map[string]string `json:"redirect_uris"`
	Permissions  [][]string        `json:"permissions"`
	Roles        []string          `json:"roles"`
	Metadata     map[string]any    `json:"metadata"`
}

// render returns the JSON view of a record of kind k.
func render(k identity.Kind, r *record.Record) (any, error) {
	switch k {
	case identity.Users:
		return renderUser(r)
	case identity.Roles:
		return renderRole(r)
	case identity.Orgs:
		return renderOrg(r)
	case identity.Clients:
		return renderClient(r)
	}
	return nil, fmt.Errorf("render: unknown kind %q", k)
}

func renderUser(r *record.Record) (userJSON, error) {
	u, err := record.UserFromRecord(r)
	if err != nil {
		return userJSON{}, fmt.Errorf("render user: %w", err)
	}
	out := userJSON{
		UUID: u.UUID, Name: u.Name, Org: u.ActiveOrg,
		Roles: strs(u.Roles), Permissions: perms(u.Permissions), Yubikeys: strs(u.YubiKeys),
		Orgs: strs(u.Orgs), Keys: make(map[string]string, len(u.SSHKeys)),
		Tokens: make([]tokenJSON, 0, len(u.Tokens)), Metadata: publicMetadata(u.Metadata),
	}
	for _, k := range u.SSHKeys {
		out.Keys[k.Name] = k.Key
	}
	for _, t := range u.Tokens {
		out.Tokens = append(out.Tokens, tokenJSON{
			ID: t.ID, Type: tokenType(t.Type), Scope: strs(t.Scope), Expiery: t.Expiry,
			Client: t.Client, Comment: t.Comment,
		})
	}
	slices.SortFunc(out.Tokens, func(a, b tokenJSON) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out, nil
}

// tokenType is the type a user's token shows: "access" or "refresh" (the
// document's enum; API keys are access tokens that never expire).
func tokenType(t string) string {
	if t == "refresh" {
		return "refresh"
	}
	return "access"
}

func renderRole(r *record.Record) (roleJSON, error) {
	v, err := record.RoleFromRecord(r)
	if err != nil {
		return roleJSON{}, fmt.Errorf("render role: %w", err)
	}
	return roleJSON{UUID: v.UUID, Name: v.Name, Permissions: perms(v.Permissions), Metadata: publicMetadata(v.Metadata)}, nil
}

func renderOrg(r *record.Record) (orgJSON, error) {
	v, err := record.OrgFromRecord(r)
	if err != nil {
		return orgJSON{}, fmt.Errorf("render org: %w", err)
	}
	out := orgJSON{
		UUID: v.UUID, Name: v.Name, Triggers: make(map[string]triggerJSON, len(v.Triggers)),
		Resources: make(map[string]int64, len(v.Resources)), Metadata: publicMetadata(v.Metadata),
	}
	for id, t := range v.Triggers {
		m, ok := t.(map[string]any)
		if !ok {
			continue
		}
		tj := triggerJSON{Trigger: str(m["trigger"]), Action: str(m["action"]), Target: str(m["target"])}
		if p, ok := m["permission"].([]any); ok {
			for _, e := range p {
				tj.Permission = append(tj.Permission, str(e))
			}
		}
		out.Triggers[id] = tj
	}
	for k, n := range v.Resources {
		out.Resources[k] = n
	}
	if nets, ok := dig(v.Metadata, dockerPath...).(map[string]any); ok {
		d := &dockerJSON{Public: str(nets["public"]), Private: str(nets["private"])}
		if *d != (dockerJSON{}) {
			out.Docker = d
		}
	}
	return out, nil
}

func renderClient(r *record.Record) (clientJSON, error) {
	v, err := record.ClientFromRecord(r)
	if err != nil {
		return clientJSON{}, fmt.Errorf("render client: %w", err)
	}
	out := clientJSON{
		UUID: v.UUID, Name: v.Name, ClientID: v.ClientID, Type: v.ClientType,
		RedirectURIs: make(map[string]string, len(v.RedirectURIs)),
		Permissions:  perms(v.Permissions), Roles: strs(v.Roles), Metadata: publicMetadata(v.Metadata),
	}
	for _, u := range v.RedirectURIs {
		out.RedirectURIs[identity.URIID(u)] = u
	}
	return out, nil
}

// metadataRoot is where the REST API's metadata lives inside a record's
// metadata map (FiFo: users, roles, orgs and clients keep it under
// "public" and show only that).
const metadataRoot = "public"

// dockerPath is where an org's docker networks live in its metadata.
var dockerPath = []string{"fifo", "docker", "networks"}

// publicMetadata is the metadata the API shows: metadata.public.
func publicMetadata(m map[string]any) map[string]any {
	if p, ok := m[metadataRoot].(map[string]any); ok {
		return p
	}
	return map[string]any{}
}

// dig follows path through nested maps.
func dig(m map[string]any, path ...string) any {
	var v any = m
	for _, k := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func perms(p [][]string) [][]string {
	if p == nil {
		return [][]string{}
	}
	return p
}
