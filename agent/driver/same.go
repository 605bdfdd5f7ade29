package driver

import "slices"

// SameSpec reports whether an existing VM is what spec would create, so
// a repeated Create succeeds instead of failing: same brand, image(s),
// memory, quota, CPU cap, alias and owner. Other properties (NICs,
// metadata) are not compared: vmadm fills them in (MACs, interface
// names), and two creates that agree on all of the above are the same
// request repeated, not two requests that collide on a uuid.
func SameSpec(spec Spec, vm VM) bool {
	return spec.Brand == vm.Brand &&
		slices.Equal(spec.Images(), vm.Images()) &&
		spec.MemoryMB() == vm.MemoryMB() &&
		spec.Quota == vm.Quota &&
		spec.CPUCap == vm.CPUCap &&
		spec.Alias == vm.Alias &&
		spec.OwnerUUID == vm.OwnerUUID
}
