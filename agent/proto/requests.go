package proto

// Requests from the control plane to an agent actor (AgentName(HV)).
// Each is answered with a Reply; the queries put their result in
// Reply.Body as CBOR (see each type).

// Reserve asks the agent to admit RAMMB of memory for VM VM against the
// host's capacity (driver.MemoryAdmitter.Reserve). Refusal: CodeNoMemory.
type Reserve struct {
	HV    string
	VM    string
	RAMMB int64
}

// Release drops VM's memory reservation.
type Release struct {
	HV string
	VM string
}

// Create creates a VM. Spec is a CBOR driver.Spec.
type Create struct {
	HV   string
	Spec []byte
}

// Start boots a VM.
type Start struct {
	HV string
	VM string
}

// Stop shuts a VM down (halts it at once with Force).
type Stop struct {
	HV    string
	VM    string
	Force bool
}

// Reboot restarts a VM (at once with Force).
type Reboot struct {
	HV    string
	VM    string
	Force bool
}

// Delete removes a VM and releases its memory.
type Delete struct {
	HV string
	VM string
}

// Update changes a VM's configuration. Update is a CBOR driver.UpdateSpec.
type Update struct {
	HV     string
	VM     string
	Update []byte
}

// Snapshot takes snapshot Name of VM.
type Snapshot struct {
	HV   string
	VM   string
	Name string
}

// DeleteSnapshot destroys snapshot Name of VM.
type DeleteSnapshot struct {
	HV   string
	VM   string
	Name string
}

// Rollback returns a stopped VM to snapshot Name.
type Rollback struct {
	HV   string
	VM   string
	Name string
}

// Snapshots lists VM's snapshots; Reply.Body is a CBOR []driver.Snapshot.
type Snapshots struct {
	HV string
	VM string
}

// ImportImage installs an image. Import is a CBOR driver.ImageImport.
type ImportImage struct {
	HV     string
	Import []byte
}

// Images lists the installed images; Reply.Body is a CBOR []driver.Image.
type Images struct {
	HV string
}

// Get returns one VM; Reply.Body is a CBOR driver.VM.
type Get struct {
	HV string
	VM string
}

// List returns every VM; Reply.Body is a CBOR []driver.VM.
type List struct {
	HV string
}

// Sysinfo returns the host report; Reply.Body is a CBOR driver.Host.
type Sysinfo struct {
	HV string
}

// Reply answers every request to an agent. Code is "" on success, else
// one of the Code* constants with Message saying what failed; Body holds
// a query's CBOR result.
type Reply struct {
	Code    string
	Message string
	Body    []byte
}

// Err returns the reply's error (nil on success), one that unwraps to the
// sentinel of its code (see ErrorOf).
func (r Reply) Err() error { return ErrorOf(r.Code, r.Message) }

// Decode decodes the reply's body into v after checking its error.
func (r Reply) Decode(v any) error {
	if err := r.Err(); err != nil {
		return err
	}
	return Unmarshal(r.Body, v)
}

// ReplyOf builds the reply to a request: err's code and message, or body
// encoded as CBOR (no body when body is nil).
func ReplyOf(body any, err error) Reply {
	if err != nil {
		return Reply{Code: CodeOf(err), Message: err.Error()}
	}
	if body == nil {
		return Reply{}
	}
	b, err := Marshal(body)
	if err != nil {
		return Reply{Code: CodeInternal, Message: err.Error()}
	}
	return Reply{Body: b}
}
