package proto

// Request is implemented by every request to an agent actor.
type Request interface {
	// Hypervisor is the uuid of the hypervisor the request is meant for.
	Hypervisor() string
}

// Hypervisor implements Request.
func (r Reserve) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Release) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Create) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Start) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Stop) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Reboot) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Delete) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Update) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Snapshot) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r DeleteSnapshot) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Rollback) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Snapshots) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r ImportImage) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Images) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Get) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r List) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r Sysinfo) Hypervisor() string { return r.HV }
