package spec

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/fifogo/fifo/agent/driver"
)

// ToVmadm builds the `vmadm create` payload of a VM from its package,
// dataset and config (the original's chunter_spec:to_vmadm).
func ToVmadm(p Package, d Dataset, c Config, h Host) (driver.Spec, error) {
	h = h.withDefaults()
	brand, err := brandOf(d)
	if err != nil {
		return driver.Spec{}, err
	}
	if err := checkInputs(p, d, c); err != nil {
		return driver.Spec{}, err
	}
	share := ramShare(p.RAM, h.TotalMemoryMB)
	s := driver.Spec{
		UUID:          c.UUID,
		Brand:         brand,
		Alias:         c.Alias,
		Hostname:      c.Hostname,
		DNSDomain:     c.DNSDomain,
		Autoboot:      c.Autoboot == nil || *c.Autoboot,
		MaxSwap:       max(256, or(p.MaxSwap, 2*p.RAM)),
		CPUCap:        p.CPUCap,
		CPUShares:     or(p.CPUShares, share),
		ZFSIOPriority: or(p.ZFSIOPriority, share),
		OwnerUUID:     or(c.Owner, ZeroUUID),
		PackageName:   p.UUID,
		Resolvers:     append([]string{}, or2(c.Resolvers, h.Resolvers)...),
		Routes:        copyMap(c.Routes),
		NICs:          nics(c.NICs),
	}
	if driver.HVM(brand) {
		hvmSpec(&s, p, d, h)
	} else {
		zoneSpec(&s, p, d, c)
	}
	if err := customerMetadata(&s, c); err != nil {
		return driver.Spec{}, err
	}
	if err := internalMetadata(&s, p, c); err != nil {
		return driver.Spec{}, err
	}
	if d.ZoneType == "docker" {
		if err := dockerSpec(&s, d, c, h); err != nil {
			return driver.Spec{}, err
		}
	}
	return s, nil
}

// brandOf picks the brand from the dataset.
func brandOf(d Dataset) (string, error) {
	switch d.Type {
	case "zone", "zone-dataset", "lx-dataset", "docker":
		switch d.ZoneType {
		case "lx", "docker":
			return "lx", nil
		case "":
			switch d.Brand {
			case "", "joyent":
				return "joyent", nil
			case "joyent-minimal":
				return "joyent-minimal", nil
			}
			return "", invalid("dataset %s: zone brand %q", d.UUID, d.Brand)
		}
		return "", invalid("dataset %s: zone type %q does not run under vmadm", d.UUID, d.ZoneType)
	case "kvm", "zvol", "bhyve":
		switch {
		case d.Type == "bhyve" || d.Brand == "bhyve":
			return "bhyve", nil
		case d.Brand == "" || d.Brand == "kvm":
			return "kvm", nil
		}
		return "", invalid("dataset %s: hardware brand %q", d.UUID, d.Brand)
	}
	return "", invalid("dataset %s: type %q does not run under vmadm", d.UUID, d.Type)
}

func checkInputs(p Package, d Dataset, c Config) error {
	switch {
	case !driver.ValidUUID(c.UUID):
		return invalid("config uuid %q is not a uuid", c.UUID)
	case !driver.ValidUUID(d.UUID):
		return invalid("dataset uuid %q is not a uuid", d.UUID)
	case p.RAM <= 0:
		return invalid("package %s: ram %d", p.UUID, p.RAM)
	case p.Quota < 0 || p.CPUCap < 0:
		return invalid("package %s: negative quota or cpu_cap", p.UUID)
	case (d.ZoneType == "lx" || d.ZoneType == "docker") && d.KernelVersion == "":
		return invalid("dataset %s: %s needs a kernel_version", d.UUID, d.ZoneType)
	}
	for i, n := range c.NICs {
		if n.NICTag == "" {
			return invalid("nic %d has no nic_tag", i)
		}
	}
	return checkPasswords(c.Passwords)
}

// zoneSpec adds what zones (joyent, joyent-minimal, lx) need.
func zoneSpec(s *driver.Spec, p Package, d Dataset, c Config) {
	s.MaxPhysicalMemory = p.RAM
	s.MaxLockedMemory = p.RAM
	s.Quota = p.Quota
	s.ImageUUID = d.UUID
	s.ZFSRootCompression = p.Compression
	if c.DelegateDataset {
		s.DelegateDataset = true
		s.ZFSDataCompression = p.Compression
	}
	if s.Brand == "lx" {
		s.KernelVersion = d.KernelVersion
		s.DNSDomain = ""
	}
}

// hvmSpec adds what hardware VMs (kvm, bhyve) need: ram and vcpus, the
// hypervisor's overhead in max_physical_memory, a boot disk from the
// image and a data disk of the package's quota.
func hvmSpec(s *driver.Spec, p Package, d Dataset, h Host) {
	s.RAM = p.RAM
	s.VCPUs = vcpus(p.CPUCap)
	s.CPUType = h.CPUType
	s.MaxPhysicalMemory = p.RAM + h.HVMOverheadMB
	s.MaxLockedMemory = s.MaxPhysicalMemory
	s.NICDriver = d.NICDriver
	s.DiskDriver = d.DiskDriver
	s.Disks = []driver.Disk{{Boot: true, ImageUUID: d.UUID, ImageSize: d.ImageSize, Model: d.DiskDriver}}
	if p.Quota > 0 {
		s.Disks = append(s.Disks, driver.Disk{
			Boot: false, Size: p.Quota * 1024, Model: d.DiskDriver,
			Compression: p.Compression, Blocksize: p.Blocksize,
		})
	}
	for i := range s.NICs {
		if s.NICs[i].Model == "" {
			s.NICs[i].Model = d.NICDriver
		}
	}
}

// nics copies the claims and makes the first primary unless one is.
func nics(in []driver.NIC) []driver.NIC {
	if len(in) == 0 {
		return nil
	}
	out := make([]driver.NIC, len(in))
	primary := false
	for i, n := range in {
		n.IPs = append([]string(nil), n.IPs...)
		n.Gateways = append([]string(nil), n.Gateways...)
		out[i] = n
		primary = primary || n.Primary
	}
	if !primary {
		out[0].Primary = true
	}
	return out
}

// customerMetadata merges the config's metadata, then the SSH keys
// (root_authorized_keys) and the user-script, which win.
func customerMetadata(s *driver.Spec, c Config) error {
	m := driver.Metadata{}
	for k, v := range c.Metadata {
		str, err := metaString(v)
		if err != nil {
			return err
		}
		m[k] = str
	}
	if len(c.SSHKeys) > 0 {
		m["root_authorized_keys"] = strings.Join(c.SSHKeys, "\n")
	}
	if c.UserScript != "" {
		m["user-script"] = c.UserScript
	}
	if len(m) > 0 {
		s.CustomerMetadata = m
	}
	return nil
}

// internalMetadata records the package (read back by ToSniffle), the
// note, the network map and the passwords.
func internalMetadata(s *driver.Spec, p Package, c Config) error {
	m := driver.Metadata{}
	if p.UUID != "" {
		m["package"] = p.UUID
	}
	if c.Note != "" {
		m["note"] = c.Note
	}
	if len(c.NetworkMap) > 0 {
		b, err := json.Marshal(c.NetworkMap)
		if err != nil {
			return invalid("network_map: %v", err)
		}
		m["network_map"] = string(b)
	}
	for k, v := range c.Passwords {
		m[k] = v
	}
	if len(m) > 0 {
		s.InternalMetadata = m
	}
	return nil
}

// dockerSpec turns an lx spec into a docker one: created stopped, with
// dockerinit, the docker metadata namespace, the config's docker settings
// as docker:<key>, the image's command when the config has none, and the
// attach window.
func dockerSpec(s *driver.Spec, d Dataset, c Config, h Host) error {
	if h.Now.IsZero() {
		return invalid("docker vm %s: the time is needed (Host.Now)", c.UUID)
	}
	s.Docker = true
	s.Autoboot = false
	s.InitName = DockerInit
	s.InternalMetadataNamespaces = []string{"docker"}
	if s.InternalMetadata == nil {
		s.InternalMetadata = driver.Metadata{}
	}
	for k, v := range c.Docker {
		str, err := metaString(v)
		if err != nil {
			return err
		}
		s.InternalMetadata["docker:"+k] = str
	}
	if _, ok := c.Docker["cmd"]; !ok && len(d.DockerCmd) > 0 {
		b, _ := json.Marshal(d.DockerCmd)
		s.InternalMetadata["docker:cmd"] = string(b)
	}
	s.InternalMetadata["docker:wait_for_attach"] = strconv.FormatInt(h.Now.Add(DockerAttachWait).UnixMilli(), 10)
	return nil
}

// DockerCmdFromManifest reads an image manifest's default docker command
// (tags."docker:config".Cmd); nil when it has none.
func DockerCmdFromManifest(manifest []byte) ([]string, error) {
	var m struct {
		Tags struct {
			Config struct {
				Cmd []string `json:"Cmd"`
			} `json:"docker:config"`
		} `json:"tags"`
	}
	if err := json.Unmarshal(manifest, &m); err != nil {
		return nil, invalid("image manifest: %v", err)
	}
	return m.Tags.Config.Cmd, nil
}

func or2(v, dflt []string) []string {
	if v == nil {
		return dflt
	}
	return v
}

func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
