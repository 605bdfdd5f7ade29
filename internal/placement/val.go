package placement

import (
	"github.com/fifogo/fifo/internal/record"
)

// kind is the type of a hypervisor attribute's value.
type kind uint8

const (
	kMissing kind = iota // the attribute is not there
	kNull                // JSON null
	kBool
	kNum
	kStr
	kStrs  // a []string field (networks, virtualisation, …)
	kList  // a []any from a map field
	kPath  // the path field: a list of hop names
	kObj   // a map: as a set, its keys
	kOther // anything else: equal to nothing, in no set
)

// val is an attribute's value as read from a hypervisor, without boxing:
// reading a field into an interface would allocate for every hypervisor.
type val struct {
	k    kind
	n    float64   // kNum; kBool as 0 or 1
	s    string    // kStr
	x    any       // kList ([]any), kObj (map[string]any) and kStrs, as found in a map
	strs *[]string // kStrs of a hypervisor's field (boxing it would allocate)
	path *[]record.PathElem
}

// strList returns the elements of a kStrs value.
func (v *val) strList() []string {
	if v.strs != nil {
		return *v.strs
	}
	l, _ := v.x.([]string)
	return l
}

// valOf converts a value found in a hypervisor's map field.
func valOf(x any) val {
	switch t := x.(type) {
	case nil:
		return val{k: kNull}
	case bool:
		return boolVal(t)
	case string:
		return val{k: kStr, s: t}
	case []any:
		return val{k: kList, x: x}
	case []string:
		return val{k: kStrs, x: x}
	case map[string]any:
		return val{k: kObj, x: x}
	}
	if f, ok, err := number(x); ok && err == nil {
		return val{k: kNum, n: f}
	}
	return val{k: kOther}
}

func boolVal(b bool) val {
	if b {
		return val{k: kBool, n: 1}
	}
	return val{k: kBool}
}

// key is a scalar in comparable form: rule values and hypervisor values
// meet as keys in every equality and set condition.
type key struct {
	k kind // kNull, kBool, kNum or kStr
	n float64
	s string
}

// scalarKey returns v as a key; ok is false for lists, objects and absent
// values.
func (v *val) scalarKey() (key, bool) {
	switch v.k {
	case kNull, kBool, kNum:
		return key{k: v.k, n: v.n}, true
	case kStr:
		return key{k: kStr, s: v.s}, true
	}
	return key{}, false
}

// anyKey returns the key of an element of a list.
func anyKey(x any) (key, bool) {
	v := valOf(x)
	return v.scalarKey()
}

// listLike reports whether v can be read as a set of elements.
func (v *val) listLike() bool {
	switch v.k {
	case kStrs, kList, kPath, kObj:
		return true
	}
	return false
}

// each calls fn with every element of the list-like v (ok is false for an
// element that is not a scalar) until fn returns false, and reports
// whether it went through all of them.
func (v *val) each(fn func(k key, ok bool) bool) bool {
	switch v.k {
	case kStrs:
		for _, s := range v.strList() {
			if !fn(key{k: kStr, s: s}, true) {
				return false
			}
		}
	case kList:
		for _, x := range v.x.([]any) {
			if !fn(anyKey(x)) {
				return false
			}
		}
	case kPath:
		for _, p := range *v.path {
			if !fn(key{k: kStr, s: p.Name}, true) {
				return false
			}
		}
	case kObj:
		for s := range v.x.(map[string]any) {
			if !fn(key{k: kStr, s: s}, true) {
				return false
			}
		}
	}
	return true
}

// contains reports whether the list-like v holds k.
func (v *val) contains(k key) bool {
	return !v.each(func(e key, ok bool) bool { return !ok || e != k })
}

// length is the number of elements of a list-like v.
func (v *val) length() int {
	switch v.k {
	case kStrs:
		return len(v.strList())
	case kList:
		return len(v.x.([]any))
	case kPath:
		return len(*v.path)
	case kObj:
		return len(v.x.(map[string]any))
	}
	return 0
}

// at returns element i of an ordered list-like v (not kObj).
func (v *val) at(i int) (key, bool) {
	switch v.k {
	case kStrs:
		return key{k: kStr, s: v.strList()[i]}, true
	case kList:
		return anyKey(v.x.([]any)[i])
	case kPath:
		return key{k: kStr, s: (*v.path)[i].Name}, true
	}
	return key{}, false
}
