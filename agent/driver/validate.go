package driver

import (
	"errors"
	"fmt"
	"strings"
)

// ValidUUID reports whether s is a uuid in its canonical textual form
// (8-4-4-4-12 hex digits). Drivers pass uuids to commands as arguments,
// so anything else, such as a value starting with "-", is refused before
// it reaches one.
func ValidUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c byte) bool {
	return ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}

// CheckUUID returns ErrInvalid, naming what, when s is not a uuid.
func CheckUUID(what, s string) error {
	if !ValidUUID(s) {
		return fmt.Errorf("%s %q is not a uuid: %w", what, s, ErrInvalid)
	}
	return nil
}

// CheckSnapshotName returns ErrInvalid unless name is a snapshot name zfs
// accepts and no command mistakes for an option: 1 to 64 characters of
// letters, digits and "-_.:%", not starting with "-".
func CheckSnapshotName(name string) error {
	bad := len(name) == 0 || len(name) > 64 || name[0] == '-'
	for i := 0; i < len(name) && !bad; i++ {
		c := name[i]
		ok := ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("-_.:%", c) >= 0
		bad = !ok
	}
	if bad {
		return fmt.Errorf("snapshot name %q: %w", name, ErrInvalid)
	}
	return nil
}

// Validate checks what every driver needs of a spec: a uuid, a known
// brand, memory, and an image (image_uuid for zones, a boot disk image
// for hardware VMs). It reports every problem at once, as ErrInvalid.
func (s Spec) Validate() error {
	var errs []error
	if !ValidUUID(s.UUID) {
		errs = append(errs, fmt.Errorf("uuid %q is not a uuid", s.UUID))
	}
	if !brands[s.Brand] {
		errs = append(errs, fmt.Errorf("unknown brand %q", s.Brand))
	}
	if s.MemoryMB() <= 0 {
		errs = append(errs, errors.New("no memory (max_physical_memory or ram)"))
	}
	imgs := s.Images()
	switch {
	case len(imgs) == 0:
		errs = append(errs, errors.New("no image (image_uuid or a disk's image_uuid)"))
	default:
		for _, img := range imgs {
			if !ValidUUID(img) {
				errs = append(errs, fmt.Errorf("image %q is not a uuid", img))
			}
		}
	}
	if HVM(s.Brand) && s.ImageUUID != "" {
		errs = append(errs, fmt.Errorf("brand %s takes its image on a disk, not image_uuid", s.Brand))
	}
	if !HVM(s.Brand) && len(s.Disks) > 0 && brands[s.Brand] {
		errs = append(errs, fmt.Errorf("brand %s has no disks", s.Brand))
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("spec: %w: %w", ErrInvalid, errors.Join(errs...))
}

// Validate checks the update's memory and disk sizes, as ErrInvalid.
func (u UpdateSpec) Validate() error {
	for name, v := range map[string]*int64{
		"ram": u.RAM, "max_physical_memory": u.MaxPhysicalMemory, "vcpus": u.VCPUs,
		"max_swap": u.MaxSwap, "max_locked_memory": u.MaxLockedMemory,
	} {
		if v != nil && *v <= 0 {
			return fmt.Errorf("update: %s %d: %w", name, *v, ErrInvalid)
		}
	}
	for _, v := range []*int64{u.Quota, u.CPUCap, u.CPUShares, u.ZFSIOPriority} {
		if v != nil && *v < 0 {
			return fmt.Errorf("update: negative value: %w", ErrInvalid)
		}
	}
	for _, d := range u.UpdateDisks {
		if d.Path == "" || d.Size <= 0 {
			return fmt.Errorf("update: disk %q size %d: %w", d.Path, d.Size, ErrInvalid)
		}
	}
	return nil
}
