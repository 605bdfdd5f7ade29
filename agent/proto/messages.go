package proto

// Message is one message type of the protocol and the name it is
// registered under for the network (after the runtime's versioned
// prefix).
type Message struct {
	Name  string
	Value any
}

// Messages lists every message type of the protocol with its network
// name, for registration (package proto/wire).
func Messages() []Message {
	return []Message{
		{"agent.Reserve", Reserve{}},
		{"agent.Release", Release{}},
		{"agent.Create", Create{}},
		{"agent.Start", Start{}},
		{"agent.Stop", Stop{}},
		{"agent.Reboot", Reboot{}},
		{"agent.Delete", Delete{}},
		{"agent.Update", Update{}},
		{"agent.Snapshot", Snapshot{}},
		{"agent.DeleteSnapshot", DeleteSnapshot{}},
		{"agent.Rollback", Rollback{}},
		{"agent.Snapshots", Snapshots{}},
		{"agent.ImportImage", ImportImage{}},
		{"agent.Images", Images{}},
		{"agent.Get", Get{}},
		{"agent.List", List{}},
		{"agent.Sysinfo", Sysinfo{}},
		{"agent.UpgradeInfo", UpgradeInfo{}},
		{"agent.UpgradeBegin", UpgradeBegin{}},
		{"agent.UpgradeChunk", UpgradeChunk{}},
		{"agent.UpgradeSwitch", UpgradeSwitch{}},
		{"agent.Reply", Reply{}},
		{"agent.Register", Register{}},
		{"agent.Heartbeat", Heartbeat{}},
		{"agent.VMState", VMState{}},
		{"agent.VMList", VMList{}},
		{"agent.Ack", Ack{}},
	}
}
