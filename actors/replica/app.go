package replica

import (
	actorring "github.com/fifogo/fifo/actors/ring"
	"github.com/fifogo/fifo/supervisors"
)

// AppName is the cluster application's name.
const AppName = "cluster"

// App is the cluster application: the ring actor (membership, with its
// changes feeding the coordinator's view), then the replica actor. Start
// it after the store application and before any application that uses
// the Cluster. extra children (anti-entropy, handoff: actors that read
// the ring) start after the ring and replica actors.
func (c *Cluster) App(version string, ro actorring.Options, extra ...supervisors.Child) supervisors.App {
	ro.OnChange = c.setView
	return supervisors.App{
		Name:        AppName,
		Description: "membership and replication over the ring",
		Version:     version,
		Top: supervisors.Supervisor{
			Name:      "cluster_sup",
			Strategy:  supervisors.OneForOne,
			Intensity: 10,
			Period:    10,
			Children: func() []supervisors.Child {
				return append([]supervisors.Child{
					supervisors.ActorChild(actorring.Spec(ro)),
					supervisors.ActorChild(c.spec()),
				}, extra...)
			},
		},
	}
}
