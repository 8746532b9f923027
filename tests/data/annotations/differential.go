// Answers kata-config's differential questions with Go's own standard library: does RE2
// accept an enable_annotations entry and match a suffix; what does filepath.Glob return;
// what does filepath.Match say; how do strconv's parsers read a value. Reads one JSON object
// on stdin and writes one JSON object of answers on stdout.
package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
)

type request struct {
	Regex [][2]string `json:"regex"`
	Match [][2]string `json:"match"`
	Glob  []string    `json:"glob"`
	Bool  []string    `json:"bool"`
	Uint  []string    `json:"uint"`
	Float []string    `json:"float"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		panic(err)
	}
	out := map[string][]any{}
	for _, c := range req.Regex {
		_, compileErr := regexp.Compile(c[0])
		matched, _ := regexp.MatchString(c[0], c[1])
		out["regex"] = append(out["regex"], []bool{compileErr == nil, matched})
	}
	for _, c := range req.Match {
		matched, err := filepath.Match(c[0], c[1])
		out["match"] = append(out["match"], []bool{err == nil, matched})
	}
	for _, pattern := range req.Glob {
		found, err := filepath.Glob(pattern)
		if found == nil {
			found = []string{}
		}
		out["glob"] = append(out["glob"], map[string]any{"ok": err == nil, "found": found})
	}
	for _, v := range req.Bool {
		b, err := strconv.ParseBool(v)
		out["bool"] = append(out["bool"], []bool{err == nil, b})
	}
	for _, v := range req.Uint {
		_, err := strconv.ParseUint(v, 10, 64)
		out["uint"] = append(out["uint"], err == nil)
	}
	for _, v := range req.Float {
		f, err := strconv.ParseFloat(v, 32)
		// the runtime's own test: an error, a negative or a too big value is refused (NaN passes)
		out["float"] = append(out["float"], !(err != nil || f < 0) && !(f > 3.4028234663852886e38))
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
