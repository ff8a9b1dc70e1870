package bundle

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// checkWriteName validates an entry name given to the Writer: a clean,
// slash-separated, local path such as "resources/core/v1/pods.json".
func checkWriteName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty entry name")
	case name == ManifestPath:
		return fmt.Errorf("entry name %q is reserved: Commit writes it", name)
	case strings.ContainsAny(name, "\\\x00"):
		return fmt.Errorf("entry name %q contains a backslash or NUL byte", name)
	case name == "." || path.Clean(name) != name || strings.HasPrefix(name, "/") || !filepath.IsLocal(name):
		return fmt.Errorf("entry name %q is not a clean relative path", name)
	case hasDotDot(name):
		return fmt.Errorf("entry name %q has a \"..\" element", name)
	}
	return nil
}

// hasDotDot reports whether the slash-separated name has a ".." element.
func hasDotDot(name string) bool {
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return true
		}
	}
	return false
}
