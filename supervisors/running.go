package supervisors

import (
	"sort"

	"github.com/fifogo/fifo/internal/runtime"
)

// AppInfo describes an application running on a node.
type AppInfo struct {
	Name        string
	Description string
	Version     string
}

// Running lists the applications running on n, by name.
func Running(n *runtime.Node) []AppInfo {
	apps := n.Ergo().WhichApplications()
	out := make([]AppInfo, 0, len(apps))
	for _, a := range apps {
		out = append(out, AppInfo{Name: a.Name, Description: a.Description, Version: a.Version})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
