package perm_test

import (
	"fmt"

	"github.com/fifogo/fifo/internal/perm"
)

func ExampleMatch() {
	granted := perm.Permission{"vms", "_", "get"}
	fmt.Println(perm.Match(granted, perm.Permission{"vms", "u1", "get"}))
	fmt.Println(perm.Match(granted, perm.Permission{"vms", "u1", "x", "get"}))
	fmt.Println(perm.Match(perm.Permission{"vms", "u1", "..."}, perm.Permission{"vms", "u1"}))
	// Output:
	// true
	// false
	// false
}

func ExampleSet() {
	var user perm.Set
	user.Add(perm.Permission{"cloud", "vms", "create"})
	// Creating VM u1 granted its creator:
	user.Add(perm.Permission{"vms", "u1", "..."})
	user.Add(perm.Permission{"channels", "u1", "join"})
	fmt.Println(user.Allowed(perm.Permission{"vms", "u1", "start"}))
	// Deleting it revokes both prefixes:
	n := user.RevokePrefix(perm.Permission{"vms", "u1"}) + user.RevokePrefix(perm.Permission{"channels", "u1"})
	fmt.Println(n, user.Allowed(perm.Permission{"vms", "u1", "start"}), user.List())
	// Output:
	// true
	// 2 false [cloud/vms/create]
}

func ExampleAuthorize() {
	scope := perm.NewSet(perm.Permission{"..."}) // scope "*" (Everything)
	user := perm.NewSet(perm.Permission{"users", "u1", "_"}, perm.Permission{"vms", "_", "get"})
	// PUT /users/u1/permissions/vms/_/get needs users/u1/grant and the permission itself.
	granted, err := perm.ParsePath("vms/_/get")
	if err != nil {
		panic(err)
	}
	fmt.Println(perm.Authorize(scope, user, perm.Permission{"users", "u1", "grant"}, granted))
	fmt.Println(perm.Authorize(scope, user, perm.Permission{"users", "u2", "grant"}, granted))
	// Output:
	// true
	// false
}

func ExampleAuthorizeCheck() {
	user := perm.NewSet(perm.Permission{"vms", "v1", "console"})
	// SSH into a zone: console, ssh or ssh/<login> on the VM.
	ssh := perm.Any(
		perm.Permission{"vms", "v1", "console"},
		perm.Permission{"vms", "v1", "ssh"},
		perm.Permission{"vms", "v1", "ssh", "root"},
	)
	fmt.Println(ssh, perm.AuthorizeCheck(nil, user, ssh))
	// Output:
	// any(vms/v1/console, vms/v1/ssh, vms/v1/ssh/root) true
}

func ExampleParsePath() {
	p, err := perm.ParsePath("vms/a%2Fb/get")
	fmt.Printf("%q %v\n", []string(p), err)
	_, err = perm.ParsePath("vms//get")
	fmt.Println(err)
	// Output:
	// ["vms" "a/b" "get"] <nil>
	// perm: invalid permission: empty element at index 1
}

func ExampleParseJSON() {
	p, err := perm.ParseJSON([]byte(`["cloud","vms","create"]`))
	fmt.Println(p, err)
	// Output:
	// cloud/vms/create <nil>
}
