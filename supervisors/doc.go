// Package supervisors builds supervision trees and applications on the
// runtime layer, and makes ergo v1.999.224's supervisors safe to use:
//
//   - Children are built afresh on every supervisor Init (ergo keeps child
//     state inside the Children slice it was given, so a restarted
//     supervisor handed the same slice starts no children).
//   - Intensity and Period always have explicit non-zero values (a zero
//     Intensity kills the supervisor at start), and ergo's off-by-one —
//     it counts the initial start as a restart — is corrected so Intensity
//     means what OTP means: that many restarts within Period are tolerated.
//   - Applications are started with a deadline, only after every name of
//     their tree is free: ergo frees names asynchronously after a stop, and
//     a child whose name is still taken deadlocks its supervisor's start
//     forever.
//
// Children are runtime actors, whose Init cannot fail by construction.
package supervisors
