package credential_test

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/fifogo/fifo/apps/snarl/credential"
)

func Example() {
	// Sign-up: hash the password (cheap parameters here; production uses
	// the zero PasswordParams, that is credential.HashPassword).
	params := credential.PasswordParams{Memory: 8, Time: 1, Threads: 1}
	stored, err := params.Hash("correct horse battery staple", rand.Reader)
	if err != nil {
		panic(err)
	}

	// Login: throttle by user name, verify, record the outcome.
	throttle, err := credential.NewThrottle(credential.ThrottleOptions{})
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	if wait := throttle.Wait("alice", now); wait > 0 {
		fmt.Println("retry after", wait)
		return
	}
	ok, err := credential.VerifyPassword(stored, "correct horse battery staple")
	if err != nil || !ok {
		throttle.Failure("alice", now)
		return
	}
	throttle.Success("alice", now)

	// Issue an access token: the client gets the secret, the store keeps
	// the grant under the token's ID.
	tok, err := credential.NewToken(rand.Reader)
	if err != nil {
		panic(err)
	}
	grant, err := credential.Options{}.NewGrant(credential.KindAccess, "user-uuid", "client-id", []string{"*"}, now)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(tok.Secret()), len(tok.ID), grant.Kind, grant.ExpiresAt.Sub(grant.IssuedAt))

	// A later request presents the bearer; the store is looked up by ID.
	fmt.Println(credential.TokenID(tok.Secret()) == tok.ID, grant.Expired(now.Add(2*time.Hour)))
	// Output:
	// 43 64 access 1h0m0s
	// true true
}

func ExampleVerifyPassword() {
	// A legacy bcrypt hash of an imported FiFo user.
	const legacy = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
	ok, err := credential.VerifyPassword(legacy, "U*U")
	fmt.Println(ok, err, credential.NeedsRehash(legacy, credential.PasswordParams{}))

	// A hostile stored hash asking for 100 GiB is refused before hashing.
	_, err = credential.VerifyPassword("$argon2id$v=19$m=104857600,t=1,p=1$Zmlmb3NhbHRmaWZvc2FsdA$zm2yF3LRSa3jFQfKk4XrMSZASo99VtqMyN5EXAKvr/w", "x")
	fmt.Println(err)
	// Output:
	// true <nil> true
	// credential: malformed password hash: argon2id memory 104857600 KiB not in 8..262144; work 104857600 KiB-passes above 524288
}

func ExampleParseSSHKey() {
	k, err := credential.ParseSSHKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4 alice@laptop")
	if err != nil {
		panic(err)
	}
	fmt.Println(k.Type, k.ID, k.Comment)
	fmt.Println(credential.ValidKeyName("laptop"), credential.ValidKeyName("laptop2"))
	// Output:
	// ssh-ed25519 f10217deefc13083118b82a00e677fd5 alice@laptop
	// true false
}

func ExampleYubikeyID() {
	id, err := credential.YubikeyID("ccccccjlkgjhhfrdtbihdnjvnrkdhrjcdfkftlebtcvu")
	fmt.Println(id, err)
	// Output: ccccccjlkgjh <nil>
}
