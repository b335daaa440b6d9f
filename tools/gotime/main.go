// Command gotime prints Go's verdict on a generated corpus of candidate deadline values: what
// time.Parse(time.RFC3339, v) accepts (and the instant it gives) and what it rejects. The Argo Rollouts
// controller reads scale-down-deadline with exactly that call, so the table is the fact that
// deadline-guard's Rfc3339 is tested against (Rfc3339GoTableTest). CI does not need Go: the output is committed.
//
// Regenerate from the repository root (see tools/gotime/README.md):
//
//	(cd tools/gotime && go run main.go) > src/test/resources/dev/deadlineguard/core/go-rfc3339.tsv
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"
)

// Characters substituted, inserted and used as padding: digits, the layout's own separators, look-alikes,
// whitespace, control characters and non-ASCII digits and spaces.
var chars = []string{"0", "1", "5", "9", "a", "A", "Z", "z", "T", "t", "+", "-", ":", ".", ",", "/", "_",
	" ", "\t", "\n", "\r", "\x00", "\x7f", "é", "\u0663", "\uff10", "\u00a0", "\u2009"}

var bases = []string{
	"2024-08-01T15:13:36Z",
	"2000-02-29T23:59:59.123456789+05:30",
	"1999-12-31T00:00:00-08:00",
	"2024-08-01T15:13:36,5Z",
	"0001-01-01T00:00:00Z",
}

type corpus struct {
	seen   map[string]bool
	values []string
}

func (c *corpus) add(v string) {
	if !utf8.ValidString(v) || c.seen[v] {
		return
	}
	c.seen[v] = true
	c.values = append(c.values, v)
}

func pad2(n int) string { return fmt.Sprintf("%02d", n) }

func main() {
	c := &corpus{seen: map[string]bool{}}

	// Every base as it is, and every position replaced, deleted, duplicated and preceded by each char.
	for _, b := range bases {
		c.add(b)
		for i := 0; i < len(b); i++ {
			for _, ch := range chars {
				c.add(b[:i] + ch + b[i+1:])
				c.add(b[:i] + ch + b[i:])
			}
			c.add(b[:i] + b[i+1:])
			c.add(b[:i] + b[i:i+1] + b[i:])
			c.add(b[:i])
		}
		for _, ch := range chars {
			c.add(b + ch)
			c.add(ch + b)
		}
	}

	// Fractions of 0 to 12 digits after '.' and ',', several digit patterns and zones.
	digits := []string{"123456789012", "999999999999", "000000000001", "500000000000"}
	for _, sep := range []string{".", ","} {
		for n := 0; n <= 12; n++ {
			for _, d := range digits {
				for _, zone := range []string{"Z", "+01:00", "-23:59", "+24:00", ""} {
					c.add("2024-08-01T15:13:36" + sep + d[:n] + zone)
				}
			}
		}
		c.add("2024-08-01T15:13:36" + sep + strings.Repeat("7", 100) + "Z")
		c.add("2024-08-01T15:13:36" + sep + sep + "5Z")
		c.add("2024-08-01T15:13:36" + sep + "5" + sep + "5Z")
		c.add("2024-08-01T15:13:36" + sep + "5e3Z")
		c.add("2024-08-01T15:13:36" + sep + "-5Z")
		c.add("2024-08-01T15:13:36" + sep + "+5Z")
		c.add("2024-08-01T15:13:36" + sep + " 5Z")
	}

	// Offsets +-00..25 : 00..60, and offsets in other shapes.
	for _, sign := range []string{"+", "-"} {
		for hh := 0; hh <= 25; hh++ {
			for mm := 0; mm <= 60; mm++ {
				c.add("2024-08-01T15:13:36" + sign + pad2(hh) + ":" + pad2(mm))
			}
		}
		for _, tz := range []string{"99:99", "1:00", "01:0", "0100", "01", "01:00:00", "-1:00", "+1:00", "-1:-5",
			"+1:+5", "01:-5", "01:+5", "0-:00", "-0:00", "+0:00", "--:00", "++:00", " 1:00", "01: 5", "01:00Z",
			"01;00", "01.00", "001:00", "01:000", "1:1", "a1:00", "01:a0", "", ":"} {
			c.add("2024-08-01T15:13:36" + sign + tz)
			c.add("2024-08-01T15:13:36.5" + sign + tz)
		}
	}
	for _, tz := range []string{"UTC", "GMT", "z", "ZZ", "Z ", "*01:00", "01:00", "Z+01:00", "+01:00Z", "\u221201:00"} {
		c.add("2024-08-01T15:13:36" + tz)
	}

	// Impossible and edge dates: month 00..13, day 00..32, in leap, non-leap and century years.
	for _, y := range []string{"0000", "0001", "1900", "1970", "2000", "2023", "2024", "2100", "9999"} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				c.add(y + "-" + pad2(m) + "-" + pad2(d) + "T12:00:00Z")
			}
		}
	}
	// Times: hour 00..25, minute and second 00..61, and the classic edge instants.
	for v := 0; v <= 61; v++ {
		if v <= 25 {
			c.add("2024-08-01T" + pad2(v) + ":13:36Z")
			c.add("2024-08-01T" + fmt.Sprint(v) + ":13:36Z")
		}
		c.add("2024-08-01T15:" + pad2(v) + ":36Z")
		c.add("2024-08-01T15:13:" + pad2(v) + "Z")
	}
	for _, v := range []string{"2024-08-01T24:00:00Z", "2016-12-31T23:59:60Z", "2024-08-01T23:59:60+01:00",
		"2024-08-01T23:59:59.999999999-23:59", "0000-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59",
		"9999-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z"} {
		c.add(v)
	}

	// One- and three-digit fields, and other widths of the year.
	fields := []struct{ prefix, suffix string }{
		{"2024-", "-01T15:13:36Z"}, {"2024-08-", "T15:13:36Z"}, {"2024-08-01T", ":13:36Z"},
		{"2024-08-01T15:", ":36Z"}, {"2024-08-01T15:13:", "Z"},
	}
	for _, f := range fields {
		for _, v := range []string{"0", "1", "5", "9", "00", "09", "001", "010", "123", "+1", "-1", " 1", "1 ", ""} {
			c.add(f.prefix + v + f.suffix)
		}
	}
	for _, y := range []string{"1", "24", "024", "02024", "12024", "+2024", "-2024", "+024", "-024", " 024", "20 4", "2O24"} {
		c.add(y + "-08-01T15:13:36Z")
	}

	// Case, separators, truncations, whitespace padding and other shapes people write.
	for _, v := range []string{"2024-08-01t15:13:36Z", "2024-08-01T15:13:36z", "2024-08-01t15:13:36z",
		"2024-08-01 15:13:36Z", "2024-08-01 15:13:36", "2024-08-01T15:13:36", "2024-08-01T15:13Z", "2024-08-01T15Z",
		"2024-08-01", "2024-08-01T", "2024", "", " ", "Z", "T", "tomorrow", "null", "0", "1722525216",
		"2024/08/01T15:13:36Z", "2024-08-01_15:13:36Z", "2024-08-01T15.13.36Z", "20240801T151336Z",
		"2024-08-01T15:13:36+0100", "2024-08-01T15:13:36 +01:00", "Thu, 01 Aug 2024 15:13:36 GMT",
		"2024-08-01T15:13:36.Z", "2024-08-01T15:13:36,Z", "\"2024-08-01T15:13:36Z\"", "'2024-08-01T15:13:36Z'"} {
		c.add(v)
	}
	for _, p := range []string{" ", "  ", "\t", "\n", "\r\n", "\x00", "\u00a0", "\ufeff"} {
		for _, b := range bases[:2] {
			c.add(p + b)
			c.add(b + p)
			c.add(p + b + p)
		}
	}

	// The examples named in Rfc3339Test, the README and the issue.
	for _, v := range []string{"2024-08-01T15:13:36.1234567891Z", "2024-08-01T15:13:36+2:00", "2000-02-29T0:00:00Z",
		"2024-08-01T15:13:.5Z", "2024-08-01T15:13:5.5Z", "2024-08-01T1:3:36Z", "2024-8-01T15:13:36Z",
		"2024-08-01T17:13:36+02:00", "2024-08-01T10:13:36-05:00", "2024-02-29T00:00:00Z", "2024-08-01 15:13:36",
		"2024-08-01T15:13:36.5Z", "2024-08-01T15:13:36.123456789Z", "2024-08-01T15:13:36+-1:00",
		"\uff12\uff10\uff12\uff14-08-01T15:13:36Z"} {
		c.add(v)
	}

	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "# Go's time.Parse(time.RFC3339, value) on %d generated values, by tools/gotime (%s %s/%s).\n",
		len(c.values), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "# Columns: value (bytes outside printable ASCII, and %%, as %%XX of their UTF-8), then \"ok\" with\n")
	fmt.Fprintln(w, "# Unix seconds and nanoseconds of the instant, or \"rejected\".")
	for _, v := range c.values {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fmt.Fprintf(w, "%s\trejected\n", escape(v))
		} else {
			fmt.Fprintf(w, "%s\tok\t%d\t%d\n", escape(v), t.Unix(), t.Nanosecond())
		}
	}
}

func escape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		ch := v[i]
		if ch <= ' ' || ch >= 0x7f || ch == '%' {
			fmt.Fprintf(&b, "%%%02X", ch)
		} else {
			b.WriteByte(ch)
		}
	}
	return b.String()
}
