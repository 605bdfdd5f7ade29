package record

// entities returns the schemas of FiFo's entity types (reference/fifo.md
// §4.2), one per typed view.
func entities() ([]*Entity, error) {
	builders := []func() (*Entity, error){
		func() (*Entity, error) { return entity[VM](BucketVM, 2, upgradeVMCreating) },
		func() (*Entity, error) { return entity[Hypervisor](BucketHypervisor, 1) },
		func() (*Entity, error) { return entity[Dataset](BucketDataset, 1) },
		func() (*Entity, error) { return entity[Package](BucketPackage, 1) },
		func() (*Entity, error) { return entity[Network](BucketNetwork, 1) },
		func() (*Entity, error) { return entity[IPRange](BucketIPRange, 1) },
		func() (*Entity, error) { return entity[DTrace](BucketDTrace, 1) },
		func() (*Entity, error) { return entity[Grouping](BucketGrouping, 1) },
		func() (*Entity, error) { return entity[Hostname](BucketHostname, 1) },
		func() (*Entity, error) { return entity[User](BucketUser, 1) },
		func() (*Entity, error) { return entity[Role](BucketRole, 1) },
		func() (*Entity, error) { return entity[Org](BucketOrg, 1) },
		func() (*Entity, error) { return entity[Client](BucketClient, 1) },
		func() (*Entity, error) { return entity[Token](BucketToken, 1) },
		func() (*Entity, error) { return entity[Accounting](BucketAccounting, 1) },
	}
	out := make([]*Entity, 0, len(builders))
	for _, b := range builders {
		e, err := b()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
