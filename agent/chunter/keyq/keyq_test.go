package keyq

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestOrderPerKey(t *testing.T) {
	var q Queue[int]
	if !q.Push("a", 1) || !q.Push("b", 10) {
		t.Fatal("idle keys must run at once")
	}
	if q.Push("a", 2) || q.Push("a", 3) {
		t.Fatal("a busy key must queue")
	}
	if q.Waiting("a") != 2 || q.Busy() != 2 {
		t.Fatalf("waiting %d busy %d", q.Waiting("a"), q.Busy())
	}
	for _, want := range []int{2, 3} {
		v, ok := q.Done("a")
		if !ok || v != want {
			t.Fatalf("Done = %d %v, want %d", v, ok, want)
		}
	}
	if _, ok := q.Done("a"); ok {
		t.Fatal("a should be idle")
	}
	if _, ok := q.Done("zzz"); ok {
		t.Fatal("unknown key")
	}
	if !q.Push("a", 4) {
		t.Fatal("idle again")
	}
	q.Push("a", 5)
	q.Push("b", 11)
	got := q.Drain()
	slices.Sort(got)
	if !slices.Equal(got, []int{5, 11}) || q.Busy() != 2 || q.Waiting("a") != 0 {
		t.Fatalf("drain %v busy %d", got, q.Busy())
	}
}

// Model: at most one item runs per key, items run in push order per key,
// nothing is lost.
func TestQueueModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var q Queue[int]
		running := map[string]int{}
		pushed := map[string][]int{}
		ran := map[string][]int{}
		n := 0
		t.Repeat(map[string]func(*rapid.T){
			"push": func(t *rapid.T) {
				k := rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "k")
				n++
				pushed[k] = append(pushed[k], n)
				if q.Push(k, n) {
					if _, busy := running[k]; busy {
						t.Fatalf("two items run for %s", k)
					}
					running[k] = n
					ran[k] = append(ran[k], n)
				}
			},
			"done": func(t *rapid.T) {
				k := rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "k")
				_, busy := running[k]
				v, ok := q.Done(k)
				delete(running, k)
				if ok {
					if !busy {
						t.Fatalf("idle key %s handed out %d", k, v)
					}
					running[k] = v
					ran[k] = append(ran[k], v)
				}
			},
			"": func(t *rapid.T) {
				for k, p := range pushed {
					if !slices.Equal(ran[k], p[:len(ran[k])]) {
						t.Fatalf("%s ran %v of %v", k, ran[k], p)
					}
					if len(p)-len(ran[k]) != q.Waiting(k) {
						t.Fatalf("%s: %d waiting, want %d", k, q.Waiting(k), len(p)-len(ran[k]))
					}
				}
			},
		})
	})
}
