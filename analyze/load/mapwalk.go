package load

import (
	"io"
	"sort"
	"strings"
)

// MapWalk walks an in-memory bundle (slash-separated path -> content) in
// name order, as a test or a tool that builds a bundle in Go needs.
func MapWalk(files map[string]string) WalkFunc {
	return func(fn func(name string, r io.Reader) error) error {
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := fn(n, strings.NewReader(files[n])); err != nil {
				return err
			}
		}
		return nil
	}
}
