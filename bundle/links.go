package bundle

import (
	"io"
	"path"
	"strings"
	"time"
)

// symlinkTarget resolves the target of a symbolic link named rel (bundle
// relative): the clean bundle-relative name it points to, or "" if the
// target is absolute, escapes the bundle root, is the root itself or is not
// a safe name. It never touches the disk.
func symlinkTarget(rel, target string) string {
	if target == "" || strings.HasPrefix(target, "/") || strings.ContainsAny(target, "\\\x00") ||
		(len(target) >= 2 && target[1] == ':' && isASCIILetter(target[0])) {
		return ""
	}
	return localName(path.Join(path.Dir(rel), target))
}

// hardlinkTarget resolves the target of a tar hard link, stored relative to
// the archive root: the name gets the checks and the top-folder rule of
// regular names (checkName, relName); "" if it is unsafe or outside the
// bundle root.
func (w *walker) hardlinkTarget(target string) string {
	clean, err := w.checkName(target)
	if err != nil {
		return ""
	}
	rel, err := w.relName(target, clean, false)
	if err != nil {
		return ""
	}
	return rel
}

// localName returns a joined, clean name if it stays inside the bundle
// root and is not the root itself, else "".
func localName(clean string) string {
	if clean == "." || clean == ".." || strings.HasPrefix(clean, "../") || strings.HasPrefix(clean, "/") {
		return ""
	}
	return clean
}

// linkEntry builds the Entry of a link: no content, never followed.
func (w *walker) linkEntry(raw, rel, target, link string, mod time.Time) *Entry {
	return &Entry{
		Name:       rel,
		ModTime:    mod,
		LinkTarget: target,
		Link:       link,
		isLink:     true,
		raw:        raw,
		open:       func() (io.Reader, error) { return strings.NewReader(""), nil },
	}
}
