package console

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/fifogo/fifo/internal/perm"
)

func userCommands() []command {
	return []command{
		{path: []string{"users", "list"}, help: "every user, by name", run: runUsersList},
		{path: []string{"users", "add"}, args: "<name> <password>", min: 2, max: 2, help: "create a user", run: runUsersAdd},
		{path: []string{"users", "passwd"}, args: "<user> <password>", min: 2, max: 2,
			help: "set a user's password (user: name or uuid)", run: runUsersPasswd},
		{path: []string{"users", "grant"}, args: "<user> <permission>", min: 2, max: 2,
			help: "grant a permission written as a path, e.g. cloud/vms/create", run: runUsersGrant},
	}
}

func runUsersList(ctx context.Context, s *Shell, _ []string) (result, error) {
	if err := need(s.deps.Users != nil, "users (snarl does not run here)"); err != nil {
		return result{}, err
	}
	us, err := s.deps.Users.List(ctx)
	if err != nil {
		return result{}, fmt.Errorf("users list: %w", err)
	}
	sort.Slice(us, func(i, j int) bool { return us[i].Name < us[j].Name })
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tUUID")
	for _, u := range us {
		fmt.Fprintf(w, "%s\t%s\n", u.Name, u.ID)
	}
	w.Flush()
	fmt.Fprintf(&b, "%d users\n", len(us))
	if us == nil {
		us = []User{}
	}
	return result{text: b.String(), data: us}, nil
}

func runUsersAdd(ctx context.Context, s *Shell, args []string) (result, error) {
	if err := need(s.deps.Users != nil, "users (snarl does not run here)"); err != nil {
		return result{}, err
	}
	id, err := s.deps.Users.Add(ctx, args[0], args[1])
	if err != nil {
		return result{}, fmt.Errorf("users add %s: %w", args[0], err)
	}
	return result{text: fmt.Sprintf("created user %s (%s)", args[0], id), data: User{ID: id, Name: args[0]}}, nil
}

func runUsersPasswd(ctx context.Context, s *Shell, args []string) (result, error) {
	if err := need(s.deps.Users != nil, "users (snarl does not run here)"); err != nil {
		return result{}, err
	}
	if err := s.deps.Users.SetPassword(ctx, args[0], args[1]); err != nil {
		return result{}, fmt.Errorf("users passwd %s: %w", args[0], err)
	}
	return result{text: "password of " + args[0] + " changed"}, nil
}

func runUsersGrant(ctx context.Context, s *Shell, args []string) (result, error) {
	if err := need(s.deps.Users != nil, "users (snarl does not run here)"); err != nil {
		return result{}, err
	}
	p, err := perm.ParsePath(args[1])
	if err != nil {
		return result{}, usagef("users grant: permission %q: %v", args[1], err)
	}
	if err := s.deps.Users.Grant(ctx, args[0], p); err != nil {
		return result{}, fmt.Errorf("users grant %s: %w", args[0], err)
	}
	return result{text: fmt.Sprintf("granted %s to %s", args[1], args[0]), data: []string(p)}, nil
}
