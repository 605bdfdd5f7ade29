package sniffle

import "github.com/fifogo/fifo/agent/client"

// Receiver returns the agents' receiver in sniffle's tree (nil when
// none): its directory knows every registered agent, for the console's
// `hypervisors upgrade`.
func (s *Service) Receiver() *client.Receiver { return s.rcv }
