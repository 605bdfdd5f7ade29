package systest

import (
	"testing"

	"github.com/anishathalye/porcupine"
)

// TestIPPoolModel: the model accepts histories a correct pool can produce
// and rejects an address leased twice, so a checker run with it can fail.
func TestIPPoolModel(t *testing.T) {
	claim := func(client int, rng string, call, ret int64, out IPOutput) porcupine.Operation {
		return porcupine.Operation{ClientId: client, Input: IPInput{Range: rng, Kind: IPClaim}, Call: call, Output: out, Return: ret}
	}
	release := func(client int, rng string, idx int, call, ret int64, out IPOutcome) porcupine.Operation {
		return porcupine.Operation{ClientId: client, Input: IPInput{Range: rng, Kind: IPRelease, Index: idx}, Call: call, Output: IPOutput{Outcome: out}, Return: ret}
	}
	ok := func(i int) IPOutput { return IPOutput{Outcome: IPOK, Index: i} }
	for _, c := range []struct {
		name string
		h    []porcupine.Operation
		want bool
	}{
		{"claim, release, claim the same", []porcupine.Operation{
			claim(0, "r", 0, 1, ok(0)), release(0, "r", 0, 2, 3, IPOK), claim(1, "r", 4, 5, ok(0)),
		}, true},
		{"two holders at once", []porcupine.Operation{
			claim(0, "r", 0, 1, ok(3)), claim(1, "r", 2, 3, ok(3)),
		}, false},
		{"concurrent claims of one address", []porcupine.Operation{
			claim(0, "r", 0, 10, ok(1)), claim(1, "r", 5, 15, ok(1)),
		}, false},
		{"same index in two ranges", []porcupine.Operation{
			claim(0, "r", 0, 1, ok(3)), claim(1, "s", 2, 3, ok(3)),
		}, true},
		{"a release of unknown outcome may have freed it", []porcupine.Operation{
			claim(0, "r", 0, 1, ok(2)), release(0, "r", 2, 2, UnknownReturn, IPUnknown), claim(1, "r", 5, 6, ok(2)),
		}, true},
		{"a refused release freed nothing", []porcupine.Operation{
			claim(0, "r", 0, 1, ok(2)), release(0, "r", 2, 2, 3, IPRefused), claim(1, "r", 5, 6, ok(2)),
		}, false},
		{"a claim of unknown outcome then others", []porcupine.Operation{
			claim(0, "r", 0, UnknownReturn, IPOutput{Outcome: IPUnknown}), claim(1, "r", 1, 2, ok(0)),
			release(1, "r", 0, 3, 4, IPOK), claim(2, "r", 5, 6, ok(0)),
		}, true},
		{"released before it was claimed", []porcupine.Operation{
			release(0, "r", 0, 0, 1, IPOK), claim(1, "r", 2, 3, ok(0)), claim(2, "r", 4, 5, ok(0)),
		}, false},
	} {
		if got := porcupine.CheckOperations(IPPoolModel(), c.h); got != c.want {
			t.Errorf("%s: linearizable %v, want %v", c.name, got, c.want)
		}
	}
}
