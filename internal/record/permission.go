package record

// Grant adds the permission path perm (e.g. ["vms", uuid, "get"]) to the
// permissions of a user, role or client record.
func Grant(r *Record, st Stamp, perm []string) (*Record, error) {
	return r.AddToSet(st, "permissions", perm)
}

// Revoke removes the permission path perm from the permissions of a user,
// role or client record.
func Revoke(r *Record, perm []string) (*Record, error) {
	return r.RemoveFromSet("permissions", perm)
}
