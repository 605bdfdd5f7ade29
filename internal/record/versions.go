package record

// Versions returns the current schema version of every entity type in g,
// keyed by type. The map is a copy: changing it does not change g. Release
// manifests record it so an operator can see which schemas a build writes.
func (g *Registry) Versions() map[string]uint32 {
	out := make(map[string]uint32, len(g.entities))
	for typ, e := range g.entities {
		out[typ] = e.Version
	}
	return out
}
