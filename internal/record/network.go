package record

// BucketNetwork is the entity type and bucket of networks.
const BucketNetwork = "network"

// Network is the typed view of a network record (sniffle): a named group
// of IP ranges.
type Network struct {
	UUID      string         `record:"uuid,lww"`
	Name      string         `record:"name,lww"`
	IPRanges  []string       `record:"ipranges,set"`
	Resolvers []string       `record:"resolvers,set"`
	Metadata  map[string]any `record:"metadata,map"`
}

// NewNetwork returns a new network record holding the non-zero fields of v.
func NewNetwork(st Stamp, v Network) (*Record, error) { return create(st, BucketNetwork, v) }

// NetworkFromRecord projects a network record onto its typed view.
func NetworkFromRecord(r *Record) (Network, error) { return fromRecord[Network](r, BucketNetwork) }
