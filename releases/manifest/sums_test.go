package manifest

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSumsRoundTrip(t *testing.T) {
	a, b := strings.Repeat("a", 64), strings.Repeat("b", 64)
	in := []Sum{{Path: "manifest.json", SHA256: b}, {Path: "bin/fifo", SHA256: a}}
	data := FormatSums(in)
	want := a + "  bin/fifo\n" + b + "  manifest.json\n"
	if string(data) != want {
		t.Fatalf("FormatSums:\n%s\nwant\n%s", data, want)
	}
	got, err := ParseSums(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []Sum{in[1], in[0]}) {
		t.Fatalf("ParseSums = %+v", got)
	}
}

func TestParseSumsRefuses(t *testing.T) {
	h := strings.Repeat("a", 64)
	for name, doc := range map[string]string{
		"empty":            "",
		"no newline":       h + "  bin/fifo",
		"one space":        h + " bin/fifo\n",
		"short hash":       "abc  bin/fifo\n",
		"escaping":         h + "  ../etc/passwd\n",
		"itself":           h + "  SHA256SUMS\n",
		"unsorted":         h + "  b\n" + h + "  a\n",
		"duplicate":        h + "  a\n" + h + "  a\n",
		"blank line":       h + "  a\n\n",
		"carriage returns": h + "  a\r\n",
	} {
		if _, err := ParseSums([]byte(doc)); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: ParseSums = %v, want ErrInvalid", name, err)
		}
	}
}
