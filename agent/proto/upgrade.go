package proto

// Requests of a binary upgrade of the agent (docs/releases.md, "Pushing
// chunter to hypervisors"). The control plane asks what the agent runs
// (UpgradeInfo), announces a binary (UpgradeBegin), sends it in chunks
// (UpgradeChunk) and tells the agent to run it (UpgradeSwitch). Each is a
// Request answered with a Reply; ergo may drop any of them, so every one
// is idempotent: a chunk repeated, or sent again after a lost reply, is
// acknowledged without being written twice, and the agent's answer always
// names the offset it wants next, so a transfer resumes where the agent
// stands.

// MaxChunk bounds the data of one UpgradeChunk, in bytes.
const MaxChunk = 1 << 20

// UpgradeInfo asks what the agent runs; Reply.Body is a CBOR
// UpgradeState.
type UpgradeInfo struct {
	HV string
}

// UpgradeBegin announces the agent binary of Version, Size bytes whose
// SHA-256 is SHA256 (lower-case hex); Reply.Body is a CBOR
// UpgradeProgress: where the transfer stands (Size when the agent already
// holds the verified binary).
type UpgradeBegin struct {
	HV      string
	Version string
	Size    int64
	SHA256  string
}

// UpgradeChunk carries bytes [Offset, Offset+len(Data)) of the binary
// of Version, Size bytes long with SHA-256 SHA256: every chunk names its
// binary, so the agent needs no state but the partial file. ChunkSHA256
// is the SHA-256 of Data: a chunk that does not match it is not taken.
// Reply.Body is a CBOR UpgradeProgress. Once the last byte is in, the
// agent checks the whole file against SHA256; a mismatch is an error
// (CodeInvalid) and the transfer starts over.
type UpgradeChunk struct {
	HV          string
	Version     string
	Size        int64
	SHA256      string
	Offset      int64
	Data        []byte
	ChunkSHA256 string
}

// UpgradeSwitch tells the agent to run the binary of Version it received
// and verified (SHA256 names it). The agent answers, then stops its
// application and executes the new binary, which registers again; a
// binary that is missing, does not match or does not run is refused
// (CodeInvalid) and the agent stays as it is.
type UpgradeSwitch struct {
	HV      string
	Version string
	SHA256  string
}

// UpgradeState is what an agent runs and where its upgrades stand.
type UpgradeState struct {
	// Version is the agent's build version.
	Version string `json:"version"`
	// OS and Arch are the platform of its binary (GOOS, GOARCH).
	OS   string `json:"os"`
	Arch string `json:"arch"`
	// PID is the agent's process id; Exe the path of its binary.
	PID int64  `json:"pid"`
	Exe string `json:"exe"`
	// Upgradable is false for an agent that cannot take a binary (one
	// running inside a fifo node: it is upgraded with the node).
	Upgradable bool `json:"upgradable"`
	// Trial names the version this agent runs on trial: it switched to
	// it and has not yet registered with a control node ("" when none).
	Trial string `json:"trial,omitempty"`
	// Last is the outcome of the last switch, if any.
	Last *UpgradeOutcome `json:"last,omitempty"`
}

// UpgradeOutcome is how a switch from one version to another ended.
type UpgradeOutcome struct {
	From string `json:"from"`
	To   string `json:"to"`
	// OK is true when the new version registered and became current.
	OK bool `json:"ok"`
	// Reason says why it failed.
	Reason string `json:"reason,omitempty"`
	// At is when it ended, Unix milliseconds (agent's clock).
	At int64 `json:"at"`
}

// UpgradeProgress answers UpgradeBegin and UpgradeChunk: Offset is the
// next byte the agent wants (the size once complete). Refused says why
// the chunk just sent was not taken (its data did not match ChunkSHA256,
// or it named another binary); the sender sends from Offset again.
type UpgradeProgress struct {
	Offset  int64  `json:"offset"`
	Refused string `json:"refused,omitempty"`
}

// Hypervisor implements Request.
func (r UpgradeInfo) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r UpgradeBegin) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r UpgradeChunk) Hypervisor() string { return r.HV }

// Hypervisor implements Request.
func (r UpgradeSwitch) Hypervisor() string { return r.HV }
