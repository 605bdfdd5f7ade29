package placement

import "errors"

// ErrInvalidRule marks a rule or request rejected by ParseRule, ParseRules,
// RuleFromValue, Rule.Validate, NewRequest or New. Test with errors.Is; the
// message says which rule and which field is wrong.
var ErrInvalidRule = errors.New("placement: invalid rule")

// ErrNoHypervisor is returned by Result.Err when no hypervisor is left; the
// wrapping error carries the summary of why each was excluded.
var ErrNoHypervisor = errors.New("placement: no hypervisor fits")
