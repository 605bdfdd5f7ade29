package releases

// UpgradeFrom is the oldest release version a node may run and still be
// upgraded to this build; release manifests carry it and
// `fifo release unpack` refuses the release on a node running an older
// one (releases/manifest.CheckUpgrade). "0.0.0" admits every version: no
// release has shipped yet. Raise it when a change cannot meet older nodes
// during a rolling upgrade: a record schema step removed, a wire message
// dropped or reshaped without a new versioned name.
const UpgradeFrom = "0.0.0"
