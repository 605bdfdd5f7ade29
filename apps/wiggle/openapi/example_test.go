package openapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/fifogo/fifo/apps/wiggle/openapi"
)

// Routes gives the router and the walk-every-route test what each
// operation needs and answers.
func ExampleRoutes() {
	doc, err := openapi.Load()
	if err != nil {
		panic(err)
	}
	routes, err := openapi.Routes(doc)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(routes), "operations")
	for _, r := range routes {
		if r.OperationID == "grantUserPermission" {
			fmt.Println(r.Method, openapi.BasePath+r.Path)
			fmt.Println(r.Success, r.Access, r.Permissions, "tail:", r.Tail)
		}
	}
	// Output:
	// 168 operations
	// PUT /api/{version}/users/{id}/permissions/{permission}
	// 204 permission [[users {id} grant] [{permission...}]] tail: permission
}

// A Validator checks a request and the response wiggle gave to it.
func ExampleValidator() {
	doc, err := openapi.Load()
	if err != nil {
		panic(err)
	}
	v, err := openapi.NewValidator(doc)
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest("POST", "/api/3/users", strings.NewReader(`{"user":"alice","password":"pw"}`))
	req.Header.Set("Authorization", "Bearer 0123")
	fmt.Println("request:", v.ValidateRequest(req))

	loc := http.Header{"Location": {"/api/3/users/4a5b2f7e-8c1d-4e2f-9a3b-6c7d8e9f0a1b"}}
	fmt.Println("303:", v.ValidateResponse(req, http.StatusSeeOther, loc, nil))
	fmt.Println("201 rejected:", v.ValidateResponse(req, http.StatusCreated, loc, nil) != nil)
	// Output:
	// request: <nil>
	// 303: <nil>
	// 201 rejected: true
}

// SplitTail turns a routed tail parameter into permission elements.
func ExampleSplitTail() {
	elems, err := openapi.SplitTail("vms/_/snapshot%2Frollback")
	fmt.Printf("%q %v\n", elems, err)
	// Output: ["vms" "_" "snapshot/rollback"] <nil>
}
